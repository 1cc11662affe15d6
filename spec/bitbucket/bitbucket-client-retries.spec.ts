import type { RequestHandler } from 'express';
import { UpstreamError } from '../../src/bitbucket';
import { BEARER, makeHarness, rejectionOf, useLocalUpstream } from './support/client-harness';
import { bitbucketError, inSequence, json, resetConnection, silence } from './support/local-upstream';

const rateLimited = (retryAfter?: string): RequestHandler => (_req, res) => {
  if (retryAfter !== undefined) res.set('Retry-After', retryAfter);
  // Bitbucket's 429 is plain text, not the JSON envelope (support.atlassian.com/bitbucket-cloud/docs/api-request-limits/).
  res.status(429).type('text/plain').send('Rate limit for this resource has been exceeded');
};

const truncatedBody: RequestHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
  res.write('{"values":[');
  setImmediate(() => res.socket?.destroy());
};

describe('BitbucketClient retries (real HTTP, fake sleep)', () => {
  // maxRetries 2, backoff base 200, jitter 0.5
  const local = useLocalUpstream();
  const { upstream } = local;

  it('waits out a short Retry-After on 429, then succeeds', async () => {
    upstream.on('GET /2.0/user', inSequence(rateLimited('3'), json({ display_name: 'Ann' })));
    await expect(local.harness.client.get('/user', {}, BEARER)).resolves.toEqual({ display_name: 'Ann' });
    expect(local.harness.sleeps).toEqual([3000]);
    expect(local.harness.events.map((event) => [event.status, event.attempt])).toEqual([[429, 1], [200, 2]]);
  });

  it('gives up at once on a Retry-After longer than maxRetryAfterSeconds', async () => {
    upstream.on('GET /2.0/user', rateLimited('3600'));
    const error = await rejectionOf(local.harness.client.get('/user', {}, BEARER));
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterSeconds: 3600, retryAfterSource: 'retry-after', attempts: 1, upstreamMessage: 'Rate limit for this resource has been exceeded' });
    expect(local.harness.sleeps).toEqual([]);
  });

  it('backs off on a 429 without Retry-After (what Bitbucket sends), then reports the default wait', async () => {
    upstream.on('GET /2.0/user', rateLimited());
    await expect(local.harness.client.get('/user', {}, BEARER)).rejects.toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 60, retryAfterSource: 'default', attempts: 3 });
    // maxRetries 2, jitter 0.5, rateLimitBackoffBaseMs 1000: 0.5 · 1000, then 0.5 · 2000.
    expect(local.harness.sleeps).toEqual([500, 1000]);
    expect(upstream.requests).toHaveLength(3);
  });

  it('a 429 without Retry-After that clears during the backoff succeeds', async () => {
    upstream.on('GET /2.0/user', inSequence(rateLimited(), json({ display_name: 'Ann' })));
    await expect(local.harness.client.get('/user', {}, BEARER)).resolves.toEqual({ display_name: 'Ann' });
    expect(local.harness.sleeps).toEqual([500]);
  });

  it('the 429 waits of one call sum to at most maxRetryAfterSeconds', async () => {
    local.harness = makeHarness(upstream.origin, { maxRetries: 10, maxRetryAfterSeconds: 2, random: () => 1 });
    upstream.on('GET /2.0/user', rateLimited());
    await expect(local.harness.client.get('/user', {}, BEARER)).rejects.toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 60 });
    expect(local.harness.sleeps).toEqual([1000, 1000]);
  });

  it('with maxRetryAfterSeconds 0, a 429 fails at once', async () => {
    local.harness = makeHarness(upstream.origin, { maxRetryAfterSeconds: 0 });
    upstream.on('GET /2.0/user', rateLimited());
    await expect(local.harness.client.get('/user', {}, BEARER)).rejects.toMatchObject({ kind: 'rate-limited', attempts: 1 });
    expect(local.harness.sleeps).toEqual([]);
  });

  it('reports X-RateLimit-Reset when there is no Retry-After', async () => {
    upstream.on('GET /2.0/user', (_req, res) => {
      res.set('X-RateLimit-Reset', '1800').status(429).type('text/plain').send('Rate limit for this resource has been exceeded');
    });
    await expect(local.harness.client.get('/user', {}, BEARER)).rejects.toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 1800, retryAfterSource: 'x-ratelimit-reset', attempts: 1 });
  });

  it('stops retrying 429s after maxRetries', async () => {
    upstream.on('GET /2.0/user', rateLimited('1'));
    await expect(local.harness.client.get('/user', {}, BEARER)).rejects.toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 1, attempts: 3 });
    expect(local.harness.sleeps).toEqual([1000, 1000]);
  });

  it('retries a 5xx with exponential backoff, then succeeds', async () => {
    upstream.on('GET /2.0/user', inSequence(bitbucketError(503, { message: 'down' }), bitbucketError(500, { message: 'oops' }), json({ ok: true })));
    await expect(local.harness.client.get('/user', {}, BEARER)).resolves.toEqual({ ok: true });
    expect(local.harness.sleeps).toEqual([100, 200]);
    expect(local.harness.events.map((event) => event.status)).toEqual([503, 500, 200]);
  });

  it('throws after retry exhaustion with the last status', async () => {
    upstream.on('GET /2.0/user', bitbucketError(502, { message: 'Bad gateway' }));
    const error = await rejectionOf(local.harness.client.get('/user', {}, BEARER));
    expect(error).toMatchObject({ kind: 'unavailable', status: 502, attempts: 3, upstreamMessage: 'Bad gateway' });
    expect(upstream.requests).toHaveLength(3);
  });

  it('retries a reset connection, then succeeds', async () => {
    upstream.on('GET /2.0/user', inSequence(resetConnection, json({ ok: true })));
    await expect(local.harness.client.get('/user', {}, BEARER)).resolves.toEqual({ ok: true });
    expect(local.harness.events.map((event) => event.status)).toEqual(['network-error', 200]);
  });

  it('gives up on connection resets with a network error', async () => {
    upstream.on('GET /2.0/user', resetConnection);
    await expect(local.harness.client.get('/user', {}, BEARER)).rejects.toMatchObject({ kind: 'network', transportCode: 'ECONNRESET', attempts: 3 });
  });

  it('retries a body cut off mid-way, and reports bad-response when it keeps happening', async () => {
    upstream.on('GET /2.0/user', truncatedBody);
    await expect(local.harness.client.get('/user', {}, BEARER)).rejects.toMatchObject({ kind: 'bad-response', status: 200, transportCode: 'ERR_TRUNCATED_BODY', attempts: 3 });
    expect(local.harness.events.map((event) => event.status)).toEqual([200, 200, 200]);
  });

  it('times out a server that never answers, retrying idempotent requests', async () => {
    local.harness = makeHarness(upstream.origin, { timeoutMs: 50, maxRetries: 1 });
    upstream.on('GET /2.0/user', silence);
    const error = await rejectionOf(local.harness.client.get('/user', {}, BEARER));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: 'timeout', timeoutMs: 50, attempts: 2, transportCode: 'ETIMEDOUT' });
    expect(local.harness.events.map((event) => event.status)).toEqual(['timeout', 'timeout']);
    expect(upstream.requests).toHaveLength(2);
  });

  it('retries a failing page in the middle of pages()', async () => {
    upstream.on('GET /2.0/repositories/acme', (req, res, next) => {
      if (req.query.page === undefined) res.json({ values: [1], next: `${upstream.origin}/2.0/repositories/acme?page=2` });
      else page2(req, res, next);
    });
    const page2 = inSequence(resetConnection, json({ values: [2] }));
    const values: number[] = [];
    for await (const page of local.harness.client.pages<number>('/repositories/acme', {}, BEARER)) values.push(...page.values);
    expect(values).toEqual([1, 2]);
    expect(upstream.requests.map((request) => request.rawUrl)).toEqual(['/2.0/repositories/acme', '/2.0/repositories/acme?page=2', '/2.0/repositories/acme?page=2']);
  });

  it('stops waiting when the caller aborts during a backoff', async () => {
    const controller = new AbortController();
    local.harness = makeHarness(upstream.origin, { sleep: () => new Promise<void>(() => controller.abort(new Error('client went away'))) });
    upstream.on('GET /2.0/user', bitbucketError(503, { message: 'down' }));
    await expect(local.harness.client.get('/user', {}, BEARER, controller.signal)).rejects.toThrow('client went away');
    expect(upstream.requests).toHaveLength(1);
  });

  it('aborts an in-flight request when the caller aborts', async () => {
    const controller = new AbortController();
    upstream.on('GET /2.0/user', () => controller.abort(new Error('client went away')));
    await expect(local.harness.client.get('/user', {}, BEARER, controller.signal)).rejects.toThrow('client went away');
    expect(upstream.requests).toHaveLength(1);
  });
});
