/**
 * The budget per upstream principal (issue #14 item 1). The rule as a table over a store and a clock the spec moves
 * (the same table runs on the in-memory store and, with TEST_REDIS_URL, on a real Redis), then over HTTP: a request
 * stops mid-way with 429 when the hour is spent, the next one is refused before it calls anything, and every answer
 * reports the caller's budget in X-Budget-* headers.
 */
import type { UpstreamCredential } from '../../src/bitbucket';
import { BudgetRefusal, PrincipalBudget, type BudgetReport, type BudgetSettings, type UpstreamPrincipal } from '../../src/budget';
import { MemoryStore, RedisStore, type SharedStore } from '../../src/storage';
import { DEMO_BEARER, startStack } from '../helpers/stack';
import { TEST_REDIS_URL, warnWithoutRedis } from '../helpers/with-redis';

const REDIS_URL = TEST_REDIS_URL;
// Loud on purpose: .ci/run always sets it; a developer's run without Redis skips only the Redis rows.
warnWithoutRedis('the Redis rows of spec/budget are');

const ALICE: UpstreamCredential = { kind: 'bearer', token: 'alice' };
const BOB: UpstreamCredential = { kind: 'bearer', token: 'bob' };
const CAROL_API_TOKEN: UpstreamCredential = { kind: 'basic', username: 'carol@example.com', password: 'token' };
const START = Date.parse('2026-09-01T10:00:00Z');

/** Alice and Bob are sessions of one OAuth consumer; Carol's API token is her own principal. */
function principalOf(credential: UpstreamCredential): UpstreamPrincipal {
  if (credential.kind === 'bearer') return { budgetKey: 'consumer', userKey: credential.token, shared: true };
  return { budgetKey: 'carol', userKey: 'carol', shared: false };
}

type StoreFactory = () => SharedStore;
const stores: Array<[string, StoreFactory]> = [['memory', () => new MemoryStore({ maxBytes: 1 << 20, now: () => clock })]];
let clock = START;
let namespace = 0;
if (REDIS_URL) stores.push(['redis', () => new RedisStore({ url: REDIS_URL, prefix: `spec-budget-${process.pid}-${Date.now()}-${namespace++}:` })]);

