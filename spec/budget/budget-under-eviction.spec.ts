/**
 * The budget's count survives cache pressure (issue #14 item 1, item 4): with `REDIS_URL`, Redis under `maxmemory` and
 * the policy the README recommends (`volatile-lru`: only keys with a lifetime are evicted) makes room for the response
 * cache, the list memo and paging snapshots by evicting keys with a lifetime. A budget counted in keys with a lifetime
 * was evicted with them, and the gateway then under-counted the hour: calls it had counted were spent again, and only
 * Bitbucket's own 429 stopped them. The rolling hour is a tally (src/storage/shared-store.ts): no lifetime of its own,
 * each minute's count expiring by its own deadline, so Redis never evicts it.
 *
 * A budget on a Redis of this file's own (spec/helpers/private-redis.ts, since it changes `maxmemory`) spends its hour
 * behind a shared OAuth consumer and is refused; Redis is then filled with cache-like entries (each with a lifetime,
 * as the response cache writes them) until it evicts; the budget must still refuse, and report the same hour.
 */
import { randomBytes } from 'node:crypto';
import type { UpstreamCredential } from '../../src/bitbucket';
import { BudgetRefusal, PrincipalBudget, type UpstreamPrincipal } from '../../src/budget';
import { RedisStore } from '../../src/storage';
import { describeWithPrivateRedis, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';

/** Room for cache entries above what the server holds when the spec starts: small, so filling it takes ~100 writes. */
const ROOM_BYTES = 2 * 1024 * 1024;
const ENTRY_BYTES = 64 * 1024;
const PER_HOUR = 12;

const ALICE: UpstreamCredential = { kind: 'bearer', token: 'alice' };
const BOB: UpstreamCredential = { kind: 'bearer', token: 'bob' };
/** Alice and Bob are sessions of one OAuth consumer (the consumer's hour and each user's share are both counted). */
const principalOf = (credential: UpstreamCredential): UpstreamPrincipal => ({ budgetKey: 'consumer', userKey: credential.kind === 'bearer' ? credential.token : 'other', shared: true });

describeWithPrivateRedis('the budget per principal in Redis under cache pressure', () => {
  let redis: PrivateRedis;
  let store: RedisStore;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    store = new RedisStore({ url: redis.url });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  const evicted = async () => Number(/evicted_keys:(\d+)/.exec(await redis.admin.info('stats'))?.[1] ?? 0);
  const reasonOf = (promise: Promise<unknown>) => promise.then(() => 'admitted', (error: unknown) => (error instanceof BudgetRefusal ? error.reason : String(error)));

  test('a spent hour is still refused after Redis evicts cache entries; what the budget keeps has no lifetime', async () => {
    let requestCalls = 0;
    // Alice's share is the whole hour, so the consumer's hour is what refuses her; Bob's own share stops him first.
    const budget = new PrincipalBudget({ store, settings: { perHour: PER_HOUR, reserve: 1, userSharePercent: 100 }, principalOf, requestCalls: () => requestCalls });
    // Each call answered 200: Bitbucket accepted the credential, so its calls are in the tally (a refused one's are not).
    for (let call = 0; call < PER_HOUR - 2; call++) {
      await budget.beforeAttempt(ALICE, 1);
      await budget.afterAnswer(ALICE, 200, {});
      requestCalls += 1;
    }
    for (let call = 0; call < 2; call++) {
      await budget.beforeAttempt(BOB, 1);
      await budget.afterAnswer(BOB, 200, {});
    }
    expect(await reasonOf(budget.beforeAttempt(ALICE, 1))).toBe('exhausted');
    requestCalls = 0; // a new request
    expect(await reasonOf(budget.beforeAttempt(BOB, 1))).toBe('reserve');
    expect(await budget.report(ALICE)).toEqual(expect.objectContaining({ limit: PER_HOUR, remaining: 0 }));

    // Every key the budget wrote is one Redis never evicts under volatile-lru: none has a lifetime.
    const names = await redis.admin.keys('*');
    expect(names.length).toBeGreaterThan(0);
    expect(await Promise.all(names.map(async (name) => [name, await redis.admin.pttl(name)]))).toEqual(names.map((name) => [name, -1]));

    // Cache pressure: room for ~32 entries, ~128 written, as the response cache writes them.
    const used = Number(/used_memory:(\d+)/.exec(await redis.admin.info('memory'))?.[1]);
    await redis.admin.config('SET', 'maxmemory', String(used + ROOM_BYTES), 'maxmemory-policy', 'volatile-lru');
    const before = await evicted();
    for (let index = 0; index < (4 * ROOM_BYTES) / ENTRY_BYTES; index += 1) await store.set(`spec-fill:${index}`, randomBytes(ENTRY_BYTES), 300);
    expect(await evicted()).toBeGreaterThan(before + ROOM_BYTES / ENTRY_BYTES);

    expect(await reasonOf(budget.beforeAttempt(ALICE, 1))).toBe('reserve');
    expect(await reasonOf(budget.beforeAttempt(BOB, 1))).toBe('reserve');
    expect(await budget.report(ALICE)).toEqual(expect.objectContaining({ limit: PER_HOUR, remaining: 0 }));
    // The budget's writes still succeed under pressure (Redis evicts cache entries for them): Bitbucket's headers are
    // learned, and a caller with a share left behind another consumer is admitted.
    await budget.afterAnswer(ALICE, 200, { 'x-ratelimit-nearlimit': 'true' });
    const other = new PrincipalBudget({ store, settings: { perHour: PER_HOUR, reserve: 1, userSharePercent: 100 }, principalOf: () => ({ budgetKey: 'another', userKey: 'carol', shared: false }), requestCalls: () => 0 });
    expect(await reasonOf(other.beforeAttempt({ kind: 'bearer', token: 'carol' }, 1))).toBe('admitted');
  });
});
