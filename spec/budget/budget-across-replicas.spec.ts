/**
 * The budget's count is exact when replicas change it at once (issue #14 item 1): every change is one step in Redis
 * (src/storage/redis-store.ts scripts). Before, two were sequences of commands that others could interleave with:
 * - accepting a credential took its evictable count, then added it to the tally, while the replicas' calls kept being
 *   counted in the count (a replica decided where from what it had read before): calls counted during the move were
 *   left in the count, which a replica that had seen the credential accepted no longer read, and Redis may evict;
 * - a 304's call given back (`UPSTREAM_NOT_MODIFIED_COUNTS=false`) was a decrement, then an undo when the minute went
 *   below 0: a reader in between saw a minute at -1, one call fewer than were spent.
 *
 * Two gateways sharing one Redis (of this file's own: spec/helpers/private-redis.ts) answer many requests of one
 * credential at once, and the tally must hold exactly the calls the sandbox saw (304s free); then two budgets give
 * back many 304s at once while a reader watches the minutes.
 */
import supertest from 'supertest';
import type { UpstreamCredential } from '../../src/bitbucket';
import { PrincipalBudget, type UpstreamPrincipal } from '../../src/budget';
import { MemoryStore, RedisStore, type SharedStore } from '../../src/storage';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { startSecondReplica, type SecondReplica } from '../helpers/second-replica';
import { describeWithPrivateRedis, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';

const URLS = [
  "/odata/Repositories(Workspace='acme-dev',Slug='platform-api')",
  "/odata/Branches?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'",
  "/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=5",
  "/odata/Repositories?$filter=Workspace eq 'acme-dev'&$top=3",
  '/odata/Me',
];
/** Requests sent at once in a round: each URL on both replicas, three times. */
const REPEATS = 3;

describeWithPrivateRedis('the budget across two replicas sharing Redis', () => {
  let redis: PrivateRedis;
  let stack: Stack;
  let replica: SecondReplica;
  let clock = Date.parse('2026-09-01T10:00:00Z');

  beforeAll(async () => {
    redis = await startPrivateRedis();
    stack = await startStack({
      sandbox: { notModifiedCounts: false },
      env: { REDIS_URL: redis.url, UPSTREAM_BUDGET_PER_HOUR: '100000', UPSTREAM_BUDGET_RESERVE: '1', UPSTREAM_CACHE_SECONDS: '60', UPSTREAM_NOT_MODIFIED_COUNTS: 'false', LOG_LEVEL: 'error' },
      now: () => clock,
    });
    replica = await startSecondReplica(stack.config, () => clock);
  });
  afterAll(async () => {
    await replica?.close();
    await stack?.close();
    await redis?.stop();
  });

  /** The demo credential's hour as Redis holds it: its tally's minutes, and what its evictable count still holds. */
  const counted = async () => {
    const sum = async (pattern: string) => {
      let total = 0;
      for (const name of await redis.admin.keys(pattern)) {
        for (const [field, value] of Object.entries(await redis.admin.hgetall(name))) if (/^\d+$/.test(field)) total += Number(value);
      }
      return total;
    };
    return { tally: await sum('bbodata:{records}:budget:*'), count: await sum('bbodata:*budget-pending:*') };
  };

  const round = async () => {
    const apps = [stack.app, replica.app];
    const responses = await Promise.all(
      Array.from({ length: REPEATS }, () => URLS.flatMap((url) => apps.map((app) => supertest(app).get(encodeURI(url)).set('Authorization', DEMO_BEARER)))).flat(),
    );
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
  };

  test('many requests of one new credential at once, then their revalidations: the tally is the calls the sandbox saw, 304s free', async () => {
    await stack.clearUpstreamCalls();
    // Round 1: the credential is new to both replicas, so its first calls are counted before Bitbucket accepts it.
    await round();
    let calls = await stack.upstreamCalls();
    expect(calls.length).toBeGreaterThan(URLS.length);
    expect(await counted()).toEqual({ tally: calls.filter((call) => call.status !== 304).length, count: 0 });

    // Round 2, past UPSTREAM_CACHE_SECONDS: reused answers are revalidated (304, given back) among new calls.
    clock += 61_000;
    await round();
    calls = await stack.upstreamCalls();
    expect(calls.filter((call) => call.status === 304).length).toBeGreaterThan(0);
    expect(await counted()).toEqual({ tally: calls.filter((call) => call.status !== 304).length, count: 0 });
  });

  /**
   * Two replicas' stores: two connections to the Redis, or (`memory`) one in-process store that both budgets share,
   * where the same interleavings happen between the awaits of concurrent requests.
   */
  let namespace = 0;
  /** Closed after each test, passed or failed (an open connection would keep Jest's worker alive). */
  let opened: SharedStore[] = [];
  const pair = (stores: SharedStore[]): SharedStore[] => {
    opened = [...new Set(stores)];
    return stores;
  };
  const storePairs: Array<[string, () => SharedStore[]]> = [
    ['redis', () => pair([new RedisStore({ url: redis.url, prefix: `pair-${namespace}:` }), new RedisStore({ url: redis.url, prefix: `pair-${namespace++}:` })])],
    ['memory', () => pair([new MemoryStore({ maxBytes: 1 << 20 })].flatMap((store) => [store, store]))],
  ];
  afterEach(async () => {
    await Promise.all(opened.map((store) => store.close()));
    opened = [];
  });

  test.each(storePairs)('%s: calls one replica counts while another sees the credential accepted are all in the tally that replica reads', async (_kind, makeStores) => {
    const stores = makeStores();
    const dave: UpstreamCredential = { kind: 'bearer', token: 'dave' };
    const principalOf = (): UpstreamPrincipal => ({ budgetKey: 'dave', userKey: 'dave', shared: false });
    const [sending, accepting] = stores.map((store) => new PrincipalBudget({ store, settings: { perHour: 1000, reserve: 1, userSharePercent: 50 }, principalOf, requestCalls: () => 1 }));
    const CALLS = 60;
    // One replica starts many calls of a new credential while another hears Bitbucket accept it (its first answer).
    await Promise.all([...Array.from({ length: CALLS }, () => sending.beforeAttempt(dave, 1)), accepting.afterAnswer(dave, 200, {})]);
    const minute = Math.floor(Date.now() / 60_000);
    const minutes = [String(minute - 1), String(minute)];
    const sum = (counts: number[]) => counts.reduce((total, count) => total + count, 0);
    expect({ tally: sum(await stores[0].fieldCounts('budget:dave', minutes)), count: sum(await stores[0].countsOf('budget-pending:dave', minutes)) }).toEqual({ tally: CALLS, count: 0 });
    // The accepting replica reads the tally alone now: it sees every call.
    expect((await accepting.report(dave))?.remaining).toBe(1000 - CALLS);
  });

  test.each(storePairs)('%s: X-RateLimit-NearLimit on many answers at once raises the hour to 80 % once, not once per answer', async (_kind, makeStores) => {
    const stores = makeStores();
    const erin: UpstreamCredential = { kind: 'bearer', token: 'erin' };
    const principalOf = (): UpstreamPrincipal => ({ budgetKey: 'erin', userKey: 'erin', shared: false });
    const budgets = stores.map((store) => new PrincipalBudget({ store, settings: { perHour: 1000, reserve: 1, userSharePercent: 50 }, principalOf, requestCalls: () => 1 }));
    for (let index = 0; index < 100; index++) await budgets[index % 2].beforeAttempt(erin, 1);
    await Promise.all(budgets.map((budget) => budget.afterAnswer(erin, 200, {})));
    // Eight answers at once say fewer than 20 % of the hour are left: the hour counts 800, whatever the gateway counted.
    await Promise.all(Array.from({ length: 8 }, (_, index) => budgets[index % 2].afterAnswer(erin, 200, { 'x-ratelimit-nearlimit': 'true' })));
    for (const budget of budgets) expect((await budget.report(erin))?.remaining).toBe(200);
  });

  test.each(storePairs)('%s: 304s given back from two replicas at once: no minute is ever read below 0, and every call is given back once', async (_kind, makeStores) => {
    const stores = makeStores();
    const carol: UpstreamCredential = { kind: 'bearer', token: 'carol' };
    const principalOf = (): UpstreamPrincipal => ({ budgetKey: 'carol', userKey: 'carol', shared: false });
    let now = Date.parse('2026-09-01T10:00:30Z');
    const budgets = stores.map((store) => new PrincipalBudget({ store, settings: { perHour: 1000, reserve: 1, userSharePercent: 50, notModifiedCounts: false }, principalOf, requestCalls: () => 1, now: () => now }));
    const CALLS = 40;
    // Sent in one minute, two answered 200 there, the rest 304 in the next minute (the give-back looks back a few).
    for (let index = 0; index < CALLS; index++) await budgets[index % 2].beforeAttempt(carol, 1);
    await Promise.all(budgets.map((budget) => budget.afterAnswer(carol, 200, {})));
    now += 60_000;
    const minutes = [String(Math.floor(now / 60_000) - 1), String(Math.floor(now / 60_000))];
    const initial = await stores[0].fieldCounts('budget:carol', minutes);
    let lowest = Math.min(...initial);
    let giving = true;
    const watch = (async () => {
      while (giving) lowest = Math.min(lowest, ...(await stores[0].fieldCounts('budget:carol', minutes)));
    })();
    await Promise.all(Array.from({ length: CALLS - 2 }, (_, index) => budgets[index % 2].afterAnswer(carol, 304, {})));
    giving = false;
    await watch;
    expect(initial).toEqual([CALLS, 0]);
    expect(await stores[0].fieldCounts('budget:carol', minutes)).toEqual([2, 0]);
    expect(lowest).toBe(0);
  });
});
