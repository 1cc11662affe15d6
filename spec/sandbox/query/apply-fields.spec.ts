import { applyFields } from '../../../sandbox/query';
import { expectSandboxError } from './expect-sandbox-error';

const user = {
  nickname: 'evzijst',
  display_name: 'Erik van Zijst',
  uuid: '{a288}',
  links: { self: { href: 'https://x/self' }, avatar: { href: 'https://x/avatar' } },
  location: null,
  type: 'user',
};

/** A PR list page in full; `values.reviewers` and `values.participants` are hidden by default on the collection. */
const page = {
  size: 2,
  page: 1,
  pagelen: 10,
  next: 'https://x/pullrequests?page=2',
  values: [
    { id: 1, state: 'OPEN', author: { uuid: '{a}', links: { html: 'h' } }, reviewers: [{ nickname: 'abhin', uuid: '{r1}' }], participants: [], links: { self: 's1' } },
    { id: 2, state: 'MERGED', author: { uuid: '{b}', links: { html: 'h' } }, reviewers: [], participants: [{ role: 'REVIEWER' }], links: { self: 's2' } },
  ],
};
const hidden = ['values.reviewers', 'values.participants'];

describe('applyFields on a single object', () => {
  const { links: _links, ...withoutLinks } = user;
  it.each<[string | undefined, unknown]>([
    [undefined, user],
    ['', user],
    ['-links', withoutLinks],
    ['-links.*', { ...user, links: {} }],
    ['-links.self', { ...user, links: { avatar: user.links.avatar } }],
    ['-links.*.href', { ...user, links: { self: {}, avatar: {} } }],
    ['owner.display_name,uuid,links.self.href', { uuid: '{a288}', links: { self: { href: 'https://x/self' } } }],
    ['uuid', { uuid: '{a288}' }],
    ['uuid,uuid', { uuid: '{a288}' }],
    ['location', { location: null }],
    ['location.city', { location: null }],
    ['-*,+uuid,+type', { uuid: '{a288}', type: 'user' }],
    ['*', user],
    ['+nickname', user],
    ['-nope', user],
    ['nope', {}],
    ['links.nope', { links: {} }],
    [' uuid', {}], // "+uuid" sent without %2B: the space makes a plain field that matches nothing
    ['nickname.first,nickname', { nickname: 'evzijst' }], // a scalar: dropped by the longer path, kept by the shorter
    ['nickname,nickname.first', { nickname: 'evzijst' }],
    ['links.self.href,uuid,links.avatar', { links: { self: { href: 'https://x/self' }, avatar: user.links.avatar }, uuid: '{a288}' }],
    ['-links,+links.self', { ...withoutLinks, links: { self: user.links.self } }],
    ['+links.self,-links', withoutLinks],
  ])('fields=%j', (fields, expected) => {
    expect(applyFields(user, fields)).toEqual(expected);
  });

  it('does not modify its input', () => {
    const before = JSON.stringify(user);
    applyFields(user, '-links.*');
    applyFields(user, 'uuid');
    expect(JSON.stringify(user)).toBe(before);
  });
});

