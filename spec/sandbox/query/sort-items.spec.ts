import { sortItems } from '../../../sandbox/query';
import { expectSandboxError } from './expect-sandbox-error';

interface Row {
  key: string;
  n?: number | null;
  s?: string | null;
  at?: string;
  nested?: { name: string | null };
  tags?: string[];
}

const keys = (rows: Row[]) => rows.map((row) => row.key);

describe('sortItems', () => {
  const rows: Row[] = [
    { key: 'a', n: 3, s: 'b', at: '2024-05-18T09:29:47.123457+00:00', nested: { name: 'x' } },
    { key: 'b', n: 1, s: 'B', at: '2024-05-18T11:29:47.123456+02:00', nested: { name: null } },
    { key: 'c', n: null, s: 'é', at: '2024-05-18T09:29:47.123456+00:00', nested: { name: 'a' } },
    { key: 'd', n: 3, s: '🚀', at: '2024-05-18T09:29:47+00:00' },
    { key: 'e', n: 2, s: '\uFFFD', at: '2024-05-18T09:29:48Z', nested: { name: 'x' } },
    { key: 'f', s: null, at: '2024-05-18T09:29:47.123457Z' },
  ];

  it.each<[string, string[]]>([
    ['n', ['b', 'e', 'a', 'd', 'c', 'f']], // ties (a, d) keep store order; nulls and absent last
    ['-n', ['c', 'f', 'a', 'd', 'e', 'b']], // nulls first descending; ties still in store order
    ['s', ['b', 'a', 'c', 'e', 'd', 'f']], // code point order: "B" < "b" < "é" < U+FFFD < U+1F680
    ['-s', ['f', 'd', 'e', 'c', 'a', 'b']],
    ['at', ['d', 'b', 'c', 'a', 'f', 'e']], // instants, microseconds and offsets honoured
    ['-at', ['e', 'a', 'f', 'b', 'c', 'd']],
    ['nested.name', ['c', 'a', 'e', 'b', 'd', 'f']],
    ['-nested.name', ['b', 'd', 'f', 'a', 'e', 'c']],
    ['', ['a', 'b', 'c', 'd', 'e', 'f']],
  ])('sort=%s', (sort, expected) => {
    expect(keys(sortItems(rows, sort))).toEqual(expected);
  });

  it('does not modify its input', () => {
    const copy = [...rows];
    sortItems(rows, '-n');
    expect(rows).toEqual(copy);
  });

  it('orders mixed types by type: booleans, numbers, strings, then nulls', () => {
    const mixed = [{ v: 'x' }, { v: null }, { v: 2 }, { v: true }, { v: false }, { v: 1 }];
    expect(sortItems(mixed, 'v').map((row) => row.v)).toEqual([false, true, 1, 2, 'x', null]);
  });

  it('sorts natural fields naturally (refs, branches and tags by name)', () => {
    const refs = ['v10', 'branch10', 'v9', 'branch2', 'v11', 'branch1', 'v09'].map((name) => ({ name }));
    expect(sortItems(refs, 'name', { naturalFields: ['name'] }).map((ref) => ref.name)).toEqual([
      'branch1', 'branch2', 'branch10', 'v9', 'v09', 'v10', 'v11',
    ]);
    expect(sortItems(refs, 'name').map((ref) => ref.name)).toEqual([
      'branch1', 'branch10', 'branch2', 'v09', 'v10', 'v11', 'v9',
    ]);
  });

  it.each<[string, string]>([
    ['a,b', 'Invalid sort parameter "a,b": give exactly one field, prefixed with "-" to sort descending'],
    ['--n', 'Invalid sort parameter "--n": give exactly one field, prefixed with "-" to sort descending'],
    ['+n', 'Invalid sort parameter "+n": give exactly one field, prefixed with "-" to sort descending'],
    [' n', 'Invalid sort parameter " n": give exactly one field, prefixed with "-" to sort descending'],
    ['-', 'Invalid sort parameter "-": give exactly one field, prefixed with "-" to sort descending'],
    ['n.', 'Invalid sort parameter "n.": give exactly one field, prefixed with "-" to sort descending'],
    ['tags', 'Field ".tags" does not support sorting'],
    ['nested', 'Field ".nested" does not support sorting'],
  ])('sort=%j → 400', (sort, message) => {
    expectSandboxError(() => sortItems([...rows, { key: 'g', tags: ['x'] }], sort), 400, message);
  });

  it('rejects fields the endpoint does not allow', () => {
    const fieldAllowed = (path: string) => path === 'n';
    expect(keys(sortItems(rows, '-n', { fieldAllowed }))[0]).toBe('c');
    expectSandboxError(() => sortItems(rows, '-s', { fieldAllowed }), 400, 'Field ".s" does not support sorting');
  });

  it('rejects paths that cross an array', () => {
    const prs = [{ reviewers: [{ uuid: '{b}' }] }, { reviewers: [] }];
    expectSandboxError(() => sortItems(prs, 'reviewers.uuid'), 400, 'Field ".reviewers.uuid" does not support sorting');
  });
});
