/**
 * Tallies of the shared store (incrementField, fieldCounts, setCounter, takeOne): what the budget per principal counts its rolling hour in,
 * a counter per minute. The same table on the in-memory store and, with TEST_REDIS_URL, on a real Redis: adds all
 * count, concurrent ones too; each counter lives its lifetime from its creation; values filling the store never push a
 * count out. On Redis a tally has no lifetime of its own (so `volatile-lru` never evicts it,
 * spec/budget/budget-under-eviction.spec.ts) and expired counters are removed by later writes; in memory, tallies are
 * bounded by counters.
 */
import { MemoryStore, RedisStore, type SharedStore } from '../../src/storage';
import { TEST_REDIS_URL, warnWithoutRedis } from '../helpers/with-redis';

warnWithoutRedis('the Redis rows of spec/storage/shared-store-tallies.spec.ts are');

let namespace = 0;
const stores: Array<[string, () => SharedStore]> = [['memory', () => new MemoryStore({ maxBytes: 1_000 })]];
const redisUrl = TEST_REDIS_URL;
if (redisUrl) stores.push(['redis', () => new RedisStore({ url: redisUrl, prefix: `spec-tallies-${process.pid}-${Date.now()}-${namespace++}:` })]);

/** The counters `fields` of the tally `key` that are not 0 (missing or expired read 0). */
const counts = async (store: SharedStore, key: string, fields = ['1', '2', '3', '100', '101', 'long', 'short']) => {
  const values = await store.fieldCounts(key, fields);
  return Object.fromEntries(fields.map((field, index) => [field, values[index]]).filter(([, value]) => value !== 0));
};

describe.each(stores)('tallies on the %s store', (_kind, make) => {
  let store: SharedStore;
  beforeEach(() => {
    store = make();
  });
  afterEach(() => store.close());

  test('adds all count, at once too; counters and tallies apart; delete removes the tally', async () => {
    await Promise.all(Array.from({ length: 10 }, () => store.incrementField('t', '100', 1, 60)));
    expect(await store.incrementField('t', '101', 5, 60)).toBe(5);
    expect(await store.incrementField('t', '100', -1, 60)).toBe(9);
    expect(await counts(store, 't')).toEqual({ '100': 9, '101': 5 });
    expect(await counts(store, 'other')).toEqual({});
    await store.delete('t');
    expect(await counts(store, 't')).toEqual({});
  });

  test('a counter lives its lifetime from its creation: a later add does not extend it; one added after it starts at 0', async () => {
    await store.incrementField('t', 'long', 1, 3600);
    await store.incrementField('t', 'short', 1, 1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await store.incrementField('t', 'short', 1, 1);
    expect(await counts(store, 't')).toEqual({ long: 1, short: 2 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await counts(store, 't')).toEqual({ long: 1 });
    expect(await store.incrementField('t', 'short', 1, 1)).toBe(1);
  });

  test('setCounter sets a counter (ifOpen: only in a tally openTally opened); takeOne takes from the first field above 0', async () => {
    expect(await store.setCounter('t', 'limit', 5000, 60, true)).toBe(false);
    expect(await counts(store, 't', ['limit'])).toEqual({});
    expect(await store.setCounter('t', 'limit', 5000, 60, false)).toBe(true);
    await store.openTally('u', 'u-count', 60);
    expect(await store.setCounter('u', 'limit', 7, 1, true)).toBe(true);
    expect(await store.setCounter('u', 'limit', 8, 60, true)).toBe(true);
    expect(await counts(store, 't', ['limit'])).toEqual({ limit: 5000 });
    expect(await counts(store, 'u', ['limit'])).toEqual({ limit: 8 });
    await store.incrementField('t', '101', 1, 60);
    await store.incrementField('t', '100', 2, 60);
    await store.incrementField('t', '102', 0, 60);
    // Fields in the order asked: 103 is missing, 102 holds 0, so 101 gives one; then 100, twice; then none is left.
    const taken = [];
    for (let index = 0; index < 4; index++) taken.push(await store.takeOne('t', ['103', '102', '101', '100']));
    expect(taken).toEqual(['101', '100', '100', undefined]);
    expect(await counts(store, 't', ['100', '101', '102'])).toEqual({});
  });

  test('values filling the store never push a count out', async () => {
    await store.incrementField('kept', '1', 3, 60);
    for (let index = 0; index < 50; index += 1) await store.set(`value-${index}`, Buffer.alloc(100), 60);
    expect(await counts(store, 'kept')).toEqual({ '1': 3 });
  });
});

test('in memory, tallies are bounded by their counters together: the least recently counted go first', async () => {
  const store = new MemoryStore({ maxBytes: 1_000, maxCounters: 4 });
  await store.incrementField('a', '1', 1, 60);
  await store.incrementField('a', '2', 1, 60);
  await store.incrementField('b', '1', 1, 60);
  await store.incrementField('b', '2', 1, 60);
  await store.incrementField('a', '3', 1, 60);
  expect(await counts(store, 'a')).toEqual({ '1': 1, '2': 1, '3': 1 });
  expect(await counts(store, 'b')).toEqual({});
});

describe('tallies on Redis', () => {
  if (!redisUrl) return test.skip('needs TEST_REDIS_URL', () => undefined);
  const prefix = `spec-tallies-redis-${process.pid}-${Date.now()}:`;
  let store: RedisStore;
  beforeEach(() => {
    store = new RedisStore({ url: redisUrl, prefix });
  });
  afterEach(() => store.close());

  test('a tally key never has a lifetime (volatile-* eviction never takes it); expired counters go with later writes', async () => {
    const { redis } = store.connection;
    await store.incrementField('kept', 'a', 2, 60);
    expect(await redis.ttl(`${prefix}{records}:kept`)).toBe(-1);
    // The counter's deadline passes (moved, rather than waited for; it is kept beside the counter, read with it, and
    // in the deadlines, which writes prune): it no longer counts, and the next write of any record or tally removes it.
    expect((await redis.hkeys(`${prefix}{records}:kept`)).sort()).toEqual(['a', 'a\0deadline']);
    await redis.zadd(`${prefix}{records}:deadlines`, 1, 'kept\0a');
    await redis.hset(`${prefix}{records}:kept`, 'a\0deadline', 1);
    expect(await store.fieldCounts('kept', ['a', 'b'])).toEqual([0, 0]);
    expect(await redis.exists(`${prefix}{records}:kept`)).toBe(1);
    await store.incrementField('other', 'b', 1, 60);
    expect(await redis.exists(`${prefix}{records}:kept`)).toBe(0);
    expect(await redis.zrange(`${prefix}{records}:deadlines`, 0, -1)).toEqual(['other\0b']);
    await store.delete('other');
  });
});
