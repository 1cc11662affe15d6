/**
 * Held pages (issue #15, `src/paging/held-pages.ts`): which Bitbucket pages an answer page may keep for the next one
 * (`mayReplay`, `pagesToHold`), how they are stored as snapshot rows and read back, how a continuation finds them by
 * target (`canonicalTarget`), and how the `$skiptoken` carries their id. The walk itself is in
 * spec/http/commits-walk-calls.spec.ts.
 */
import { createHmac } from 'node:crypto';
import { canonicalTarget, mayReplay, type BitbucketPage } from '../../src/bitbucket';
import type { Row } from '../../src/odata/ast';
import { PageSnapshots } from '../../src/paging/page-snapshots';
import { HELD_PAGE_COLUMNS, heldPageRowCount, heldPageRows, heldPagesBinding, heldPagesFrom, heldPagesOfValue, heldPagesValue, pagesToHold } from '../../src/paging/held-pages';
import { bindingHash, issueSkiptoken, readSkiptoken, type SkiptokenBinding } from '../../src/paging/skiptoken';
import { PageSource, recordUpstream, type ReadPage } from '../../src/plan/upstream-position';

const LIST = '/repositories/w/r/commits';
const page = (values: unknown[], extra: Partial<BitbucketPage<unknown>> = {}): BitbucketPage<unknown> => ({ values, ...extra });

describe('mayReplay: a page read a moment ago may be served again, followed by pages read now', () => {
  test.each([
    { why: 'next by opaque cursor (commits)', page: page([1], { next: 'https://x/2.0/r/commits?page=a1b2c3' }), target: `${LIST}?pagelen=100`, next: `${LIST}?page=a1b2c3`, replay: true },
    { why: 'next by page number: an insert since would repeat or skip an item', page: page([1], { next: 'n', page: 1 }), target: `${LIST}?pagelen=1`, next: `${LIST}?pagelen=1&page=2`, replay: false },
    { why: 'next leads outside the base URL', page: page([1], { next: 'https://elsewhere/x' }), target: LIST, next: undefined, replay: false },
    { why: 'next without a page parameter', page: page([1], { next: 'n' }), target: LIST, next: `${LIST}?after=x`, replay: false },
    { why: 'the last page (no next, nothing follows)', page: page([1, 2]), target: `${LIST}?page=zz`, next: undefined, replay: true },
    { why: 'no next but size says more rows (pipelines): continued by page number', page: page([1, 2], { page: 1, pagelen: 2, size: 5 }), target: `${LIST}?pagelen=2`, next: undefined, replay: false },
    { why: 'no next, size reached', page: page([1, 2], { page: 3, pagelen: 2, size: 6 }), target: `${LIST}?pagelen=2&page=3`, next: undefined, replay: true },
  ])('$why: $replay', ({ page: read, target, next, replay }) => {
    expect(mayReplay(read, target, next)).toBe(replay);
  });
});

describe('canonicalTarget: one request, however its query is ordered', () => {
  test.each([
    { a: `${LIST}?fields=x&pagelen=100&page=abc`, b: `${LIST}?page=abc&pagelen=100&fields=x`, same: true },
    { a: `${LIST}?pagelen=100`, b: `${LIST}?pagelen=50`, same: false },
    { a: `${LIST}?q=a%20b`, b: `${LIST}?q=a+b`, same: false },
    { a: LIST, b: `${LIST}?`, same: true },
    { a: '/repositories/w/r/commits?page=1', b: '/repositories/w/other/commits?page=1', same: false },
  ])('$a ~ $b: $same', ({ a, b, same }) => {
    expect(canonicalTarget(a) === canonicalTarget(b)).toBe(same);
  });
});

function readPage(values: unknown[], options: { target?: string; next?: string; first?: boolean } = {}): ReadPage {
  const next = options.next;
  return { target: options.target ?? `${LIST}?pagelen=3`, page: page(values, next ? { next: `https://api/2.0${next}` } : {}), ...(next ? { nextTarget: next } : {}), firstPosition: 0, first: options.first ?? true };
}

function rowsOn(source: PageSource, count: number): Row[] {
  return Array.from({ length: count }, (_, index) => {
    const row: Row = { Hash: `h${index}` };
    recordUpstream(row, index, undefined, source);
    return row;
  });
}

