/**
 * Work stops when its answer no longer matters: a client that leaves, a request past its deadline, a request that
 * has spent its share of Bitbucket calls. Each stops spending upstream calls at once (the sandbox's request log is the
 * witness); writes are never cut off once sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MAX_UPSTREAM_CALLS_PER_REQUEST', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { MAX_UPSTREAM_CALLS_PER_REQUEST: '6', FAN_OUT_CONCURRENCY: '2' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearUpstreamCalls());

  test('a query that needs more calls is refused with 400 naming the setting and what to narrow, after at most the cap', async () => {
    const response = await stack.request.get('/odata/PullRequests?$count=true').set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('UpstreamCallCap');
    expect(response.body.error.message).toContain('MAX_UPSTREAM_CALLS_PER_REQUEST');
    expect(response.body.error.message).toContain('RepositorySlug');
    // Calls already in flight when the cap is reached may finish (at most the fan-out concurrency).
    expect((await stack.upstreamCalls()).length).toBeLessThanOrEqual(6 + 2);
  });

  test('a query within the cap is answered as usual', async () => {
    const response = await stack.request.get("/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=3").set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    expect(response.body.value).toHaveLength(3);
  });
});

describe('REQUEST_DEADLINE_SECONDS', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { REQUEST_DEADLINE_SECONDS: '1', FAN_OUT_CONCURRENCY: '1' }, sandbox: { faults: { latencyMs: 150, errorRate: 0, resetRate: 0, truncateRate: 0 } } });
  });
  afterAll(() => stack.close());

  test('a read past its deadline answers 504 with a hint, and its upstream work stops', async () => {
    await stack.clearUpstreamCalls();
    const response = await stack.request.get('/odata/Commits?$orderby=Hash').set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(504);
    expect(response.body.error.code).toBe('RequestDeadline');
    expect(response.body.error.message).toMatch(/within 1 s \(REQUEST_DEADLINE_SECONDS\)/);
    const atAnswer = (await stack.upstreamCalls()).length;
    await sleep(600);
    // At most the one call that was in flight is still recorded after the answer.
    expect((await stack.upstreamCalls()).length).toBeLessThanOrEqual(atAnswer + 1);
  });
});

describe('a client that leaves', () => {
  let stack: Stack;
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    stack = await startStack({ env: { FAN_OUT_CONCURRENCY: '1' }, sandbox: { faults: { latencyMs: 100, errorRate: 0, resetRate: 0, truncateRate: 0 } } });
    server = http.createServer(stack.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stack.close();
  });

  test('stops spending Bitbucket calls within a second of leaving', async () => {
    await stack.clearUpstreamCalls();
    const request = http.get(`${url}/odata/Commits?$orderby=Hash`, { headers: { Authorization: DEMO_BEARER } });
    request.on('error', () => undefined);
    await sleep(500);
    request.destroy();
    await sleep(1000);
    const oneSecondLater = (await stack.upstreamCalls()).length;
    await sleep(1500);
    const later = (await stack.upstreamCalls()).length;
    expect(oneSecondLater).toBeGreaterThan(0);
    expect(later).toBe(oneSecondLater);
    expect(stack.logLines.some((line) => line.includes('client left before the answer'))).toBe(true);
  });
});
