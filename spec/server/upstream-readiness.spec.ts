/**
 * The start-up check of BITBUCKET_API_URL, through the app as it is served: over the sandbox it is ready; over a base
 * URL that is not Bitbucket's (the sandbox without /2.0) every OData request is a 502 that names the URL and what came
 * back, never `200 {"value":[]}`; over a closed port it is not ready, and becomes ready once the upstream answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import { DEMO_USER } from '../../sandbox/identities';
import { createApp, upstreamReadinessOf } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { LocalUpstream } from '../bitbucket/support/local-upstream';

const BEARER = `Bearer ${DEMO_USER.bearerToken}`;
// Short re-check intervals, so the closed-port case turns ready within the spec's patience.
const FAST_CHECKS = { retryBaseMs: 50, retryMaxMs: 200, recheckAfterMs: 50 };

function gatewayOver(apiUrl: string) {
  const logLines: string[] = [];
  const config = loadConfig({ BITBUCKET_API_URL: apiUrl, LOG_LEVEL: 'info', SKIPTOKEN_SECRET: 'spec-secret-spec-secret-spec-secret!' });
  const app = createApp({ config, logger: createLogger('info', (line) => logLines.push(line)), upstreamCheck: FAST_CHECKS });
  return { app, request: supertest(app), readiness: upstreamReadinessOf(app), logLines };
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('over the sandbox', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimitPerHour: 1_000_000 }, 0);
  });
  afterAll(() => sandbox.close());

  test('/health is ready, and the check is one anonymous GET /2.0/user that no request pays for', async () => {
    const gateway = gatewayOver(sandbox.apiUrl);
    sandbox.log.clear();
    const health = await gateway.request.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', ready: true, upstream: sandbox.apiUrl });
    const response = await gateway.request.get("/odata/Repositories?$filter=Workspace eq 'acme-dev'&$top=1").set('Authorization', BEARER);
    expect(response.status).toBe(200);
    expect(response.body.value).toHaveLength(1);
    // The request's own cost: the start-up check is not in it.
    expect(response.headers['x-upstream-requests']).toBe('1');
    const calls = sandbox.log.list();
    expect(calls.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual(['GET /2.0/user 401', `GET /2.0/repositories/acme-dev 200`]);
    // Once ready, nothing is checked again.
    await gateway.request.get('/health');
    expect(sandbox.log.list()).toHaveLength(2);
    gateway.readiness.stop();
  });

  test('a base URL without /2.0 is not Bitbucket: 503 on /health, 502 naming the URL on every OData request', async () => {
    const wrongUrl = sandbox.url; // what answers there is the sandbox's 404 for /user, not Bitbucket's 401
    sandbox.log.clear();
    const gateway = gatewayOver(wrongUrl);
    try {
      const health = await gateway.request.get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unavailable', ready: false, upstream: wrongUrl });
      expect(health.body.reason).toContain(`The upstream at ${wrongUrl} does not answer like Bitbucket`);
      expect(health.body.reason).toContain('404');
      for (const path of ['/odata/Repositories', "/odata/PullRequests?$filter=Workspace eq 'acme-dev'", '/odata/', '/odata/$metadata']) {
        const response = await gateway.request.get(path).set('Authorization', BEARER);
        expect({ path, status: response.status }).toEqual({ path, status: 502 });
        expect(response.body.error.code).toBe('UpstreamNotBitbucket');
        expect(response.body.error.message).toContain(`The upstream at ${wrongUrl} does not answer like Bitbucket`);
        expect(response.body.error.message).toContain('HTTP 404');
        expect(response.body).not.toHaveProperty('value');
      }
      // The operator reads the same in the log, once, with the URL and the problem.
      const errors = gateway.logLines.map((line) => JSON.parse(line) as { level: string; message: string; upstream: string; problem: string }).filter((line) => line.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ upstream: wrongUrl });
      expect(errors[0].message).toContain(wrongUrl);
      expect(errors[0].problem).toContain('HTTP 404');
      // No request was sent to Bitbucket's paths on the way.
      expect(sandbox.log.list().filter((call) => call.path !== '/2.0/user')).toEqual([]);
    } finally {
      gateway.readiness.stop();
    }
  });
});

test('a closed port is not ready (503, the gateway keeps checking), then ready once the upstream answers there', async () => {
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}/2.0`;
  const gateway = gatewayOver(apiUrl);
  let sandbox: RunningSandbox | undefined;
  try {
    const health = await gateway.request.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ ready: false, upstream: apiUrl });
    expect(health.body.reason).toContain(`The upstream at ${apiUrl} is not available`);
    expect(health.body.reason).toContain('ECONNREFUSED');
    const refused = await gateway.request.get('/odata/Repositories').set('Authorization', BEARER);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('UpstreamNotReady');
    expect(refused.body.error.message).toContain(apiUrl);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    sandbox = await startSandbox({ rateLimitPerHour: 1_000_000 }, port);
    let ready = await gateway.request.get('/health');
    for (let attempt = 0; ready.status !== 200 && attempt < 50; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await gateway.request.get('/health');
    }
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', ready: true, upstream: apiUrl });
    const response = await gateway.request.get("/odata/Repositories?$filter=Workspace eq 'acme-dev'&$top=1").set('Authorization', BEARER);
    expect(response.status).toBe(200);
    expect(response.body.value).toHaveLength(1);
  } finally {
    gateway.readiness.stop();
    await sandbox?.close();
  }
});

test('Bitbucket answering 500 is "failing", not "not Bitbucket": 503 on /health and on requests, with the status and its message', async () => {
  const upstream = await new LocalUpstream().start();
  let failing = true;
  upstream.on('GET /2.0/user', (_req, res) => {
    if (failing) return void res.status(500).json({ type: 'error', error: { message: 'Something went wrong' } });
    return void res.status(401).json({ type: 'error', error: { message: 'Login required' } });
  });
  const apiUrl = `${upstream.origin}/2.0`;
  const gateway = gatewayOver(apiUrl);
  try {
    const health = await gateway.request.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', ready: false, upstream: apiUrl });
    expect(health.body.reason).toContain(`The upstream at ${apiUrl} is failing: GET ${apiUrl}/user answered HTTP 500: Something went wrong`);
    expect(health.body.reason).not.toContain('does not answer like Bitbucket');
    const refused = await gateway.request.get('/odata/Repositories').set('Authorization', BEARER);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('UpstreamNotReady');
    expect(refused.body.error.message).toContain('HTTP 500: Something went wrong');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Logged as Bitbucket failing (a warning), never as a wrong BITBUCKET_API_URL (an error).
    const lines = gateway.logLines.map((line) => JSON.parse(line) as { level: string; message: string });
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
    expect(lines.some((line) => line.level === 'warn' && line.message.includes('is failing'))).toBe(true);
    // Once Bitbucket recovers, the next check finds it.
    failing = false;
    let ready = await gateway.request.get('/health');
    for (let attempt = 0; ready.status !== 200 && attempt < 50; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await gateway.request.get('/health');
    }
    expect(ready.status).toBe(200);
  } finally {
    gateway.readiness.stop();
    await upstream.stop();
  }
});
