/**
 * Records of the shared store (putField, fields, deleteField): what the gateway-key list lives in. The same table on
 * the in-memory store and, with TEST_REDIS_URL, on a real Redis: fields added one by one are all kept, a record's
 * lifetime only ever lengthens, a field is removed once, and the memory store never evicts a record to make room for
 * values (the response cache).
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

  test('a record lives as long as its longest lifetime: a shorter one later never cuts it', async () => {
    await store.putField('long', 'a', Buffer.from('1'), 3600);
    await store.putField('long', 'b', Buffer.from('2'), 1);
    await store.putField('short', 'a', Buffer.from('1'), 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(text(await store.fields('long'))).toEqual({ a: '1', b: '2' });
    expect(text(await store.fields('short'))).toEqual({});
  });

  test('values filling the store evict values, never a record', async () => {
    await store.putField('kept', 'a', Buffer.from('1'), 60);
    for (let index = 0; index < 50; index += 1) await store.set(`value-${index}`, Buffer.alloc(100), 60);
    expect(text(await store.fields('kept'))).toEqual({ a: '1' });
  });
});
