/**
 * What Bitbucket told the budget survives cache pressure (issue #14 item 1): the limit learned from `X-RateLimit-Limit`
 * and the block after a Bitbucket 429 were values with a lifetime (`budget-limit:*`, `budget-blocked:*`), so a Redis
 * under `maxmemory` with the recommended `volatile-lru` evicted them with the cache: the gateway went back to the
 * configured hour (1,000 where Bitbucket said 5,000, or the other way round) and sent calls Bitbucket had just told it
 * to stop. For a credential Bitbucket has accepted they are now counters of its tally (no lifetime, each counter
 * expiring by its own deadline), which Redis never evicts, as the hour itself (budget-under-eviction.spec.ts).
 *
 * Only for an accepted credential (7ea2347's rule): a 429 does not show that Bitbucket accepted the credential (it
 * throttles unauthenticated calls per IP, bitbucket-api §5, and whether it checks a credential before throttling is
 * not documented), so a 429 to a credential never accepted leaves only state Redis may evict.
 *
 * A Redis of this file's own (spec/helpers/private-redis.ts: it sets `maxmemory`); two budgets on two connections
 * stand for two replicas (one that saw the credential accepted, one that did not).
 */
import { randomBytes } from 'node:crypto';
import type { UpstreamCredential } from '../../src/bitbucket';
import { BudgetRefusal, PrincipalBudget, type UpstreamPrincipal } from '../../src/budget';
import { RedisStore } from '../../src/storage';
import { describeWithPrivateRedis, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';

/** Room for cache entries above what the server holds: ~32 entries, ~160 written. */
const ROOM_BYTES = 2 * 1024 * 1024;
const ENTRY_BYTES = 64 * 1024;

const CAROL: UpstreamCredential = { kind: 'bearer', token: 'carol' };
const MALLORY: UpstreamCredential = { kind: 'bearer', token: 'made-up' };
/** Each token its own principal (an access token, an API token). */
const principalOf = (credential: UpstreamCredential): UpstreamPrincipal => {
  const key = credential.kind === 'bearer' ? credential.token : 'other';
  return { budgetKey: key, userKey: key, shared: false };
};

describeWithPrivateRedis('what Bitbucket told the budget, in Redis under cache pressure', () => {
  let redis: PrivateRedis;
  let stores: RedisStore[];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    stores = [new RedisStore({ url: redis.url }), new RedisStore({ url: redis.url })];
  });
  afterAll(async () => {
    await Promise.all((stores ?? []).map((store) => store.close()));
    await redis?.stop();
  });

  const evicted = async () => Number(/evicted_keys:(\d+)/.exec(await redis.admin.info('stats'))?.[1] ?? 0);
  const reasonOf = (promise: Promise<unknown>) => promise.then(() => 'admitted', (error: unknown) => (error instanceof BudgetRefusal ? error.reason : String(error)));
  /** Keys Redis never evicts under volatile-lru: those without a lifetime. */
  const lasting = async () => {
    const names = await redis.admin.keys('*');
    const ttls = await Promise.all(names.map((name) => redis.admin.pttl(name)));
    return names.filter((_name, index) => ttls[index] === -1).sort();
  };

  test("a learned X-RateLimit-Limit and a 429's block are kept when Redis evicts cache entries; a made-up credential's 429 leaves nothing lasting", async () => {
    const budget = (store: RedisStore) => new PrincipalBudget({ store, settings: { perHour: 1000, reserve: 1, userSharePercent: 50 }, principalOf, requestCalls: () => 0 });
    const [seen, other] = [budget(stores[0]), budget(stores[1])];
    // Bitbucket accepts Carol's access token and says its hour is 5,000 (a scaled limit), then answers a call 429.
    await seen.beforeAttempt(CAROL, 1);
    await seen.afterAnswer(CAROL, 200, { 'x-ratelimit-limit': '5000' });
    await seen.beforeAttempt(CAROL, 1);
    await seen.afterAnswer(CAROL, 429, {});
    for (const replica of [seen, other]) {
      expect(await reasonOf(replica.beforeAttempt(CAROL, 1))).toBe('upstream-429');
      expect(await replica.report(CAROL)).toEqual(expect.objectContaining({ limit: 5000, remaining: 5000 - 2 }));
    }
    // A made-up token: refused by Bitbucket with 429 before any 2xx. Its block is kept (its next call is refused
    // without a Bitbucket call), but in nothing Redis may not evict.
    const lastingBefore = await lasting();
    await seen.beforeAttempt(MALLORY, 1);
    await seen.afterAnswer(MALLORY, 429, {});
    expect(await reasonOf(seen.beforeAttempt(MALLORY, 1))).toBe('upstream-429');
    expect(await lasting()).toEqual(lastingBefore);

    // Cache pressure: room for ~32 entries, ~160 written, each with a lifetime as the response cache writes them.
    const used = Number(/used_memory:(\d+)/.exec(await redis.admin.info('memory'))?.[1]);
    await redis.admin.config('SET', 'maxmemory', String(used + ROOM_BYTES), 'maxmemory-policy', 'volatile-lru');
    const before = await evicted();
    for (let index = 0; index < (5 * ROOM_BYTES) / ENTRY_BYTES; index += 1) await stores[0].set(`spec-fill:${index}`, randomBytes(ENTRY_BYTES), 300);
    expect(await evicted()).toBeGreaterThan(before + ROOM_BYTES / ENTRY_BYTES);

    // Both replicas still refuse Carol's next call until the block ends, and still know her hour is 5,000.
    for (const replica of [seen, other]) {
      expect(await reasonOf(replica.beforeAttempt(CAROL, 1))).toBe('upstream-429');
      expect(await replica.report(CAROL)).toEqual(expect.objectContaining({ limit: 5000, remaining: 5000 - 2 }));
    }
  });
});