describe.each(stores)('PrincipalBudget on the %s store', (_name, makeStore) => {
  let store: SharedStore;
  let requestCalls = 0;
  let reports: BudgetReport[] = [];
  const settings: BudgetSettings = { perHour: 10, reserve: 3, userSharePercent: 60 };
  const budget = (): PrincipalBudget =>
    new PrincipalBudget({ store, settings, principalOf, requestCalls: () => requestCalls, onReport: (report) => reports.push(report), now: () => clock });

  beforeEach(() => {
    clock = START;
    requestCalls = 0;
    reports = [];
    store = makeStore();
  });
  afterEach(() => store.close());

  async function spend(gate: PrincipalBudget, credential: UpstreamCredential, calls: number): Promise<void> {
    for (let index = 0; index < calls; index++) {
      await gate.beforeAttempt(credential, 1);
      requestCalls += 1;
    }
  }

  async function refusal(promise: Promise<unknown>): Promise<BudgetRefusal> {
    const error = await promise.then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BudgetRefusal);
    return error as BudgetRefusal;
  }

  test('counts each call and reports what remains and when the oldest call leaves the hour', async () => {
    const gate = budget();
    await spend(gate, CAROL_API_TOKEN, 4);
    expect(reports.at(-1)).toEqual({ limit: 10, remaining: 6, resetSeconds: 3600 });
    clock += 10 * 60_000;
    await spend(gate, CAROL_API_TOKEN, 1);
    expect(reports.at(-1)).toEqual({ limit: 10, remaining: 5, resetSeconds: 3000 });
  });

  test('a request whose principal has less than the reserve left is refused before its first call', async () => {
    const gate = budget();
    await spend(gate, CAROL_API_TOKEN, 8);
    requestCalls = 0; // a new request
    const refused = await refusal(gate.beforeAttempt(CAROL_API_TOKEN, 1));
    expect(refused.reason).toBe('reserve');
    expect(refused.details).toEqual(expect.objectContaining({ limit: 10, remaining: 2, reserve: 3, spentByRequest: 0 }));
    // One more call frees it: the first minute's 8 calls leave the hour after 3600 s.
    expect(refused.details.freesInSeconds).toBe(3600);
    expect((await gate.report(CAROL_API_TOKEN))?.remaining).toBe(2);
  });

  test('a request under way stops when the hour is spent, and the refusal says when it frees', async () => {
    const gate = budget();
    await spend(gate, CAROL_API_TOKEN, 5);
    clock += 20 * 60_000;
    await spend(gate, CAROL_API_TOKEN, 5);
    const refused = await refusal(gate.beforeAttempt(CAROL_API_TOKEN, 1));
    expect(refused.reason).toBe('exhausted');
    expect(refused.details.spentByRequest).toBe(10);
    expect(refused.details.freesInSeconds).toBe(40 * 60);
    clock += 40 * 60_000;
    await expect(gate.beforeAttempt(CAROL_API_TOKEN, 1)).resolves.toBeUndefined();
  });

  test('behind one OAuth consumer, one user may spend only their share, and the others keep the rest', async () => {
    const gate = budget();
    await spend(gate, ALICE, 6); // 60 % of 10
    const refused = await refusal(gate.beforeAttempt(ALICE, 1));
    expect(refused.reason).toBe('user-share');
    expect(refused.details.userLimit).toBe(6);
    requestCalls = 0;
    await expect(gate.beforeAttempt(BOB, 1)).resolves.toBeUndefined();
    // The consumer's hour is one: Bob's calls and Alice's add up (7 of 10 spent, 3 left = the reserve).
    expect((await gate.report(BOB))?.remaining).toBe(3);
  });

  test("after Bitbucket's 429 the principal calls nothing until its Retry-After has passed; the call's own retries still run", async () => {
    const gate = budget();
    await spend(gate, CAROL_API_TOKEN, 1);
    await gate.afterAnswer(CAROL_API_TOKEN, 429, { 'retry-after': '30' });
    await expect(gate.beforeAttempt(CAROL_API_TOKEN, 2)).resolves.toBeUndefined();
    const refused = await refusal(gate.beforeAttempt(CAROL_API_TOKEN, 1));
    expect(refused.reason).toBe('upstream-429');
    expect(refused.details.freesInSeconds).toBe(30);
    clock += 31_000;
    await expect(gate.beforeAttempt(CAROL_API_TOKEN, 1)).resolves.toBeUndefined();
  });

  test("Bitbucket's X-RateLimit-Limit replaces the configured hour; X-RateLimit-NearLimit raises the count to 80 %", async () => {
    const gate = budget();
    await spend(gate, CAROL_API_TOKEN, 1);
    await gate.afterAnswer(CAROL_API_TOKEN, 200, { 'x-ratelimit-limit': '100' });
    expect((await gate.report(CAROL_API_TOKEN))?.limit).toBe(100);
    await gate.afterAnswer(CAROL_API_TOKEN, 200, { 'x-ratelimit-limit': '100', 'x-ratelimit-nearlimit': 'true' });
    expect((await gate.report(CAROL_API_TOKEN))?.remaining).toBe(20);
  });

  test('perHour 0 turns the budget off', async () => {
    const gate = new PrincipalBudget({ store, settings: { ...settings, perHour: 0 }, principalOf, requestCalls: () => 0, now: () => clock });
    await spend(gate, CAROL_API_TOKEN, 50);
    expect(await gate.report(CAROL_API_TOKEN)).toBeUndefined();
  });
});

describe('over HTTP', () => {
  test('a request stops with 429 UpstreamBudget when the hour is spent, the next is refused before any call, and answers carry X-Budget-*', async () => {
    const stack = await startStack({ env: { UPSTREAM_BUDGET_PER_HOUR: '12', UPSTREAM_BUDGET_RESERVE: '4' } });
    try {
      const one = await stack.request.get("/odata/Repositories?$filter=Workspace eq 'acme-dev'&$top=1").set('Authorization', DEMO_BEARER);
      expect(one.status).toBe(200);
      const spent = Number(one.headers['x-upstream-requests']);
      expect(spent).toBeGreaterThan(0);
      expect(one.headers['x-budget-limit']).toBe('12');
      expect(one.headers['x-budget-remaining']).toBe(String(12 - spent));
      expect(Number(one.headers['x-budget-reset'])).toBeGreaterThan(0);

      // Every pull request of every repository needs far more than the 12 calls of this hour: it stops mid-way.
      await stack.clearUpstreamCalls();
      const big = await stack.request.get('/odata/PullRequests').set('Authorization', DEMO_BEARER);
      expect(big.status).toBe(429);
      expect(big.body.error.code).toBe('UpstreamBudget');
      expect(big.body.error.message).toMatch(/The 12 Bitbucket calls per rolling hour .* are spent: this request stopped after \d+ calls and returns no rows\. Enough calls free up in \d+ s \(at .*Z\)\./);
      const retryAfter = Number(big.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(120);
      expect((await stack.upstreamCalls()).length).toBe(12 - spent);

      // The next request is refused before it spends anything.
      await stack.clearUpstreamCalls();
      const next = await stack.request.get("/odata/Repositories?$filter=Workspace eq 'acme-dev'&$top=1").set('Authorization', DEMO_BEARER);
      expect(next.status).toBe(429);
      expect(next.body.error.code).toBe('UpstreamBudget');
      expect(next.body.error.message).toContain('so this request was refused before making any call');
      expect(next.headers['x-upstream-requests']).toBe('0');
      expect(await stack.upstreamCalls()).toHaveLength(0);
    } finally {
      await stack.close();
    }
  });
});
