/**
 * Records of the shared store (putField, fields, deleteField): what the gateway-key list lives in. The same table on
 * the in-memory store and, with TEST_REDIS_URL, on a real Redis: fields added one by one are all kept, each field
 * lives its own lifetime, a field is removed once, and the memory store never evicts a record to make room for
 * values (the response cache). On Redis, records have no lifetime of their own (so `volatile-lru` never evicts them,
 * spec/credentials/security-state-under-eviction.spec.ts) and expired fields are removed by later writes.
 */
import { MemoryStore, RedisStore, type SharedStore } from '../../src/storage';
import { TEST_REDIS_URL, warnWithoutRedis } from '../helpers/with-redis';

warnWithoutRedis('the Redis rows of spec/storage/shared-store-records.spec.ts are');

let namespace = 0;
const stores: Array<[string, () => SharedStore]> = [['memory', () => new MemoryStore({ maxBytes: 1_000 })]];
const redisUrl = TEST_REDIS_URL;
if (redisUrl) stores.push(['redis', () => new RedisStore({ url: redisUrl, prefix: `spec-records-${process.pid}-${Date.now()}-${namespace++}:` })]);

const text = (fields: Map<string, Buffer>) => Object.fromEntries([...fields].map(([field, value]) => [field, value.toString()]));

describe.each(stores)('records on the %s store', (_kind, make) => {
  let store: SharedStore;
  beforeEach(() => {
    store = make();
  });
  afterEach(() => store.close());

  test('fields are set one by one, at once too; each is removed once; delete removes the record', async () => {
    await Promise.all([store.putField('r', 'a', Buffer.from('1'), 60), store.putField('r', 'b', Buffer.from('2'), 60)]);
    await store.putField('r', 'a', Buffer.from('3'), 60);
    expect(text(await store.fields('r'))).toEqual({ a: '3', b: '2' });
    expect(text(await store.fields('other'))).toEqual({});
    expect(await Promise.all([store.deleteField('r', 'a'), store.deleteField('r', 'a')])).toEqual(expect.arrayContaining([true, false]));
    expect(await store.deleteField('r', 'missing')).toBe(false);
    expect(text(await store.fields('r'))).toEqual({ b: '2' });
    await store.delete('r');
    expect(text(await store.fields('r'))).toEqual({});
  });

  test('each field lives its own lifetime, read alone or with the others; a later put sets it again', async () => {
    await store.putField('r', 'long', Buffer.from('1'), 3600);
    await store.putField('r', 'short', Buffer.from('2'), 1);
    await store.putField('r', 'renewed', Buffer.from('3'), 1);
    await store.putField('r', 'renewed', Buffer.from('4'), 3600);
    expect(text(await store.fields('r'))).toEqual({ long: '1', short: '2', renewed: '4' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(text(await store.fields('r'))).toEqual({ long: '1', renewed: '4' });
    expect((await store.field('r', 'long'))?.toString()).toBe('1');
    expect(await store.field('r', 'short')).toBeUndefined();
    expect(await store.field('r', 'missing')).toBeUndefined();
    expect(await store.field('other', 'long')).toBeUndefined();
  });

  test('values filling the store evict values, never a record', async () => {
    await store.putField('kept', 'a', Buffer.from('1'), 60);
    for (let index = 0; index < 50; index += 1) await store.set(`value-${index}`, Buffer.alloc(100), 60);
    expect(text(await store.fields('kept'))).toEqual({ a: '1' });
  });
});

describe('records on Redis', () => {
  if (!redisUrl) return test.skip('needs TEST_REDIS_URL', () => undefined);
  const prefix = `spec-records-redis-${process.pid}-${Date.now()}:`;
  let store: RedisStore;
  beforeEach(() => {
    store = new RedisStore({ url: redisUrl, prefix });
  });
  afterEach(() => store.close());

  test('a record key never has a lifetime (volatile-* eviction never takes it); expired fields go with later writes', async () => {
    const { redis } = store.connection;
    await store.putField('kept', 'a', Buffer.from('1'), 60);
    await store.set('value', Buffer.from('1'), 60);
    expect(await redis.ttl(`${prefix}{records}:kept`)).toBe(-1);
    expect(await redis.ttl(`${prefix}value`)).toBeGreaterThan(0);
    // The field's deadline passes (moved, rather than waited for): it no longer reads, and the next write removes it.
    await redis.zadd(`${prefix}{records}:deadlines`, 1, 'kept\0a');
    expect(await store.field('kept', 'a')).toBeUndefined();
    expect(await redis.exists(`${prefix}{records}:kept`)).toBe(1);
    await store.putField('other', 'b', Buffer.from('2'), 60);
    expect(await redis.exists(`${prefix}{records}:kept`)).toBe(0);
    expect(await redis.zrange(`${prefix}{records}:deadlines`, 0, -1)).toEqual(['other\0b']);
    await store.delete('other');
    expect(await store.fields('other')).toEqual(new Map());
  });
});
