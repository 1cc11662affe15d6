/**
 * The paging snapshot store on its own: what it keeps, for whom, for how long, and what it drops first. The clock is
 * a variable the tests move; nothing sleeps.
 */
import { loadConfig } from '../../src/config';
import type { Row } from '../../src/odata/ast';
import { PageSnapshots, snapshotId } from '../../src/paging/page-snapshots';

const rowsOf = (count: number, from = 0): Row[] => Array.from({ length: count }, (_, index) => ({ Id: from + index, Title: `t${from + index}`, Note: null }));
const COLUMNS = ['Id', 'Title', 'Note'];

function store(limits: Partial<{ ttlSeconds: number; maxRows: number; maxTotalRows: number }> = {}) {
  const clock = { now: 0 };
  const snapshots = new PageSnapshots({ ttlSeconds: 300, maxRows: 1000, maxTotalRows: 5000, ...limits }, () => clock.now);
  return { snapshots, clock };
}

describe('PageSnapshots', () => {
  test('serves the kept rows by answer position, from the base on, the last page shorter', () => {
    const { snapshots } = store();
    const id = snapshots.keep('B', 10, COLUMNS, rowsOf(25, 10)) as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(snapshots.read(id, 'B', 10, 5)).toEqual(rowsOf(5, 10));
    expect(snapshots.read(id, 'B', 30, 11)).toEqual(rowsOf(5, 30));
    expect(snapshots.read(id, 'B', 35, 11)).toEqual([]);
    expect(snapshots.read(id, 'B', 12, Infinity)).toEqual(rowsOf(23, 12));
  });

  test('keeps only the given columns, and null for a missing value', () => {
    const { snapshots } = store();
    const id = snapshots.keep('B', 0, ['Title', 'Missing'], rowsOf(3)) as string;
    expect(snapshots.read(id, 'B', 0, 3)).toEqual([
      { Title: 't0', Missing: null },
      { Title: 't1', Missing: null },
      { Title: 't2', Missing: null },
    ]);
  });

  test('rows across packing chunks come back whole and in order', () => {
    const { snapshots } = store({ maxRows: 20_000, maxTotalRows: 20_000 });
    const id = snapshots.keep('B', 0, COLUMNS, rowsOf(10_000)) as string;
    expect(snapshots.read(id, 'B', 4090, 12)).toEqual(rowsOf(12, 4090));
    expect(snapshots.read(id, 'B', 0, Infinity)).toEqual(rowsOf(10_000));
  });

  test.each([
    { name: 'another binding', id: (real: string) => real, binding: 'other', served: 5 },
    { name: 'an unknown id', id: () => 'AAAAAAAAAAAAAAAAAAAAAA', binding: 'B', served: 5 },
    { name: 'a position before the snapshot', id: (real: string) => real, binding: 'B', served: 4 },
    { name: 'a position past its end', id: (real: string) => real, binding: 'B', served: 16 },
  ])('a read with $name is a miss', ({ id, binding, served }) => {
    const { snapshots } = store();
    const real = snapshots.keep('B', 5, COLUMNS, rowsOf(10, 5)) as string;
    expect(snapshots.read(id(real), binding, served, 5)).toBeUndefined();
    // The snapshot itself is untouched.
    expect(snapshots.read(real, 'B', 5, 1)).toEqual(rowsOf(1, 5));
  });

  test('another binding cannot drop it either', () => {
    const { snapshots } = store();
    const id = snapshots.keep('B', 0, COLUMNS, rowsOf(3)) as string;
    snapshots.drop(id, 'other');
    expect(snapshots.stats()).toEqual({ snapshots: 1, rows: 3 });
    snapshots.drop(id, 'B');
    expect(snapshots.stats()).toEqual({ snapshots: 0, rows: 0 });
    expect(snapshots.read(id, 'B', 0, 1)).toBeUndefined();
  });

  test('expiry is idle time: every read extends it', () => {
    const { snapshots, clock } = store({ ttlSeconds: 300 });
    const id = snapshots.keep('B', 0, COLUMNS, rowsOf(3)) as string;
    clock.now = 299_999;
    expect(snapshots.read(id, 'B', 0, 1)).toHaveLength(1);
    clock.now = 599_998;
    expect(snapshots.read(id, 'B', 1, 1)).toHaveLength(1);
    clock.now = 899_998;
    expect(snapshots.read(id, 'B', 2, 1)).toBeUndefined();
    expect(snapshots.stats()).toEqual({ snapshots: 0, rows: 0 });
  });

  test('an expired snapshot is swept by the next keep, freeing its rows', () => {
    const { snapshots, clock } = store();
    snapshots.keep('B', 0, COLUMNS, rowsOf(100));
    clock.now = 300_000;
    snapshots.keep('B', 0, COLUMNS, rowsOf(7));
    expect(snapshots.stats()).toEqual({ snapshots: 1, rows: 7 });
  });

  test('over the total, the least recently read snapshots go first', () => {
    const { snapshots } = store({ maxRows: 40, maxTotalRows: 100 });
    const a = snapshots.keep('B', 0, COLUMNS, rowsOf(40)) as string;
    const b = snapshots.keep('B', 0, COLUMNS, rowsOf(40)) as string;
    expect(snapshots.read(a, 'B', 0, 1)).toBeDefined();
    const c = snapshots.keep('B', 0, COLUMNS, rowsOf(30)) as string;
    expect(snapshots.read(b, 'B', 0, 1)).toBeUndefined();
    expect(snapshots.read(a, 'B', 0, 1)).toBeDefined();
    expect(snapshots.read(c, 'B', 0, 1)).toBeDefined();
    expect(snapshots.stats()).toEqual({ snapshots: 2, rows: 70 });
  });

  test.each([
    { name: 'more rows than the per-snapshot limit', limits: { maxRows: 10 }, rows: 11 },
    { name: 'more rows than the total limit', limits: { maxRows: 100, maxTotalRows: 10 }, rows: 11 },
    { name: 'nothing to keep', limits: {}, rows: 0 },
    { name: 'TTL 0 (off)', limits: { ttlSeconds: 0 }, rows: 5 },
    { name: 'max rows 0 (off)', limits: { maxRows: 0 }, rows: 5 },
    { name: 'max total rows 0 (off)', limits: { maxTotalRows: 0 }, rows: 5 },
  ])('nothing is kept with $name', ({ limits, rows }) => {
    const { snapshots } = store(limits);
    expect(snapshots.accepts(rows)).toBe(false);
    expect(snapshots.keep('B', 0, COLUMNS, rowsOf(rows))).toBeUndefined();
    expect(snapshots.stats()).toEqual({ snapshots: 0, rows: 0 });
  });

  test('a value kept as it is: read back the same, only under its binding, never as rows nor rows as a value', () => {
    const { snapshots } = store({ maxRows: 100, maxTotalRows: 100 });
    const value = { pages: ['p'] };
    const id = snapshots.keepValue('B', value, 40) as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(snapshots.readValue(id, 'B')).toBe(value);
    expect(snapshots.readValue(id, 'other')).toBeUndefined();
    expect(snapshots.read(id, 'B', 0, 1)).toBeUndefined();
    const rows = snapshots.keep('B', 0, COLUMNS, rowsOf(3)) as string;
    expect(snapshots.readValue(rows, 'B')).toBeUndefined();
    // It counts as its rows against the limits, and is dropped as any snapshot.
    expect(snapshots.stats()).toEqual({ snapshots: 2, rows: 43 });
    expect(snapshots.keepValue('B', {}, 101)).toBeUndefined();
    snapshots.drop(id, 'B');
    expect(snapshots.readValue(id, 'B')).toBeUndefined();
    expect(snapshots.stats()).toEqual({ snapshots: 1, rows: 3 });
  });

  test('a value kept as it is expires and is evicted as rows are', () => {
    const { snapshots, clock } = store({ ttlSeconds: 300, maxRows: 60, maxTotalRows: 100 });
    const old = snapshots.keepValue('B', {}, 60) as string;
    const kept = snapshots.keep('B', 0, COLUMNS, rowsOf(60));
    expect(kept).toBeDefined();
    expect(snapshots.readValue(old, 'B')).toBeUndefined();
    const id = snapshots.keepValue('B', {}, 10) as string;
    clock.now = 300_000;
    expect(snapshots.readValue(id, 'B')).toBeUndefined();
    expect(snapshots.stats()).toEqual({ snapshots: 0, rows: 0 });
  });

  test('ids are random, never derived from what is kept', () => {
    const { snapshots } = store();
    const ids = new Set(Array.from({ length: 50 }, () => snapshots.keep('B', 0, COLUMNS, rowsOf(1))));
    expect(ids.size).toBe(50);
  });

  test('ids cut from the pool of random bytes: 128 bits each, never handed out twice, across refills', () => {
    const ids = Array.from({ length: 1000 }, () => snapshotId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(1000);
    expect(new Set(ids.map((id) => Buffer.from(id, 'base64url').length))).toEqual(new Set([16]));
  });
});

describe('settings', () => {
  test('defaults: 300 s idle, 200,000 rows a snapshot, 400,000 in all, 256 MiB in Redis', () => {
    expect(loadConfig({}).pagingSnapshots).toEqual({ ttlSeconds: 300, maxRows: 200_000, maxTotalRows: 400_000, maxTotalBytes: 256 * 1024 * 1024 });
  });

  test('read from the environment; 0 is allowed (off)', () => {
    const env = { PAGING_SNAPSHOT_TTL_SECONDS: '0', PAGING_SNAPSHOT_MAX_ROWS: '5000', PAGING_SNAPSHOT_MAX_TOTAL_ROWS: '20000', PAGING_SNAPSHOT_MAX_TOTAL_BYTES: '0' };
    expect(loadConfig(env).pagingSnapshots).toEqual({ ttlSeconds: 0, maxRows: 5000, maxTotalRows: 20_000, maxTotalBytes: 0 });
  });

  test.each(['PAGING_SNAPSHOT_TTL_SECONDS', 'PAGING_SNAPSHOT_MAX_ROWS', 'PAGING_SNAPSHOT_MAX_TOTAL_ROWS', 'PAGING_SNAPSHOT_MAX_TOTAL_BYTES'])('%s must be a whole number', (name) => {
    expect(() => loadConfig({ [name]: '-1' })).toThrow(`${name}="-1" is not valid: give a whole number from 0 to`);
    expect(() => loadConfig({ [name]: '1.5' })).toThrow(name);
  });
});