describe('applyFields on a paginated envelope', () => {
  const defaults = {
    ...page,
    values: page.values.map(({ reviewers: _r, participants: _p, ...rest }) => rest),
  };
  it.each<[string | undefined, unknown]>([
    [undefined, defaults],
    ['values.id,values.state', { values: [{ id: 1, state: 'OPEN' }, { id: 2, state: 'MERGED' }] }],
    ['values.id,next', { next: page.next, values: [{ id: 1 }, { id: 2 }] }],
    ['next,size,page,pagelen,values.id', { size: 2, page: 1, pagelen: 10, next: page.next, values: [{ id: 1 }, { id: 2 }] }],
    ['+values.reviewers', { ...defaults, values: defaults.values.map((value, i) => ({ ...value, reviewers: page.values[i]!.reviewers })) }],
    [
      'values.id,values.reviewers.nickname',
      { values: [{ id: 1, reviewers: [{ nickname: 'abhin' }] }, { id: 2, reviewers: [] }] },
    ],
    ['-values.links,-values.author', { ...defaults, values: defaults.values.map(({ links: _l, author: _a, ...rest }) => rest) }],
    ['-values.*.links', { ...defaults, values: defaults.values.map((value) => ({ ...value, author: { uuid: value.author.uuid } })) }],
    ['values.author', { values: [{ author: page.values[0]!.author }, { author: page.values[1]!.author }] }],
    ['values', { values: defaults.values }], // a requested field brings its default subtree: hidden ones stay hidden
    ['*', defaults],
    ['*.*', page], // wildcards name every field at their level, hidden ones included ("Field discovery")
    ['values.*', { values: page.values }],
    ['-values', { size: 2, page: 1, pagelen: 10, next: page.next }],
  ])('fields=%j', (fields, expected) => {
    expect(applyFields(page, fields, hidden)).toEqual(expected);
  });

  it('keeps an empty values array when selecting item fields', () => {
    expect(applyFields({ pagelen: 10, size: 0, page: 1, values: [] }, 'values.id')).toEqual({ values: [] });
  });

  it('supports wildcards in the hidden list', () => {
    expect(applyFields({ values: [{ a: { secret: 1, b: 2 } }] }, undefined, ['values.*.secret'])).toEqual({ values: [{ a: { b: 2 } }] });
    expect(applyFields({ values: [{ a: { secret: 1, b: 2 } }] }, '+values.a.secret', ['values.*.secret'])).toEqual({ values: [{ a: { secret: 1, b: 2 } }] });
  });
});

/** `value` behind proxies that throw on any write, at every level. */
function writeGuarded<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? value.map(writeGuarded) : Object.fromEntries(Object.entries(value).map(([key, child]) => [key, writeGuarded(child)]));
  const refuse = (): never => { throw new Error('applyFields wrote into its input'); };
  return new Proxy(copy, { set: refuse, deleteProperty: refuse, defineProperty: refuse }) as T;
}

describe('applyFields: the answer holds parts of the body, which it never writes into', () => {
  it('hands over what no entry changes as it is, instead of a copy', () => {
    const answer = applyFields(page, 'values.id,values.author,next', hidden) as { values: Array<{ author: unknown }> };
    expect(answer.values[0]!.author).toBe(page.values[0]!.author);
    expect(applyFields(user, undefined)).toBe(user);
  });

  it.each([
    'values.author,values.author.links.html', // a later entry writes into what an earlier one took whole
    'values.author.links,values.author',
    'values.author,-values.author.links',
    'values.*,values.reviewers.nickname',
    '*.*,-values.*.links',
    '+values.reviewers',
    '-values.links,+values.reviewers.nickname',
    'values.author,*.author.uuid',
    'values.id,values.id',
    undefined,
  ])('fields=%j: same answer as from an unshared body, and the body is untouched', (fields) => {
    const before = JSON.stringify(page);
    const expected = JSON.stringify(applyFields(JSON.parse(before), fields, hidden));
    const guarded = writeGuarded(page);
    expect(JSON.stringify(applyFields(guarded, fields, hidden))).toBe(expected);
    expect(JSON.stringify(applyFields(guarded, fields, hidden))).toBe(expected);
    expect(JSON.stringify(page)).toBe(before);
  });

  it('keeps the order of the entries in each object it builds', () => {
    expect(JSON.stringify(applyFields(page, 'values.state,next,values.id', hidden))).toBe(JSON.stringify({ values: [{ state: 'OPEN', id: 1 }, { state: 'MERGED', id: 2 }], next: page.next }));
  });
});

describe('applyFields: invalid syntax is 400', () => {
  it.each<[string, string]>([
    ['a,,b', ''],
    ['a,', ''],
    [',a', ''],
    ['+', '+'],
    ['-', '-'],
    ['a..b', 'a..b'],
    ['-a.', '-a.'],
    ['.a', '.a'],
  ])('fields=%j', (fields, entry) => {
    expectSandboxError(
      () => applyFields(user, fields),
      400,
      `Invalid fields parameter entry "${entry}": use comma-separated dotted paths, each optionally prefixed with + or -`,
    );
  });
});