describe('pagesToHold: the pages of the answer page last row and of its look-ahead row', () => {
  test('both on one page: that page once, as the cursor page', () => {
    const source = new PageSource(readPage([{ hash: 'h0' }, { hash: 'h1' }, { hash: 'h2' }], { next: `${LIST}?page=p2` }));
    const [, last, ahead] = rowsOn(source, 3);
    expect(pagesToHold(last, ahead)).toEqual({ cursorPage: source.read, others: [] });
  });

  test('the look-ahead row on another page (the next repository): both', () => {
    const mine = new PageSource(readPage([{ hash: 'h0' }]));
    const theirs = new PageSource(readPage([{ hash: 'x' }], { target: '/repositories/w/s/commits?pagelen=3' }));
    const [last] = rowsOn(mine, 1);
    const [ahead] = rowsOn(theirs, 1);
    expect(pagesToHold(last, ahead)).toEqual({ cursorPage: mine.read, others: [theirs.read] });
  });

  test('a page its stream let go of (it read the next one), a page by page number, a row of no page: none', () => {
    const released = new PageSource(readPage([{ hash: 'h0' }], { next: `${LIST}?page=p2` }));
    const [last] = rowsOn(released, 1);
    released.release();
    const numbered = new PageSource(readPage([{ hash: 'x' }], { next: `${LIST}?pagelen=3&page=2` }));
    const [ahead] = rowsOn(numbered, 1);
    expect(pagesToHold(last, ahead)).toEqual({ others: [] });
    expect(pagesToHold({ Hash: 'copy' }, undefined)).toEqual({ others: [] });
  });
});

describe('held pages as snapshot rows', () => {
  const cursorPage = readPage([{ hash: 'a', date: '2024-01-01T00:00:00Z' }, { hash: 'b', message: "it's \"quoted\" ü" }], { next: `${LIST}?pagelen=3&page=p2`, first: false });
  const other = readPage([{ hash: 'c' }], { target: '/repositories/w/s/commits?pagelen=3&fields=values.hash' });

  test('kept and read back through the in-process store: the same pages, the others by canonical target', () => {
    const store = new PageSnapshots({ ttlSeconds: 60, maxRows: 1000, maxTotalRows: 1000 });
    const rows = heldPageRows({ cursorPage, others: [other] });
    expect(rows).toHaveLength(2 + 3);
    const id = store.keep(heldPagesBinding('binding'), 0, HELD_PAGE_COLUMNS, rows) as string;
    const back = heldPagesFrom(store.read(id, heldPagesBinding('binding'), 0, Infinity) ?? []);
    expect(back?.cursorPage).toEqual(cursorPage);
    expect(back?.byTarget.get(canonicalTarget('/repositories/w/s/commits?fields=values.hash&pagelen=3'))).toEqual(other);
    // Never another binding's, and never an answer snapshot's rows under the same token binding.
    expect(store.read(id, 'binding', 0, Infinity)).toBeUndefined();
  });

  test('kept as read by the in-process store (no JSON): the same pages, the others by canonical target, counted as their rows', () => {
    const store = new PageSnapshots({ ttlSeconds: 60, maxRows: 1000, maxTotalRows: 1000 });
    const held = { cursorPage, others: [other] };
    expect(heldPageRowCount(held)).toBe(heldPageRows(held).length);
    const id = store.keepValue(heldPagesBinding('binding'), heldPagesValue(held), heldPageRowCount(held)) as string;
    expect(store.stats()).toEqual({ snapshots: 1, rows: 5 });
    const back = heldPagesOfValue(store.readValue(id, heldPagesBinding('binding')));
    expect(back?.cursorPage).toBe(cursorPage);
    expect(back?.byTarget.get(canonicalTarget('/repositories/w/s/commits?fields=values.hash&pagelen=3'))).toBe(other);
    // The same as the rows a store that serializes keeps give back.
    expect(back).toEqual(heldPagesFrom(heldPageRows(held)));
    expect(store.readValue(id, 'binding')).toBeUndefined();
    expect(heldPagesOfValue(undefined)).toBeUndefined();
    expect(heldPagesOfValue({ rows: [] })).toBeUndefined();
  });

  test.each([
    { what: 'no rows', rows: [] },
    { what: 'an item before any page', rows: [{ page: null, item: '{}' }] },
    { what: 'a page head that is not JSON', rows: [{ page: '{', item: null }] },
    { what: 'a page head without its target', rows: [{ page: JSON.stringify({ firstPosition: 0, first: true, cursor: true, head: {} }), item: null }] },
    { what: 'a head that holds values', rows: [{ page: JSON.stringify({ target: LIST, firstPosition: 0, first: true, cursor: true, head: { values: [] } }), item: null }] },
    { what: 'an item that is not JSON', rows: [{ page: JSON.stringify({ target: LIST, firstPosition: 0, first: true, cursor: true, head: {} }), item: null }, { page: null, item: '{x' }] },
    { what: 'an answer row', rows: [{ Hash: 'a', Date: 'b' }] },
  ])('$what: not held pages (a miss, the pages are read again)', ({ rows }) => {
    expect(heldPagesFrom(rows as Row[])).toBeUndefined();
  });
});

