/**
 * A failing shared store is a failing dependency, never a bug (issue #14 item 4, the house rule "never a 500"): with
 * REDIS_URL, when Redis refuses a write (OOM under `maxmemory` with the recommended `volatile-lru` and nothing it may
 * evict: redis.conf, "when there are no suitable keys for eviction, Redis will return an error on write operations"),
 * does not answer in time, or cannot be reached, a request that needs it (the budget's counters, a revocation check, a
 * gateway key's record) answers `503 StoreUnavailable` naming Redis by host and port (never REDIS_URL's password) and
 * its failure, with Retry-After; a revocation that cannot be read refuses the request (fails closed); what only saves
 * calls (paging snapshots) degrades; and /health says not ready while Redis is unreachable. On a redis-server of this
 * file's own (spec/helpers/private-redis.ts), whose settings the cases change and which the last case stops.
 */
import supertest from 'supertest';
import { createApp, storeOf, upstreamReadinessOf } from '../../src/app';
import { createLogger } from '../../src/logger';
import { RedisStore, redisLocation } from '../../src/storage';
import { DEMO_BEARER } from '../helpers/stack';
import { describeWithPrivateRedis, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';
import { startSignInStack, type SignInStack } from '../credentials/sign-in-stack';

const PASSWORD = 'store-failures-redis-password';

interface ODataErrorBody {
  error: { code: string; message: string };
}

test.each([
  ['redis://:s3cret@cache.internal:6380/2', 'Redis at cache.internal:6380'],
  ['rediss://gateway:s3cret@redis.example.com', 'Redis at redis.example.com:6379 (TLS)'],
  ['redis://[::1]:7000', 'Redis at [::1]:7000'],
  ['not a url s3cret', 'Redis (REDIS_URL)'],
])('redisLocation(%s) names host and port only: %s', (url, location) => {
  expect(redisLocation(url)).toBe(location);
});

describeWithPrivateRedis('a shared store that fails', () => {
  let redis: PrivateRedis;
  let redisStopped = false;
  let signIn: SignInStack;
  let apiKey: string;
  /** Signed in before Redis refuses writes (signing in writes a record). */
  let browser: ReturnType<SignInStack['browser']>;
  let location: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    // Connections open before requirepass stay signed in (the admin's); the gateway signs in with the URL's password.
    await redis.admin.config('SET', 'requirepass', PASSWORD);
    const url = new URL(redis.url);
    location = `Redis at 127.0.0.1:${url.port}`;
    url.password = PASSWORD;
    signIn = await startSignInStack({ REDIS_URL: url.toString(), UPSTREAM_CACHE_SECONDS: '60', UPSTREAM_BUDGET_PER_HOUR: '1000' });
    browser = signIn.browser();
    expect((await browser.navigate(`${signIn.gatewayUrl}/auth/login`, { headers: { Accept: 'application/json' } })).status).toBe(200);
    const created = await browser.navigate(`${signIn.gatewayUrl}/auth/keys?label=StoreFailures`, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(created.status).toBe(201);
    apiKey = (JSON.parse(created.body) as { key: string }).key;
  });
  afterAll(async () => {
    await signIn?.close();
    if (!redisStopped) await redis?.stop();
  });

  /** The answer's status, error and Retry-After, and the Bitbucket calls it cost. */
  const answer = async (request: supertest.Test) => {
    await signIn.stack.clearUpstreamCalls();
    const response = await request;
    const body = response.body as Partial<ODataErrorBody>;
    return { status: response.status, code: body.error?.code, message: body.error?.message ?? '', retryAfter: response.headers['retry-after'] as string | undefined, calls: (await signIn.stack.upstreamCalls()).length };
  };

  test('Redis refusing writes (OOM, volatile-lru, nothing evictable): 503 naming Redis and its OOM, Retry-After, no Bitbucket call; snapshots degrade; writes accepted again afterwards', async () => {
    const { request } = signIn.stack;
    await redis.admin.config('SET', 'maxmemory', '1', 'maxmemory-policy', 'volatile-lru');
    try {
      await expect(redis.admin.set('spec-probe', '1', 'EX', 60)).rejects.toThrow(/OOM/);
      for (const [who, get] of [
        ['bearer', () => request.get('/odata/Repositories?$top=3').set('Authorization', DEMO_BEARER)],
        ['gateway key', () => request.get('/odata/Repositories?$top=3').query({ api_key: apiKey })],
      ] as const) {
        const refused = await answer(get());
        expect({ who, status: refused.status, code: refused.code, retryAfter: refused.retryAfter, calls: refused.calls }).toEqual({ who, status: 503, code: 'StoreUnavailable', retryAfter: '30', calls: 0 });
        expect(refused.message).toContain(`the shared store (${location}) refused the write: OOM command not allowed`);
        expect(refused.message).not.toContain(PASSWORD);
        expect(refused.message).not.toContain('..');
      }
      // A gateway key's record cannot be written: 503, not 500 (and no key is handed out that no replica knows).
      const created = await browser.navigate(`${signIn.gatewayUrl}/auth/keys?label=Refused`, { method: 'POST', headers: { Accept: 'application/json' } });
      expect({ status: created.status, code: (JSON.parse(created.body) as Partial<ODataErrorBody>).error?.code }).toEqual({ status: 503, code: 'StoreUnavailable' });

      // Without the budget (the one store user that must write), a paged walk whose snapshot cannot be kept continues
      // by cursor: every row, each once, as an unpaged read gives them.
      const noBudget = createApp({
        config: { ...signIn.stack.config, upstreamBudget: { ...signIn.stack.config.upstreamBudget, perHour: 0 } },
        logger: createLogger('error', () => undefined),
        store: storeOf(signIn.stack.app),
      });
      await upstreamReadinessOf(noBudget).settled();
      const url = encodeURI("/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'widget'&$orderby=Title&$select=Workspace,RepositorySlug,Id,Title");
      const whole = await supertest(noBudget).get(url).set('Authorization', DEMO_BEARER);
      expect(whole.status).toBe(200);
      const walked: unknown[] = [];
      let next: string | undefined = url;
      for (let pages = 0; next !== undefined && pages < 50; pages++) {
        const page = await supertest(noBudget).get(next).set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=3');
        expect({ next, status: page.status }).toEqual({ next, status: 200 });
        const body = page.body as { value: unknown[]; '@odata.nextLink'?: string };
        walked.push(...body.value);
        next = body['@odata.nextLink'] === undefined ? undefined : new URL(body['@odata.nextLink']).pathname + new URL(body['@odata.nextLink']).search;
      }
      expect(walked).toEqual((whole.body as { value: unknown[] }).value);
      expect(walked.length).toBeGreaterThan(3);
      upstreamReadinessOf(noBudget).stop();

      // A write is refused before it is sent when the store cannot mark the cached reads it will make stale: 503,
      // nothing sent to Bitbucket, so retrying cannot apply it twice (before, the write was sent, Bitbucket applied
      // it, and the mark after it failed: a 503 "retry" for a write that had happened).
      const noBudgetWrites = createApp({
        config: { ...signIn.stack.config, upstreamBudget: { ...signIn.stack.config.upstreamBudget, perHour: 0 } },
        logger: createLogger('error', () => undefined),
        store: storeOf(signIn.stack.app),
      });
      await upstreamReadinessOf(noBudgetWrites).settled();
      try {
        const write = await answer(supertest(noBudgetWrites).post('/odata/Projects').set('Authorization', DEMO_BEARER).send({ Workspace: 'acme-dev', Key: 'REFUSEDSTORE', Name: 'Sent while Redis refuses' }));
        expect({ status: write.status, code: write.code, calls: write.calls }).toEqual({ status: 503, code: 'StoreUnavailable', calls: 0 });
        expect(write.message).toContain(`the shared store (${location}) refused the write`);
      } finally {
        upstreamReadinessOf(noBudgetWrites).stop();
      }
    } finally {
      await redis.admin.config('SET', 'maxmemory', '0');
    }
    const served = await answer(request.get('/odata/Repositories?$top=3').set('Authorization', DEMO_BEARER));
    expect(served.status).toBe(200);
  });

  test('Redis not answering within the command timeout: 503 saying so, Retry-After', async () => {
    const store = new RedisStore({ url: new URL(`redis://:${PASSWORD}@${location.replace('Redis at ', '')}`).toString(), commandTimeoutMs: 200 });
    // Without the response cache: a reused answer would call nothing, and so count nothing.
    const config = { ...signIn.stack.config, upstreamCache: { ...signIn.stack.config.upstreamCache, freshSeconds: 0 } };
    const app = createApp({ config, logger: createLogger('error', () => undefined), store });
    try {
      await upstreamReadinessOf(app).settled();
      expect((await supertest(app).get('/odata/Repositories?$top=1').set('Authorization', DEMO_BEARER)).status).toBe(200);
      // Writes (the budget's counters) wait while clients are paused; the admin's own commands are not writes.
      await redis.admin.call('CLIENT', 'PAUSE', '2000', 'WRITE');
      const started = Date.now();
      const timedOut = await answer(supertest(app).get('/odata/Repositories?$top=1').set('Authorization', DEMO_BEARER));
      const waited = Date.now() - started;
      await redis.admin.call('CLIENT', 'UNPAUSE');
      expect({ status: timedOut.status, code: timedOut.code, retryAfter: timedOut.retryAfter, calls: timedOut.calls }).toEqual({ status: 503, code: 'StoreUnavailable', retryAfter: '5', calls: 0 });
      expect(timedOut.message).toContain(`the shared store (${location}) did not answer a write in time: no answer within 200 ms`);
      expect(waited).toBeLessThan(1500);
    } finally {
      await redis.admin.call('CLIENT', 'UNPAUSE');
      upstreamReadinessOf(app).stop();
      await store.close();
    }
  });

  test('Redis unreachable (stopped): 503 naming it and the refused connection; a revocation check that cannot read refuses the key; /health is not ready', async () => {
    const { request } = signIn.stack;
    expect((await request.get('/health')).status).toBe(200);
    expect((await answer(request.get('/odata/Repositories?$top=3').query({ api_key: apiKey }))).status).toBe(200);
    const session = browser.cookieHeader(`${signIn.gatewayUrl}/odata/Repositories`);
    expect((await answer(request.get('/odata/Repositories?$top=3').set('Cookie', session))).status).toBe(200);
    await redis.stop();
    redisStopped = true;
    for (const [who, get] of [
      ['bearer', () => request.get('/odata/Repositories?$top=3').set('Authorization', DEMO_BEARER)],
      // The key's revocation check reads Redis first: refused (503), never let through (200).
      ['gateway key', () => request.get('/odata/Repositories?$top=3').query({ api_key: apiKey })],
      // So does a session's sign-out check.
      ['session', () => request.get('/odata/Repositories?$top=3').set('Cookie', session)],
    ] as const) {
      const refused = await answer(get());
      expect({ who, status: refused.status, code: refused.code, retryAfter: refused.retryAfter, calls: refused.calls }).toEqual({ who, status: 503, code: 'StoreUnavailable', retryAfter: '5', calls: 0 });
      expect(refused.message).toContain(`the shared store (${location}) could not be reached: `);
      expect(refused.message).toMatch(/ECONNREFUSED|closed/);
      expect(refused.message).not.toContain(PASSWORD);
    }
    const health = await request.get('/health');
    expect({ status: health.status, ready: (health.body as { ready?: boolean }).ready }).toEqual({ status: 503, ready: false });
    expect((health.body as { reason?: string }).reason).toContain(`the shared store (${location}) could not be reached`);
    expect(JSON.stringify(health.body)).not.toContain(PASSWORD);
  });
});
