/**
 * Paging snapshots kept in Redis (`src/paging/redis-page-snapshots.ts`, issue #14 item 4) on their own, against a real
 * Redis: the rules of the in-process store (page-snapshots.spec.ts) held across replicas — rows by answer position,
 * only for the binding they were kept for, idle expiry, the least recently read evicted first but never a walk under
 * way, a bound in rows and in bytes — and a snapshot Redis lost is a miss, never a short answer. Every test has a key
 * prefix of its own and a clock it moves; nothing sleeps. Needs TEST_REDIS_URL (`npm test` starts a Redis server).
 */
import Redis from 'ioredis';
import type { PagingSnapshotLimits } from '../../src/config';
import type { Row } from '../../src/odata/ast';
import { RedisPageSnapshots } from '../../src/paging/redis-page-snapshots';
import { WALK_PROTECTION_MS } from '../../src/paging/page-snapshots';
import { decodeChunk, encodeChunk, SNAPSHOT_CHUNK_ROWS } from '../../src/paging/snapshot-codec';
import { RedisStore } from '../../src/storage';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/with-redis';

const rowsOf = (count: number, from = 0): Row[] => Array.from({ length: count }, (_, index) => ({ Id: from + index, Title: `t${from + index}`, Note: null }));
const COLUMNS = ['Id', 'Title', 'Note'];
/** Bindings are keyed hashes in the gateway (`bindingHash`); any string will do here. */
const B = 'binding-of-alice-query';

const stores: RedisStore[] = [];
let runs = 0;

/** Two replicas' stores over one Redis, a prefix of this test only, and one clock. */
function replicas(limits: Partial<PagingSnapshotLimits> = {}) {
  const clock = { now: Date.parse('2026-12-01T00:00:00Z') };
  const prefix = `bbodata-spec-${process.pid}-${Date.now()}-${runs++}:`;
  const all: PagingSnapshotLimits = { ttlSeconds: 300, maxRows: 1000, maxTotalRows: 5000, maxTotalBytes: 10_000_000, ...limits };
  const make = () => {
    const store = new RedisStore({ url: REDIS_URL!, prefix });
    stores.push(store);
    return new RedisPageSnapshots({ store, limits: all, now: () => clock.now });
  };
  return { a: make(), b: make(), clock, prefix };
}

