/**
 * The budget and the response cache at `/metrics` (issue #14 item 1, "reports the budget: … the metrics endpoint"),
 * and `METRICS_TOKEN`, which closes /metrics to anyone without it. Over HTTP against the sandbox: a request's calls
 * show in the budget's counters and the callers' gauges, a repeated request in the cache's; no family is labelled by
 * principal and no line holds a credential. The aggregates themselves are a table over a clock the spec passes.
 */
import express from 'express';
import supertest from 'supertest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_USER, OTHER_USER } from '../../sandbox/identities';
import { recordBudgetReport, upstreamBudgetMetrics } from '../../src/budget/budget-metrics';
import { loadConfig } from '../../src/config';
import { metricsAuth } from '../../src/http/metrics';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

const TOKEN = 'metrics-token-of-this-spec-0123456789';
const BRANCHES = "/odata/Branches?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$select=Name";

/** `name{labels} value` lines of one family (the exact name, or the name followed by `{`). */
function samples(text: string, name: string): { labels: string; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .map((line) => {
      const match = /^[^ {]+(\{[^}]*\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample: ${line}`);
      return { labels: match[1] ?? '', value: Number(match[2]) };
    });
}
const valueOf = (text: string, name: string, labels = ''): number => {
  const found = samples(text, name).find((sample) => sample.labels === labels);
  if (!found) throw new Error(`${name}${labels} is not in /metrics`);
  return found.value;
};

describe('budget and cache at /metrics, behind METRICS_TOKEN', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_TOKEN: TOKEN, UPSTREAM_BUDGET_PER_HOUR: '1000', UPSTREAM_BUDGET_RESERVE: '1', UPSTREAM_CACHE_SECONDS: '60' } });
  });
  afterAll(() => stack.close());

  const scrape = async (): Promise<string> => {
    const response = await stack.request.get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    return response.text;
  };

  test.each([
    { name: 'no Authorization', authorization: undefined, says: 'needs Authorization: Bearer' },
    { name: 'another bearer token', authorization: 'Bearer metrics-token-of-this-spec-0123456780', says: 'is not the one set in METRICS_TOKEN' },
    { name: "a Bitbucket user's credential", authorization: DEMO_BEARER, says: 'is not the one set in METRICS_TOKEN' },
    { name: 'the token as Basic', authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, says: 'needs Authorization: Bearer' },
  ])('$name: 401 with WWW-Authenticate: Bearer, and no metrics', async ({ authorization, says }) => {
    let request = stack.request.get('/metrics');
    if (authorization) request = request.set('Authorization', authorization);
    const response = await request;
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(response.body.error.message).toContain(says);
    expect(response.text).not.toContain('bitbucket_odata_');
  });

  test("a request's calls show in the budget's counters and the callers' gauges; a repeat in the cache's", async () => {
    const before = await scrape();
    const first = await stack.request.get(BRANCHES).set('Authorization', DEMO_BEARER);
    expect(first.status).toBe(200);
    const calls = Number(first.headers['x-upstream-requests']);
    expect(calls).toBeGreaterThan(0);
    const again = await stack.request.get(BRANCHES).set('Authorization', DEMO_BEARER);
    expect(again.headers['x-upstream-requests']).toBe('0');
    const after = await scrape();
    const delta = (name: string) => valueOf(after, name) - valueOf(before, name);
    expect(delta('bitbucket_odata_upstream_budget_calls_spent_total')).toBe(calls);
    expect(delta('bitbucket_odata_upstream_cache_misses_total')).toBe(calls);
    expect(delta('bitbucket_odata_upstream_cache_hits_total')).toBe(calls);
    expect(valueOf(after, 'bitbucket_odata_upstream_budget_callers')).toBeGreaterThanOrEqual(1);
    // The caller's own X-Budget-Remaining is what the least-remaining gauge saw (the only caller of this spec).
    expect(valueOf(after, 'bitbucket_odata_upstream_budget_remaining_min')).toBe(Number(first.headers['x-budget-remaining']));
    expect(valueOf(after, 'bitbucket_odata_upstream_budget_used_ratio_max')).toBeCloseTo(calls / 1000, 6);
    for (const reason of ['reserve', 'exhausted', 'user-share', 'upstream-429']) {
      expect(samples(after, 'bitbucket_odata_upstream_budget_refused_total').map((sample) => sample.labels)).toContain(`{reason="${reason}"}`);
    }
  });

  test('no budget or cache family has a label but the refusal reason, and no line holds a credential', async () => {
    await stack.request.get(BRANCHES).set('Authorization', `Bearer ${OTHER_USER.bearerToken}`);
    const text = await scrape();
    const families = text.split('\n').filter((line) => /^bitbucket_odata_upstream_(budget|cache)_/.test(line));
    expect(families.length).toBeGreaterThanOrEqual(8);
    for (const line of families) expect(line).toMatch(/^[a-z_]+(\{reason="[a-z0-9-]+"\})? \S+$/);
    for (const secret of [DEMO_USER.bearerToken, DEMO_USER.apiToken, DEMO_USER.email, OTHER_USER.bearerToken, TOKEN]) expect(text).not.toContain(secret);
  });
});

describe('METRICS_TOKEN unset', () => {
  test('/metrics stays open, as before', async () => {
    const app = express();
    app.get('/metrics', metricsAuth(undefined), (_req, res) => {
      res.send('open');
    });
    expect((await supertest(app).get('/metrics')).text).toBe('open');
  });

  test('the setting: at least 16 characters a bearer token may hold, also from METRICS_TOKEN_FILE', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow('METRICS_TOKEN must be at least 16 characters');
    expect(() => loadConfig({ METRICS_TOKEN: 'has a space in it, long enough' })).toThrow('METRICS_TOKEN');
    const file = join(mkdtempSync(join(tmpdir(), 'metrics-token-')), 'token');
    writeFileSync(file, TOKEN);
    expect(loadConfig({ METRICS_TOKEN_FILE: file }).metricsToken).toBe(TOKEN);
  });
});

describe("the callers' aggregates", () => {
  const HOUR = 3_600_000;
  test('the fewest remaining and the largest spent share over the callers of the last hour; none: undefined, never 0', () => {
    // Far after the reports the HTTP tests above made, which have left the hour by then.
    const at = Date.now() + 100 * HOUR;
    const base = upstreamBudgetMetrics(at + 10 * HOUR).callers;
    expect(base).toEqual({ active: 0 });
    recordBudgetReport('caller-a', { limit: 1000, remaining: 900 }, at);
    recordBudgetReport('caller-b', { limit: 10_000, remaining: 500 }, at + 1000);
    recordBudgetReport('caller-a', { limit: 1000, remaining: 850 }, at + 2000);
    expect(upstreamBudgetMetrics(at + 3000).callers).toEqual({ active: 2, remainingMin: 500, usedRatioMax: 0.95 });
    // An hour after its last call a caller's report says nothing of its hour any more.
    expect(upstreamBudgetMetrics(at + 1000 + HOUR).callers).toEqual({ active: 1, remainingMin: 850, usedRatioMax: 0.15 });
    expect(upstreamBudgetMetrics(at + 2000 + HOUR).callers).toEqual({ active: 0 });
  });
});
