import { applyFields, membersRead } from '../../../sandbox/query';

/** A pull-request list page in full; `values.reviewers` and `values.participants` are hidden by default there. */
const page = {
  size: 2,
  page: 1,
  pagelen: 10,
  next: 'https://x/pullrequests?page=2',
  values: [
    { id: 1, state: 'OPEN', author: { uuid: '{a}', links: { html: 'h' } }, destination: { repository: { full_name: 'w/r' } }, reviewers: [{ uuid: '{r1}' }], participants: [], links: { self: 's1' } },
    { id: 2, state: 'MERGED', author: { uuid: '{b}', links: { html: 'h' } }, destination: { repository: { full_name: 'w/s' } }, reviewers: [], participants: [{ role: 'REVIEWER' }], links: { self: 's2' } },
  ],
};
const hidden = ['values.reviewers', 'values.participants'];

/** The page with only `members` of each record, in their order (what a presenter given `only` answers). */
function pageWith(members: ReadonlySet<string> | undefined): typeof page {
  if (members === undefined) return page;
  return { ...page, values: page.values.map((value) => Object.fromEntries(Object.entries(value).filter(([key]) => members.has(key)))) as typeof page.values };
}

describe('membersRead: the members of a list page\'s records that fields can copy', () => {
  it.each<[string | undefined, string[] | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['values.id', ['id']],
    ['next,size,page,pagelen,values.destination.repository.full_name,values.id,values.state', ['destination', 'id', 'state']],
    ['next,size', []],
    [' values.id', []], // a `+` sent unencoded: a plain path that matches nothing
    ['values.id,-values.id', ['id']],
    ['values.author,-values.author.links', ['author']],
    ['*.id', ['id']],
    ['values.reviewers', ['reviewers']],
    ['values', undefined],
    ['values.*', undefined],
    ['values.*.uuid', undefined],
    ['*', undefined],
    ['+values.reviewers', undefined],
    ['values.id,+values.reviewers', undefined],
    ['-values.links', undefined],
    ['-*,+values.id', undefined],
    ['values..id', undefined],
    ['values.id,', undefined],
  ])('fields=%j reads %j (undefined: any member)', (fields, expected) => {
    const read = membersRead(fields, ['values']);
    expect(read === undefined ? undefined : [...read]).toEqual(expected);
    // What makes it safe: applyFields answers the same from records that hold only those members.
    const full = () => applyFields(page, fields, hidden);
    const partial = () => applyFields(pageWith(read), fields, hidden);
    let refused: unknown;
    try {
      full();
    } catch (error) {
      refused = error;
    }
    // An entry applyFields refuses is refused alike (reading "any member" leaves the page whole).
    if (refused === undefined) expect(JSON.stringify(partial())).toBe(JSON.stringify(full()));
    else expect(partial).toThrow(refused as Error);
  });

  it('reads the item itself below no path (one object, not a page)', () => {
    expect([...(membersRead('uuid,links.self.href', []) ?? [])]).toEqual(['uuid', 'links']);
    expect(membersRead('uuid,+links', [])).toBeUndefined();
  });
});