describe('the $skiptoken carries the held pages id', () => {
  const secret = Buffer.from('spec-secret-spec-secret-spec-secret!');
  const binding: SkiptokenBinding = { resource: '/Commits', query: '$select=Hash', credential: 'bearer:x' };
  const held = 'A'.repeat(22);
  const cursor = ['acme-dev', 'platform-api', 99, '?pagelen=100&page=abc', 3, 'f'.repeat(40)];

  test('with a cursor: kept, with the page size', () => {
    expect(readSkiptoken(secret, issueSkiptoken(secret, { served: 100, cursor, pageSize: 100, held }, binding), binding)).toEqual({ served: 100, cursor, pageSize: 100, held });
    expect(readSkiptoken(secret, issueSkiptoken(secret, { served: 100, cursor, count: 7, held }, binding), binding)).toEqual({ served: 100, cursor, count: 7, held });
  });

  test('without a cursor, or beside a snapshot: left out (they continue a cursor stream only)', () => {
    expect(readSkiptoken(secret, issueSkiptoken(secret, { served: 100, held }, binding), binding)).toEqual({ served: 100 });
    const snapshot = 'B'.repeat(22);
    expect(readSkiptoken(secret, issueSkiptoken(secret, { served: 100, cursor, snapshot, held }, binding), binding)).toEqual({ served: 100, cursor, snapshot });
  });

  test.each([
    { what: 'without a cursor', payload: (hash: string) => [hash, 100, null, null, null, 100, held] },
    { what: 'beside a snapshot', payload: (hash: string) => [hash, 100, cursor, null, 'B'.repeat(22), 100, held] },
    { what: 'an id that is not one', payload: (hash: string) => [hash, 100, cursor, null, null, 100, 'x'] },
    { what: 'a page size that is not one', payload: (hash: string) => [hash, 100, cursor, null, null, 0, held] },
  ])('a correctly signed token with held pages $what is InvalidSkipToken', ({ payload }) => {
    const encoded = Buffer.from(JSON.stringify(payload(bindingHash(secret, binding)))).toString('base64url');
    const token = `${encoded}.${createHmac('sha256', secret).update(encoded).digest('base64url')}`;
    expect(() => readSkiptoken(secret, token, binding)).toThrow(expect.objectContaining({ code: 'InvalidSkipToken' }));
  });

  test('a cursor too long for the token with the id: the token keeps the cursor and drops the id', () => {
    // The longest page location whose cursor still fits the token: with the id it would not.
    const located = (length: number) => [...cursor.slice(0, 3), `?${'p'.repeat(length)}`, 3, 'f'.repeat(40)];
    const fits = (length: number) => readSkiptoken(secret, issueSkiptoken(secret, { served: 100, cursor: located(length), pageSize: 100 }, binding), binding).cursor !== undefined;
    let length = 100;
    while (fits(length + 1)) length++;
    const token = issueSkiptoken(secret, { served: 100, cursor: located(length), pageSize: 100, held }, binding);
    expect(readSkiptoken(secret, token, binding)).toEqual({ served: 100, cursor: located(length), pageSize: 100 });
  });
});
