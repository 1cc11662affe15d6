/**
 * Bad input never hurts us: the budget's rolling hour is a tally Redis never evicts (5ceb6b6), one per principal, and
 * anyone can make up principals (a random Bearer token, random Basic credentials). Were every distinct credential's
 * first call counted in a tally, a flood of them would fill a Redis under `maxmemory` (`volatile-lru`, as the README
 * recommends) with state it may not evict, for up to an hour each, until every write is refused (OOM) and every
 * request, a valid user's too, answers 503 StoreUnavailable.
 *
 * So a credential's calls enter the never-evicted tally only once Bitbucket has accepted it (a 2xx or 304); before
 * that they are counted in a form Redis may evict (under-counting a credential Bitbucket refuses costs nobody's hour:
 * its 401s are Bitbucket's own). A valid caller's first calls are moved into its tally when it is accepted.
 *
 * Real HTTP against the sandbox, on a Redis of this file's own (spec/helpers/private-redis.ts: it sets `maxmemory`),
 * with a tiny room so that a few hundred bad credentials are enough.
 */
import { randomBytes } from 'node:crypto';
import type { UpstreamCredential } from '../../src/bitbucket';
import { PrincipalBudget, type UpstreamPrincipal } from '../../src/budget';
import { MemoryStore, RedisStore, type SharedStore } from '../../src/storage';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { describeWithPrivateRedis, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';

/** Room above what Redis holds once the valid user has been served: a few hundred small keys. */
const ROOM_BYTES = 32 * 1024;
const BAD_CREDENTIALS = 150;
const BATCH = 10;

describeWithPrivateRedis('credentials Bitbucket refuses leave nothing Redis cannot evict', () => {
  let redis: PrivateRedis;
  let stack: Stack;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    stack = await startStack({ env: { REDIS_URL: redis.url, UPSTREAM_BUDGET_PER_HOUR: '1000', UPSTREAM_BUDGET_RESERVE: '1' } });
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  const info = async (section: string, field: string) => Number(new RegExp(`${field}:(\\d+)`).exec(await redis.admin.info(section))?.[1] ?? 0);
  /** Keys Redis never evicts under volatile-lru: those without a lifetime. */
  const lasting = async () => {
    const names = await redis.admin.keys('*');
    const ttls = await Promise.all(names.map((name) => redis.admin.pttl(name)));
    return names.filter((_name, index) => ttls[index] === -1).sort();
  };
  const me = (authorization: string) => stack.request.get('/odata/Me').set('Authorization', authorization);

  test('a flood of distinct bad credentials: each costs one 401 call, none adds a lasting key, and a valid user is still served', async () => {
    expect((await me(DEMO_BEARER)).status).toBe(200);
    const lastingBefore = await lasting();
    // The valid user's hour is in the tally (and the tallies' deadlines): lasting, as 5ceb6b6 wants.
    expect(lastingBefore.length).toBeGreaterThan(0);

    const used = await info('memory', 'used_memory');
    await redis.admin.config('SET', 'maxmemory', String(used + ROOM_BYTES), 'maxmemory-policy', 'volatile-lru');
    await stack.clearUpstreamCalls();
    const statuses = new Map<number, number>();
    for (let sent = 0; sent < BAD_CREDENTIALS; sent += BATCH) {
      const batch = await Promise.all(
        Array.from({ length: BATCH }, (_, index) =>
          me(sent + index < BAD_CREDENTIALS / 2 ? `Bearer ${randomBytes(12).toString('base64url')}` : `Basic ${Buffer.from(`x${sent + index}@example.com:${randomBytes(9).toString('base64url')}`).toString('base64')}`),
        ),
      );
      for (const { status } of batch) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    const calls = await stack.upstreamCalls();
    // The valid user is served and counted, in its tally as before (before the fix: 503, Redis refusing the write).
    const again = await me(DEMO_BEARER);
    expect(again.status).toBe(200);
    expect(Number(again.headers['x-budget-remaining'])).toBe(1000 - 2);
    // What they left Redis may evict: nothing lasting was added (before the fix: a tally per bad credential).
    expect(await lasting()).toEqual(lastingBefore);
    // Each bad credential is Bitbucket's 401, and cost one call (nothing remembers a refused credential: see report).
    expect(Object.fromEntries(statuses)).toEqual({ 401: BAD_CREDENTIALS });
    expect(calls.length).toBe(BAD_CREDENTIALS);
    expect(calls.every((call) => call.status === 401)).toBe(true);
  });
});

describeWithPrivateRedis('calls before Bitbucket accepts a credential are counted, and moved into its tally when it does', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const principalOf = (credential: UpstreamCredential): UpstreamPrincipal => {
    const who = credential.kind === 'bearer' ? credential.token : 'other';
    return who.startsWith('session-') ? { budgetKey: 'consumer', userKey: who, shared: true } : { budgetKey: who, userKey: who, shared: false };
  };
  const stores: Array<[string, () => SharedStore]> = [
    ['memory', () => new MemoryStore({ maxBytes: 1 << 20 })],
    ['redis', () => new RedisStore({ url: redis.url, prefix: `spec-${Math.random().toString(36).slice(2)}:` })],
  ];

  test.each(stores)('on the %s store', async (_name, makeStore) => {
    const store = makeStore();
    const budget = new PrincipalBudget({ store, settings: { perHour: 10, reserve: 1, userSharePercent: 50 }, principalOf, requestCalls: () => 1 });
    const call = async (token: string, status: number | undefined) => {
      await budget.beforeAttempt({ kind: 'bearer', token }, 1);
      if (status !== undefined) await budget.afterAnswer({ kind: 'bearer', token }, status, {});
    };
    const remaining = async (token: string) => (await budget.report({ kind: 'bearer', token }))?.remaining;
    // This minute and the one before (a minute may turn during the test).
    const tallied = async (key: string) => {
      const minute = Math.floor(Date.now() / 60_000);
      return [(await store.fieldCounts(`budget:${key}`, [String(minute - 1), String(minute)])).reduce((sum, count) => sum + count, 0)];
    };

    // Refused three times: counted (the hour the gateway believes in), but not in a tally.
    for (let index = 0; index < 3; index++) await call('refused', 401);
    expect(await remaining('refused')).toBe(7);
    expect(await tallied('refused')).toEqual([0]);
    // Two calls in flight before the first answer, then accepted: all three in the tally, counted once.
    await call('valid', undefined);
    await call('valid', undefined);
    await call('valid', 200);
    expect(await tallied('valid')).toEqual([3]);
    expect(await remaining('valid')).toBe(7);
    await call('valid', 304);
    expect(await tallied('valid')).toEqual([4]);
    expect(await remaining('valid')).toBe(6);
    // Behind a shared consumer: the consumer's tally from the first call, the caller's share once accepted.
    await call('session-a', 401);
    expect(await tallied('consumer')).toEqual([1]);
    expect(await tallied('u:session-a')).toEqual([0]);
    await call('session-a', 200);
    expect(await tallied('consumer')).toEqual([2]);
    expect(await tallied('u:session-a')).toEqual([2]);
    // The caller's share (5 of 10) counts both: 3 left.
    await call('session-a', 200);
    await call('session-a', 200);
    await call('session-a', 200);
    await expect(call('session-a', 200)).rejects.toThrow();
    await store.close();
  });
});

describeWithPrivateRedis('SharedStore counts: counters a store may evict, until their tally is opened', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const stores: Array<[string, () => SharedStore]> = [
    ['memory', () => new MemoryStore({ maxBytes: 4096 })],
    ['redis', () => new RedisStore({ url: redis.url, prefix: 'counts:' })],
  ];

  test.each(stores)('on the %s store: add, read in the order asked, moved once when the tally opens; it has a lifetime and the cache pushes it out', async (name, makeStore) => {
    const store = makeStore();
    expect(await store.addToTallyOrCount('t', 'c', '7', 1, 60)).toBe(1);
    expect(await store.addToTallyOrCount('t', 'c', '7', 2, 60)).toBe(3);
    expect(await store.addToTallyOrCount('t', 'c', '8', 1, 60)).toBe(1);
    expect(await store.countsOf('c', ['8', '6', '7'])).toEqual([1, 0, 3]);
    expect(await store.countsOf('missing', ['7'])).toEqual([0]);
    expect(await store.fieldCounts('t', ['7', '8'])).toEqual([0, 0]);
    // Opened twice at once: each counter moved once; the count is gone, and later adds go to the tally.
    await Promise.all([store.openTally('t', 'c', 60), store.openTally('t', 'c', 60)]);
    expect(await store.fieldCounts('t', ['7', '8'])).toEqual([3, 1]);
    expect(await store.countsOf('c', ['7', '8'])).toEqual([0, 0]);
    expect(await store.addToTallyOrCount('t', 'c', '7', 1, 60)).toBe(4);
    expect(await store.countsOf('c', ['7'])).toEqual([0]);
    // Another tally, not opened: its count has a lifetime.
    await store.addToTallyOrCount('u', 'd', '7', 1, 60);
    if (name === 'redis') {
      expect(await redis.admin.pttl('counts:{records}:t')).toBe(-1);
      const ttl = await redis.admin.pttl('counts:{records}:d');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } else {
      // Among the cache's values: bytes of cache entries push it out, as Redis's volatile-lru may.
      for (let index = 0; index < 8; index++) await store.set(`fill:${index}`, Buffer.alloc(1024), 60);
      expect(await store.countsOf('d', ['7'])).toEqual([0]);
    }
    await store.close();
  });
});
