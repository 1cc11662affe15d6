/**
 * The start-up advice on Redis's eviction policy (src/storage/eviction-policy-check.ts): `allkeys-*` may evict the
 * security records, `noeviction` refuses writes once full; `volatile-*` (the README's advice) and an unbounded Redis
 * are left alone. The table, then a real Redis (a redis-server of this file's own) read through `INFO memory`.
 */
import { createLogger } from '../../src/logger';
import { checkEvictionPolicy, evictionPolicyProblem, MemoryStore, RedisStore } from '../../src/storage';
import { describeWithPrivateRedis, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';

test.each([
  ['allkeys-lru', 1, /evicts any key .*allkeys-lru.*volatile-lru/],
  ['allkeys-lfu', 1, /evicts any key/],
  ['allkeys-random', 1, /evicts any key/],
  ['noeviction', 1, /refuses writes/],
  ['volatile-lru', 1, undefined],
  ['volatile-ttl', 1, undefined],
  ['volatile-lfu', 1, undefined],
  ['allkeys-lru', 0, undefined],
  ['noeviction', 0, undefined],
] as const)('%s with maxmemory %d', (policy, maxmemory, problem) => {
  const said = evictionPolicyProblem(policy, maxmemory);
  if (problem === undefined) expect(said).toBeUndefined();
  else expect(said).toMatch(problem);
});

describeWithPrivateRedis('the eviction policy of a real Redis', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(() => redis?.stop());

  test('allkeys-lru under maxmemory is a warning at start-up; volatile-lru and the memory store are not', async () => {
    const warnings = async (policy: string) => {
      await redis.admin.config('SET', 'maxmemory', String(512 * 1024 * 1024), 'maxmemory-policy', policy);
      const lines: string[] = [];
      const store = new RedisStore({ url: redis.url });
      await checkEvictionPolicy(store, createLogger('warn', (line) => lines.push(line)));
      await store.close();
      return lines.map((line) => (JSON.parse(line) as { message: string }).message);
    };
    expect(await warnings('allkeys-lru')).toEqual([expect.stringContaining('maxmemory-policy allkeys-lru')]);
    expect(await warnings('volatile-lru')).toEqual([]);
    const lines: string[] = [];
    await checkEvictionPolicy(new MemoryStore({ maxBytes: 1_000 }), createLogger('warn', (line) => lines.push(line)));
    expect(lines).toEqual([]);
  });
});
