/**
 * Upstream failures reach the client as clear OData errors: 5xx → 502/503, slow → 504, 429 → 429 with an integer
 * Retry-After of 1-120 s (Power Query's limit), refused credentials → 401 with a challenge. Transient faults are
 * retried for reads.
 */
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
const control = () => axios.create({ baseURL: stack.sandboxUrl, validateStatus: () => true });

// The timeout is what every call of this file may take, not only the slow one's: at 300 ms a plain call of the 5xx
// test timed out once on a machine at load 15 (504 where 502/503 was expected). 1.5 s leaves a loaded CI room, and
// the slow test's answer comes twice as late.
const TIMEOUT_MS = 1500;

beforeAll(async () => {
  stack = await startStack({ env: { UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), UPSTREAM_MAX_RETRIES: '1', UPSTREAM_MAX_RETRY_AFTER_SECONDS: '0' } });
});
afterEach(async () => {
  await control().post('/_sandbox/faults/reset');
  await control().put('/_sandbox/rate-limit', { perHour: 1_000_000 });
  await control().post('/_sandbox/rate-limit/reset');
});
afterAll(() => stack.close());

test('every upstream call failing with 5xx gives 502 or 503 with an OData error, after a bounded retry', async () => {
  await control().put('/_sandbox/faults', { errorRate: 1 });
  await stack.clearUpstreamCalls();
  const response = await stack.request.get("/odata/Repositories?$filter=Workspace eq 'acme-dev'").set('Authorization', DEMO_BEARER);
  expect([502, 503]).toContain(response.status);
  expect(response.body.error.code).toMatch(/^Upstream/);
  expect((await stack.upstreamCalls()).length).toBe(2);
});

test('a Bitbucket slower than the timeout gives 504', async () => {
  await control().put('/_sandbox/faults', { latencyMs: 2 * TIMEOUT_MS });
  const response = await stack.request.get("/odata/Repositories?$filter=Workspace eq 'acme-dev'").set('Authorization', DEMO_BEARER);
  expect(response.status).toBe(504);
  expect(response.body.error.code).toBe('UpstreamTimeout');
});

test('an exhausted rate limit gives 429 with an integer Retry-After of at most 120 s', async () => {
  await control().put('/_sandbox/rate-limit', { perHour: 1 });
  await stack.request.get('/odata/Me').set('Authorization', DEMO_BEARER);
  const response = await stack.request.get('/odata/Me').set('Authorization', DEMO_BEARER);
  expect(response.status).toBe(429);
  expect(response.body.error.code).toBe('UpstreamRateLimited');
  expect(response.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(120);
});

test('a credential Bitbucket refuses gives 401 with a challenge for both schemes', async () => {
  const response = await stack.request.get('/odata/Me').set('Authorization', 'Bearer not-a-real-token');
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Basic realm="Bitbucket", Bearer');
  expect(response.body.error.message).not.toContain('not-a-real-token');
});

test('a truncated body is retried and the read still succeeds once the fault clears', async () => {
  await control().put('/_sandbox/faults', { truncateRate: 0.5, seed: 7 });
  const response = await stack.request.get("/odata/Repositories?$filter=Workspace eq 'acme-dev'&$top=3").set('Authorization', DEMO_BEARER);
  expect([200, 502, 503]).toContain(response.status);
  if (response.status !== 200) expect(response.body.error.code).toMatch(/^Upstream/);
});
