/**
 * UPSTREAM_NOT_MODIFIED_COUNTS (issue #14 item 2): whether Bitbucket counts a 304 against the hour is undocumented and
 * reported both ways (spec/fixtures/recorded-bitbucket/README.md, "ETags and 304s"), so the budget counts 304s unless
 * the operator says they are free. The setting as a table (config and the budget over a store and a clock the spec
 * moves), then over HTTP against the sandbox modelling both (SANDBOX_NOT_MODIFIED_COUNTS): X-Budget-Remaining after a
 * revalidated read, and the calls the sandbox's own rate limit still admits.
 */
import axios from 'axios';
import type { UpstreamCredential } from '../../src/bitbucket';
import { PrincipalBudget, upstreamBudgetMetrics, type BudgetReport, type BudgetSettings, type UpstreamPrincipal } from '../../src/budget';
import { ConfigError, loadConfig } from '../../src/config';
import { MemoryStore, RedisStore, type SharedStore } from '../../src/storage';
import { DEMO_BEARER, startStack } from '../helpers/stack';
import { TEST_REDIS_URL, warnWithoutRedis } from '../helpers/with-redis';

// .ci/run always sets it; a developer's run without Redis skips only the Redis rows.
warnWithoutRedis('the Redis rows of spec/budget/not-modified-counts are');
let namespace = 0;
const stores: Array<[string, (now: () => number) => SharedStore]> = [['memory', (now) => new MemoryStore({ maxBytes: 1 << 20, now })]];
if (TEST_REDIS_URL) stores.push(['redis', () => new RedisStore({ url: TEST_REDIS_URL as string, prefix: `spec-not-modified-${process.pid}-${Date.now()}-${namespace++}:` })]);

describe('UPSTREAM_NOT_MODIFIED_COUNTS in the configuration', () => {
  test.each([
    [undefined, true],
    ['', true],
    ['true', true],
    ['false', false],
  ])('%p reads as %p', (value, expected) => {
    const env = value === undefined ? {} : { UPSTREAM_NOT_MODIFIED_COUNTS: value };
    expect(loadConfig(env).upstreamBudget.notModifiedCounts).toBe(expected);
  });

  test.each(['no', '0', 'FALSE', 'False', ' false', 'yes'])('%p stops the start, saying what to give', (value) => {
    expect(() => loadConfig({ UPSTREAM_NOT_MODIFIED_COUNTS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ UPSTREAM_NOT_MODIFIED_COUNTS: value })).toThrow(`UPSTREAM_NOT_MODIFIED_COUNTS=${JSON.stringify(value)} is not valid: give true or false.`);
  });
});

describe.each(stores)('PrincipalBudget and 304s on the %s store', (_name, makeStore) => {
  const CAROL: UpstreamCredential = { kind: 'basic', username: 'carol@example.com', password: 'token' };
  const ALICE: UpstreamCredential = { kind: 'bearer', token: 'alice' };
  /** Alice is a session behind an OAuth consumer; Carol's API token is her own principal. */
  const principalOf = (credential: UpstreamCredential): UpstreamPrincipal =>
    credential.kind === 'bearer' ? { budgetKey: 'consumer', userKey: credential.token, shared: true } : { budgetKey: 'carol', userKey: 'carol', shared: false };
  const START = Date.parse('2026-09-01T10:00:00Z');
  let clock = START;
  let reports: BudgetReport[] = [];

  function budget(notModifiedCounts: boolean | undefined): { gate: PrincipalBudget; store: SharedStore } {
    const store = makeStore(() => clock);
    const settings: BudgetSettings = { perHour: 10, reserve: 1, userSharePercent: 50, ...(notModifiedCounts === undefined ? {} : { notModifiedCounts }) };
    return { store, gate: new PrincipalBudget({ store, settings, principalOf, requestCalls: () => 1, onReport: (report) => reports.push(report), now: () => clock }) };
  }

  /** One attempt and its answer, as the client makes them. */
  async function call(gate: PrincipalBudget, credential: UpstreamCredential, status: number): Promise<void> {
    await gate.beforeAttempt(credential, 1);
    await gate.afterAnswer(credential, status, {});
  }

  beforeEach(() => {
    clock = START;
    reports = [];
  });

  test.each([
    // setting, answers, what remains of 10 after them (the last X-Budget-Remaining)
    [undefined, [200, 304, 304], 7],
    [true, [200, 304, 304], 7],
    [false, [200, 304, 304], 9],
    [false, [304, 200, 304, 200], 8],
    [false, [429], 9],
  ])('notModifiedCounts %p, answers %p: %p remain', async (setting, answers, remaining) => {
    const { gate, store } = budget(setting);
    for (const status of answers) await call(gate, CAROL, status);
    expect(reports.at(-1)?.remaining).toBe(remaining);
    expect((await gate.report(CAROL))?.remaining).toBe(remaining);
    await store.close();
  });

  test('behind a shared consumer a 304 gives back the caller share too: a caller at its share can still revalidate all it likes', async () => {
    const { gate, store } = budget(false);
    for (let index = 0; index < 4; index++) await call(gate, ALICE, 200);
    // Alice has 1 of her 5 (50 % of 10) left: every 304 is admitted, then given back.
    for (let index = 0; index < 6; index++) await call(gate, ALICE, 304);
    expect(reports.at(-1)).toEqual(expect.objectContaining({ limit: 10, remaining: 1 }));
    await call(gate, ALICE, 200);
    expect(reports.at(-1)?.remaining).toBe(0);
    await store.close();
  });

  test('a 304 answered in the minute after its attempt never under-counts the hour once that attempt leaves it', async () => {
    const { gate, store } = budget(false);
    clock = START + 59_500; // 10:00:59.5: the attempt is counted in minute 10:00
    await gate.beforeAttempt(CAROL, 1);
    clock = START + 60_500; // 10:01:00.5: the 304 arrives in minute 10:01, which counted nothing
    await gate.afterAnswer(CAROL, 304, {});
    expect(reports.at(-1)?.remaining).toBe(10);
    await call(gate, CAROL, 200); // a real call in minute 10:01
    // 11:00:30: minute 10:00 has left the hour, 10:01 has not. Taking the 304 back from 10:01 (where it was not
    // counted) would leave 10:01 at 0 here and the hour at 0 calls, one fewer than the real one.
    clock = START + 3600_000 + 30_000;
    expect((await gate.report(CAROL))?.remaining).toBe(9);
    await store.close();
  });

  test('every 304 given back is in the metrics, beside the calls spent', async () => {
    const before = upstreamBudgetMetrics(clock);
    const { gate, store } = budget(false);
    await call(gate, CAROL, 200);
    await call(gate, CAROL, 304);
    const after = upstreamBudgetMetrics(clock);
    expect(after.spent - before.spent).toBe(2);
    expect(after.notModifiedFree - before.notModifiedFree).toBe(1);
    await store.close();
  });
});