afterAll(async () => {
  const redis = new Redis(REDIS_URL ?? 'redis://127.0.0.1:1', { lazyConnect: true });
  if (REDIS_URL) {
    const keys = await redis.keys(`bbodata-spec-${process.pid}-*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
  await Promise.all(stores.map((store) => store.close()));
});

describe('the chunk codec', () => {
  test.each([
    { name: 'awkward strings', rows: [{ A: "it''s", B: '"\\', C: 'ünïcødé ✓', D: '' }] },
    { name: 'numbers, booleans, nulls', rows: [{ A: 0, B: -1.5, C: true, D: null }, { A: 2 ** 53 - 1, B: 1e-7, C: false, D: 'x' }] },
    { name: 'a missing value is null', rows: [{ A: 1 }, { B: 2 }] },
  ])('$name come back exactly', async ({ rows }) => {
    const columns = ['A', 'B', 'C', 'D'];
    const expected = rows.map((row) => Object.fromEntries(columns.map((column) => [column, (row as Row)[column] ?? null])));
    expect(await decodeChunk(columns, await encodeChunk(columns, rows as Row[]))).toEqual(expected);
  });

  test('bytes of another shape throw (a miss for the store), never rows', async () => {
    const bytes = await encodeChunk(['A', 'B'], [{ A: 1, B: 2 }]);
    await expect(decodeChunk(['A'], bytes)).rejects.toThrow('not the columns written');
    await expect(decodeChunk(['A', 'B'], Buffer.from('not deflated'))).rejects.toThrow();
  });

  test('column by column and deflated: a page of repetitive rows takes a few bytes a row', async () => {
    const rows = Array.from({ length: SNAPSHOT_CHUNK_ROWS }, (_, index) => ({ Workspace: 'acme-dev', RepositorySlug: `repo-${index % 7}`, Id: index, State: index % 3 ? 'MERGED' : 'OPEN' }));
    const bytes = await encodeChunk(Object.keys(rows[0]), rows);
    expect(bytes.length / rows.length).toBeLessThan(8);
  });
});

describeWithRedis('RedisPageSnapshots', () => {
  test('one replica keeps, the other serves the rows by answer position, across chunks, the last page shorter', async () => {
    const { a, b } = replicas({ maxRows: 5000 });
    const id = (await a.keep(B, 10, COLUMNS, rowsOf(2500, 10))) as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await b.read(id, B, 10, 5)).toEqual(rowsOf(5, 10));
    expect(await b.read(id, B, 10 + SNAPSHOT_CHUNK_ROWS - 3, 1001)).toEqual(rowsOf(1001, 10 + SNAPSHOT_CHUNK_ROWS - 3));
    expect(await a.read(id, B, 2500, 11)).toEqual(rowsOf(10, 2500));
    expect(await b.read(id, B, 2510, 11)).toEqual([]);
    expect(await b.read(id, B, 12, Infinity)).toEqual(rowsOf(2498, 12));
  });

  test('keeps only the given columns, and null for a missing value', async () => {
    const { a, b } = replicas();
    const id = (await a.keep(B, 0, ['Title', 'Missing'], rowsOf(2))) as string;
    expect(await b.read(id, B, 0, 2)).toEqual([
      { Title: 't0', Missing: null },
      { Title: 't1', Missing: null },
    ]);
  });

  test.each([
    { name: 'another binding', id: (real: string) => real, binding: 'binding-of-bob-query', served: 5 },
    { name: 'an unknown id', id: () => 'AAAAAAAAAAAAAAAAAAAAAA', binding: B, served: 5 },
    { name: 'a position before the snapshot', id: (real: string) => real, binding: B, served: 4 },
    { name: 'a position past its end', id: (real: string) => real, binding: B, served: 16 },
  ])('a read with $name is a miss, and the snapshot is untouched', async ({ id, binding, served }) => {
    const { a, b } = replicas();
    const real = (await a.keep(B, 5, COLUMNS, rowsOf(10, 5))) as string;
    expect(await b.read(id(real), binding, served, 5)).toBeUndefined();
    expect(await b.read(real, B, 5, 1)).toEqual(rowsOf(1, 5));
  });

  test('another binding cannot drop it either; its own drop frees it for every replica', async () => {
    const { a, b } = replicas();
    const id = (await a.keep(B, 0, COLUMNS, rowsOf(3))) as string;
    await b.drop(id, 'binding-of-bob-query');
    expect(await a.stats()).toEqual({ snapshots: 1, rows: 3 });
    await b.drop(id, B);
    expect(await a.stats()).toEqual({ snapshots: 0, rows: 0 });
    expect(await a.read(id, B, 0, 1)).toBeUndefined();
  });

  test('expiry is idle time: a read on either replica extends it', async () => {
    const { a, b, clock } = replicas({ ttlSeconds: 300 });
    const id = (await a.keep(B, 0, COLUMNS, rowsOf(3))) as string;
    clock.now += 299_999;
    expect(await b.read(id, B, 0, 1)).toHaveLength(1);
    clock.now += 299_999;
    expect(await a.read(id, B, 1, 1)).toHaveLength(1);
    clock.now += 300_000;
    expect(await b.read(id, B, 2, 1)).toBeUndefined();
    expect(await a.stats()).toEqual({ snapshots: 0, rows: 0 });
  });

  test('over the total rows, the least recently read (on any replica) go first', async () => {
    const { a, b, clock } = replicas({ maxRows: 40, maxTotalRows: 100 });
    const first = (await a.keep(B, 0, COLUMNS, rowsOf(40))) as string;
    clock.now += 1;
    const second = (await b.keep(B, 0, COLUMNS, rowsOf(40))) as string;
    clock.now += 1;
    // Read more than a minute ago: no walk under way protects either from eviction.
    clock.now += WALK_PROTECTION_MS;
    expect(await b.read(first, B, 0, 1)).toBeDefined();
    clock.now += WALK_PROTECTION_MS;
    const third = (await a.keep(B, 0, COLUMNS, rowsOf(30))) as string;
    expect(third).toBeDefined();
    expect(await a.read(second, B, 0, 1)).toBeUndefined();
    expect(await b.read(first, B, 0, 1)).toBeDefined();
    expect(await b.read(third, B, 0, 1)).toBeDefined();
    expect(await a.stats()).toEqual({ snapshots: 2, rows: 70 });
  });

  test('a walk under way is never evicted for another snapshot: the newcomer is not kept', async () => {
    const { a, b, clock } = replicas({ maxRows: 60, maxTotalRows: 100 });
    const walking = (await a.keep(B, 0, COLUMNS, rowsOf(60))) as string;
    clock.now += 1000;
    expect(await b.read(walking, B, 0, 10)).toHaveLength(10);
    expect(await a.keep(B, 0, COLUMNS, rowsOf(50))).toBeUndefined();
    expect(await b.read(walking, B, 10, 10)).toEqual(rowsOf(10, 10));
    // A minute after its last page the walk counts as abandoned, and makes room.
    clock.now += WALK_PROTECTION_MS;
    expect(await a.keep(B, 0, COLUMNS, rowsOf(50))).toBeDefined();
    expect(await b.read(walking, B, 20, 1)).toBeUndefined();
  });

  test('bounded in bytes too: what Redis stores, compressed', async () => {
    const wide = (count: number, seed: number): Row[] => Array.from({ length: count }, (_, index) => ({ Id: index, Title: `${seed}-${index}-${'x'.repeat(index % 50)}-${(index * 7919 + seed) % 104729}` }));
    const bytesOf = async (rows: Row[]) => (await encodeChunk(['Id', 'Title'], rows)).length;
    const one = await bytesOf(wide(500, 1));
    const { a, b, clock } = replicas({ maxRows: 1000, maxTotalRows: 100_000, maxTotalBytes: Math.floor(one * 1.5) });
    const first = (await a.keep(B, 0, ['Id', 'Title'], wide(500, 1))) as string;
    expect(first).toBeDefined();
    clock.now += 1;
    const second = (await b.keep(B, 0, ['Id', 'Title'], wide(500, 2))) as string;
    expect(second).toBeDefined();
    expect(await a.read(first, B, 0, 1)).toBeUndefined();
    expect(await a.stats()).toEqual({ snapshots: 1, rows: 500 });
    // Larger than the whole allowance: not kept, and nothing written.
    const { a: small } = replicas({ maxTotalBytes: 10 });
    expect(await small.keep(B, 0, ['Id', 'Title'], wide(500, 3))).toBeUndefined();
    expect(await small.stats()).toEqual({ snapshots: 0, rows: 0 });
  });

  test('a snapshot Redis dropped by itself (maxmemory, its lifetime) is a miss, and leaves the index', async () => {
    const { a, b, prefix } = replicas();
    const id = (await a.keep(B, 0, COLUMNS, rowsOf(3))) as string;
    const redis = new Redis(REDIS_URL!);
    try {
      const [data] = await redis.keys(`${prefix}{psnap}:s:*`);
      await redis.del(data);
    } finally {
      redis.disconnect();
    }
    expect(await b.read(id, B, 0, 1)).toBeUndefined();
    expect(await a.stats()).toEqual({ snapshots: 0, rows: 0 });
  });

  test("a snapshot another version wrote with another chunk size is read by its own", async () => {
    const { a, b, prefix } = replicas({ maxRows: 5000 });
    const id = (await a.keep(B, 0, COLUMNS, rowsOf(2500))) as string;
    const redis = new Redis(REDIS_URL!);
    try {
      const [data] = await redis.keys(`${prefix}{psnap}:s:*`);
      await redis.hdel(data, 'c0', 'c1', 'c2');
      for (let chunk = 0; chunk * 500 < 2500; chunk++) await redis.hset(data, `c${chunk}`, await encodeChunk(COLUMNS, rowsOf(500, chunk * 500)));
      await redis.hset(data, 'chunkRows', '500');
    } finally {
      redis.disconnect();
    }
    expect(await b.read(id, B, 1990, 30)).toEqual(rowsOf(30, 1990));
  });

  test('Redis holds neither the binding nor the id in a key; every key has a lifetime or is an index', async () => {
    const { a, prefix } = replicas();
    const id = (await a.keep(B, 0, COLUMNS, rowsOf(3))) as string;
    const redis = new Redis(REDIS_URL!);
    try {
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.sort()).toEqual([`${prefix}{psnap}:index`, `${prefix}{psnap}:info`, expect.stringMatching(/\{psnap\}:s:[A-Za-z0-9_-]{43}$/)]);
      for (const key of keys) {
        expect(key).not.toContain(id);
        expect(key).not.toContain(B);
      }
      const data = keys.find((key) => key.includes(':s:')) as string;
      expect(await redis.pttl(data)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  test.each([
    { name: 'TTL 0 (off)', limits: { ttlSeconds: 0 }, rows: 5 },
    { name: 'more rows than the per-snapshot limit', limits: { maxRows: 10 }, rows: 11 },
    { name: 'max total bytes 0 (off)', limits: { maxTotalBytes: 0 }, rows: 5 },
    { name: 'nothing to keep', limits: {}, rows: 0 },
  ])('nothing is kept with $name', async ({ limits, rows }) => {
    const { a } = replicas(limits);
    expect(a.accepts(rows)).toBe(false);
    expect(await a.keep(B, 0, COLUMNS, rowsOf(rows))).toBeUndefined();
    expect(await a.stats()).toEqual({ snapshots: 0, rows: 0 });
  });
});
