import { paginate, paginateCursor } from '../../../sandbox/query';
import { expectSandboxError } from './expect-sandbox-error';

const BASE = 'http://127.0.0.1:4000/2.0/repositories/ws/repo/pullrequests';
const items = Array.from({ length: 25 }, (_, i) => i + 1);
const query = (search = '') => new URLSearchParams(search);

describe('paginate (list-based)', () => {
  it.each<[string, { page?: string; pagelen?: string }, { page: number; pagelen: number; values: number[]; next?: number; previous?: number }]>([
    ['defaults', {}, { page: 1, pagelen: 10, values: items.slice(0, 10), next: 2 }],
    ['middle page', { page: '2' }, { page: 2, pagelen: 10, values: items.slice(10, 20), next: 3, previous: 1 }],
    ['last partial page', { page: '3' }, { page: 3, pagelen: 10, values: [21, 22, 23, 24, 25], previous: 2 }],
    ['last page exactly full', { page: '5', pagelen: '5' }, { page: 5, pagelen: 5, values: [21, 22, 23, 24, 25], previous: 4 }],
    ['one page holds all', { pagelen: '25' }, { page: 1, pagelen: 25, values: items }],
    ['pagelen 1', { pagelen: '1', page: '25' }, { page: 25, pagelen: 1, values: [25], previous: 24 }],
    ['beyond the end', { page: '4' }, { page: 4, pagelen: 10, values: [], previous: 3 }],
    ['maximum pagelen', { pagelen: '50' }, { page: 1, pagelen: 50, values: items }],
  ])('%s', (_name, params, expected) => {
    const envelope = paginate(items, { ...params, maxPagelen: 50, baseUrl: BASE, query: query() });
    expect(envelope).toEqual({
      size: 25,
      page: expected.page,
      pagelen: expected.pagelen,
      values: expected.values,
      ...(expected.next ? { next: `${BASE}?page=${expected.next}` } : {}),
      ...(expected.previous ? { previous: `${BASE}?page=${expected.previous}` } : {}),
    });
  });

  it('answers an empty collection with one empty page', () => {
    expect(paginate([], { maxPagelen: 100, baseUrl: BASE, query: query() })).toEqual({ size: 0, page: 1, pagelen: 10, values: [] });
  });

  it('uses the endpoint default pagelen', () => {
    expect(paginate(items, { defaultPagelen: 30, maxPagelen: 50, baseUrl: BASE, query: query() }).values).toHaveLength(25);
  });

  it('builds next/previous from the request, keeping every parameter (repeated ones too) and replacing page in place', () => {
    const search = 'state=OPEN&page=2&q=title+~+%22a%2Bb%22+AND+id+%3E+1&state=MERGED&fields=%2Bvalues.reviewers&sort=-id&pagelen=5';
    const envelope = paginate(items, { page: '2', pagelen: '5', maxPagelen: 50, baseUrl: BASE, query: query(search) });
    const tail = 'q=title+%7E+%22a%2Bb%22+AND+id+%3E+1&state=MERGED&fields=%2Bvalues.reviewers&sort=-id&pagelen=5';
    expect(envelope.next).toBe(`${BASE}?state=OPEN&page=3&${tail}`);
    expect(envelope.previous).toBe(`${BASE}?state=OPEN&page=1&${tail}`);
    const next = new URL(envelope.next!);
    expect(next.searchParams.getAll('state')).toEqual(['OPEN', 'MERGED']);
    expect(next.searchParams.get('q')).toBe('title ~ "a+b" AND id > 1');
    expect(next.searchParams.get('fields')).toBe('+values.reviewers');
  });

  it('appends page when the request had none, and collapses repeated page parameters', () => {
    expect(paginate(items, { maxPagelen: 50, baseUrl: BASE, query: query('q=id>1') }).next).toBe(`${BASE}?q=id%3E1&page=2`);
    expect(paginate(items, { page: '1', maxPagelen: 50, baseUrl: BASE, query: query('page=1&x=1&page=7') }).next).toBe(`${BASE}?page=2&x=1`);
  });

  it.each([['51'], ['0'], ['-1'], ['abc'], [''], ['1.5'], ['10x'], ['1e2']])('pagelen=%j → 400 Invalid pagelen', (pagelen) => {
    expectSandboxError(() => paginate(items, { pagelen, maxPagelen: 50, baseUrl: BASE, query: query() }), 400, 'Invalid pagelen');
  });

  it.each([['0'], ['-1'], ['abc'], [''], ['2/'], ['1.5'], ['99999999999999999999']])('page=%j → 400 Invalid page', (page) => {
    expectSandboxError(() => paginate(items, { page, maxPagelen: 50, baseUrl: BASE, query: query() }), 400, 'Invalid page');
  });
});

describe('paginateCursor (iterator-based, like commits)', () => {
  const COMMITS = 'http://127.0.0.1:4000/2.0/repositories/ws/repo/commits';

  it('walks forward with opaque next links until the last page', () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const envelope = paginateCursor(items, { cursor, pagelen: '10', maxPagelen: 100, baseUrl: COMMITS, query: query(cursor ? `include=main&page=${cursor}&pagelen=10` : 'include=main&pagelen=10') });
      pages += 1;
      expect(Object.keys(envelope).sort()).toEqual(envelope.next ? ['next', 'pagelen', 'values'] : ['pagelen', 'values']);
      expect(envelope.pagelen).toBe(10);
      seen.push(...envelope.values);
      if (!envelope.next) break;
      const next = new URL(envelope.next);
      expect(`${next.origin}${next.pathname}`).toBe(COMMITS);
      expect(next.searchParams.get('include')).toBe('main');
      expect(next.searchParams.get('page')).toMatch(/^[0-9a-f]{9,}$/);
      cursor = next.searchParams.get('page')!;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(items);
  });

  it('has no next when everything fits, and answers an empty collection', () => {
    expect(paginateCursor(items, { pagelen: '25', maxPagelen: 100, baseUrl: COMMITS, query: query() })).toEqual({ pagelen: 25, values: items });
    expect(paginateCursor([], { maxPagelen: 100, baseUrl: COMMITS, query: query() })).toEqual({ pagelen: 10, values: [] });
  });

  it('is deterministic', () => {
    const first = paginateCursor(items, { maxPagelen: 100, baseUrl: COMMITS, query: query() });
    const again = paginateCursor(items, { maxPagelen: 100, baseUrl: COMMITS, query: query() });
    expect(again.next).toBe(first.next);
  });

  it.each([['2'], ['abc'], [''], ['00000000a'], ['ffffffff0']])('page=%j is not a cursor it issued → 400 Invalid page', (cursor) => {
    expectSandboxError(() => paginateCursor(items, { cursor, maxPagelen: 100, baseUrl: COMMITS, query: query() }), 400, 'Invalid page');
  });

  it('rejects a pagelen above the maximum', () => {
    expectSandboxError(() => paginateCursor(items, { pagelen: '101', maxPagelen: 100, baseUrl: COMMITS, query: query() }), 400, 'Invalid pagelen');
  });
});