describe('a revalidated read through the gateway, against the sandbox modelling both', () => {
  const REPOSITORY = "/odata/Repositories(Workspace='acme-dev',Slug='platform-api')";
  const BRANCHES = encodeURI("/odata/Branches?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'");
  /** The sandbox's hour and the gateway's: small, so the sandbox's remaining calls can be counted by spending them. */
  const HOUR = 24;

  test.each([
    // sandbox counts 304s, gateway counts 304s, what a revalidated read costs each
    [false, false, 0, 0],
    [true, true, 2, 2],
    // The gateway's default against a Bitbucket that does not count them: it over-counts, the safe side.
    [false, true, 0, 2],
  ])('SANDBOX_NOT_MODIFIED_COUNTS=%p, UPSTREAM_NOT_MODIFIED_COUNTS=%p: the sandbox spends %p, the gateway %p', async (sandboxCounts, gatewayCounts, sandboxCost, gatewayCost) => {
    let clock = Date.parse('2026-09-01T10:00:00Z');
    const stack = await startStack({
      sandbox: { rateLimitPerHour: HOUR, notModifiedCounts: sandboxCounts },
      env: { UPSTREAM_BUDGET_PER_HOUR: String(HOUR), UPSTREAM_BUDGET_RESERVE: '1', UPSTREAM_CACHE_SECONDS: '60', UPSTREAM_NOT_MODIFIED_COUNTS: String(gatewayCounts), LOG_LEVEL: 'error' },
      now: () => clock,
    });
    const control = axios.create({ baseURL: stack.sandboxUrl, validateStatus: () => true });
    try {
      await control.post('/_sandbox/rate-limit/reset');
      const read = async (): Promise<number> => {
        let remaining = Number.NaN;
        for (const url of [REPOSITORY, BRANCHES]) {
          const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
          expect(response.status).toBe(200);
          remaining = Number(response.headers['x-budget-remaining']);
        }
        return remaining;
      };
      const afterFirst = await read();
      clock += 61_000; // past UPSTREAM_CACHE_SECONDS: both answers are stale and carry an ETag
      await stack.clearUpstreamCalls();
      const afterSecond = await read();
      // The second read was two revalidations and nothing else.
      expect((await stack.upstreamCalls()).map((call) => call.status)).toEqual([304, 304]);
      expect(afterFirst - afterSecond).toBe(gatewayCost);
      // Given back 304s are a family of their own on /metrics (the calls spent still count every attempt).
      expect((await stack.request.get('/metrics')).text).toMatch(/^bitbucket_odata_upstream_budget_not_modified_free_total \d+$/m);
      // What the sandbox's own limit still admits for the same credential: the gateway's count when both agree.
      let admitted = 0;
      while ((await axios.get(`${stack.apiUrl}/user`, { headers: { Authorization: DEMO_BEARER }, validateStatus: () => true })).status === 200) admitted += 1;
      expect(admitted).toBe(afterSecond + gatewayCost - sandboxCost);
    } finally {
      await stack.close();
    }
  });
});
