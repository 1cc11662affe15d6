/**
 * SharedStore.setAllIfAbsent: the marks of change notices (src/bitbucket/notice-trust.ts) must never read an absent key
 * as a default, and replicas creating one at once must agree on one value. The same table on the in-memory store and,
 * with TEST_REDIS_URL, on a real Redis (SET NX and GET in one MULTI).
 */
import { MemoryStore, RedisStore, type SharedStore } from '../../src/storage';
import { TEST_REDIS_URL, warnWithoutRedis } from '../helpers/with-redis';

warnWithoutRedis('the Redis rows of spec/storage/set-if-absent.spec.ts are');

let namespace = 0;
let clock = 1_000_000;
const stores: Array<[string, () => SharedStore]> = [['memory', () => new MemoryStore({ maxBytes: 10_000, now: () => clock })]];
const redisUrl = TEST_REDIS_URL;
if (redisUrl) stores.push(['redis', () => new RedisStore({ url: redisUrl, prefix: `spec-set-if-absent-${process.pid}-${Date.now()}-${namespace++}:` })]);

/** One key through setAllIfAbsent: the value it holds, or `value` made. */
async function setIfAbsent(store: SharedStore, key: string, value: Buffer, ttlSeconds: number): Promise<Buffer> {
  const [held] = await store.setAllIfAbsent([{ key, value, ttlSeconds }]);
  return held;
}

describe.each(stores)('setAllIfAbsent on the %s store', (_kind, make) => {
  let store: SharedStore;
  beforeEach(() => {
    store = make();
  });
  afterEach(() => store.close());

  test('an absent key takes the value given; a present one answers what it holds and keeps it', async () => {
    expect((await setIfAbsent(store, 'k', Buffer.from('first'), 60)).toString()).toBe('first');
    expect((await setIfAbsent(store, 'k', Buffer.from('second'), 60)).toString()).toBe('first');
    expect((await store.get('k'))?.toString()).toBe('first');
    await store.set('k', Buffer.from('marked'), 60);
    expect((await setIfAbsent(store, 'k', Buffer.from('third'), 60)).toString()).toBe('marked');
    await store.delete('k');
    expect((await setIfAbsent(store, 'k', Buffer.from('fourth'), 60)).toString()).toBe('fourth');
  });

  test('setAllIfAbsent answers each entry as it would alone, in their order (one MULTI on Redis)', async () => {
    await store.set('held', Buffer.from('marked'), 60);
    const answers = await store.setAllIfAbsent([
      { key: 'fresh', value: Buffer.from('made'), ttlSeconds: 60 },
      { key: 'held', value: Buffer.from('other'), ttlSeconds: 60 },
      { key: 'fresh', value: Buffer.from('again'), ttlSeconds: 60 },
    ]);
    expect(answers.map((answer) => answer.toString())).toEqual(['made', 'marked', 'made']);
    expect((await store.get('fresh'))?.toString()).toBe('made');
    expect(await store.setAllIfAbsent([])).toEqual([]);
    const raced = await Promise.all(['a', 'b', 'c'].map((value) => store.setAllIfAbsent([{ key: 'race-all', value: Buffer.from(value), ttlSeconds: 60 }])));
    expect(new Set(raced.map(([answer]) => answer.toString())).size).toBe(1);
  });

  test('callers creating the same key at once all get the one value kept', async () => {
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((value) => setIfAbsent(store, 'race', Buffer.from(value), 60)));
    const kept = (await store.get('race'))?.toString();
    expect(answers.map((answer) => answer.toString())).toEqual(answers.map(() => kept));
  });
});

test('on the memory store, a value made by setIfAbsent lives its lifetime', async () => {
  const store = new MemoryStore({ maxBytes: 10_000, now: () => clock });
  await setIfAbsent(store, 'k', Buffer.from('first'), 60);
  clock += 61_000;
  expect(await store.get('k')).toBeUndefined();
  expect((await setIfAbsent(store, 'k', Buffer.from('again'), 60)).toString()).toBe('again');
  await store.close();
});
