/**
 * What the client hears when Bitbucket fails: one table of (failure → status, code, message, Retry-After). Each
 * failure is real: a small HTTP server answers (or does not) the BitbucketClient, and its UpstreamError goes through
 * upstreamToODataError. Every 5xx message names the upstream host, the status or transport failure, and Bitbucket's
 * message or the client's reason; none carries the credential.
 */
import type { RequestHandler } from 'express';
import { UpstreamError, type BitbucketClientOptions } from '../../src/bitbucket';
import { upstreamToODataError } from '../../src/http/upstream-to-odata-error';
import { BEARER, makeHarness, TOKEN } from '../bitbucket/support/client-harness';
import { bitbucketError, json, LocalUpstream, resetConnection, silence } from '../bitbucket/support/local-upstream';

interface Row {
  failure: string;
  handler: (upstream: LocalUpstream) => RequestHandler;
  options?: Partial<BitbucketClientOptions>;
  read?: 'get' | 'pages';
  status: number;
  code: string;
  /** `{host}` stands for 127.0.0.1:<port>. */
  message: string;
  retryAfter?: string;
}

const rateLimited = (headers: Record<string, string> = {}): RequestHandler => (_req, res) => {
  res.status(429).set(headers).type('text/plain').send('Rate limit for this resource has been exceeded');
};

const truncatedBody: RequestHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
  res.write('{"values":[');
  setImmediate(() => res.socket?.destroy());
};

const ROWS: Row[] = [
  {
    failure: 'a reset connection, every attempt',
    handler: () => resetConnection,
    status: 502,
    code: 'UpstreamUnreachable',
    message: 'Bitbucket at {host} could not be reached: connection reset (ECONNRESET) after 3 attempts.',
  },
  {
    failure: 'a server that never answers',
    handler: () => silence,
    options: { timeoutMs: 100, maxRetries: 0 },
    status: 504,
    code: 'UpstreamTimeout',
    message: 'Bitbucket at {host} did not answer within 100 ms: timed out (ETIMEDOUT).',
  },
  {
    failure: 'a body cut off mid-way, every attempt',
    handler: () => truncatedBody,
    status: 502,
    code: 'UpstreamError',
    message: 'Bitbucket answered HTTP 200 ({host}, after 3 attempts): the connection closed before the whole body arrived',
  },
  {
    failure: 'a 500 with Bitbucket\'s message',
    handler: () => bitbucketError(500, { message: 'Something went wrong', id: 'abc' }),
    status: 502,
    code: 'UpstreamError',
    message: 'Bitbucket answered HTTP 500 ({host}, after 3 attempts): Something went wrong',
  },
  {
    failure: 'a 501 (not retried)',
    handler: () => bitbucketError(501, { message: 'Not implemented' }),
    status: 502,
    code: 'UpstreamError',
    message: 'Bitbucket answered HTTP 501 ({host}): Not implemented',
  },
  {
    failure: 'a 503 HTML page from a proxy',
    handler: () => (_req, res) => void res.status(503).type('html').send('<h1>Service Unavailable</h1>'),
    status: 503,
    code: 'UpstreamUnavailable',
    message: 'Bitbucket is unavailable: {host} answered HTTP 503 after 3 attempts: no Bitbucket error message in the body (text/html). Retry after 30 seconds.',
    retryAfter: '30',
  },
  {
    failure: 'a 502 with a long Retry-After',
    handler: () => (_req, res) => void res.status(502).set('Retry-After', '600').json({ type: 'error', error: { message: 'Bad gateway' } }),
    status: 503,
    code: 'UpstreamUnavailable',
    message: 'Bitbucket is unavailable: {host} answered HTTP 502: Bad gateway. Retry after 600 seconds.',
    retryAfter: '600',
  },
  {
    failure: 'a page whose next link leaves the upstream origin',
    handler: () => json({ values: [1], next: 'https://evil.example/2.0/repositories/acme?page=2' }),
    read: 'pages',
    status: 502,
    code: 'UpstreamError',
    message: 'Bitbucket answered HTTP 200 ({host}): the page\'s "next" link leaves http://{host} (for https://evil.example); credentials are only sent to the configured upstream',
  },
  {
    failure: 'a page that ignores page=N (no next link, rows remain by size)',
    handler: () => json({ page: 1, pagelen: 1, size: 3, values: [1] }),
    read: 'pages',
    status: 502,
    code: 'UpstreamError',
    message:
      'Bitbucket answered HTTP 200 ({host}): page 2 was requested because the previous page had no "next" link but more rows (by "page", "pagelen" and "size"), and Bitbucket answered page 1',
  },
  {
    failure: 'a body that is not JSON',
    handler: () => (_req, res) => void res.type('json').send('{"values":[{"id":1}'),
    status: 502,
    code: 'UpstreamError',
    message: 'Bitbucket answered HTTP 200 ({host}): the body is not valid JSON (truncated or malformed)',
  },
  {
    failure: 'a 400 with an HTML body',
    handler: () => (_req, res) => void res.status(400).type('html').send('<p>Bad</p>'),
    status: 502,
    code: 'UpstreamError',
    message: 'Bitbucket answered HTTP 400 ({host}): no Bitbucket error message in the body (text/html)',
  },
  {
    failure: 'a 429 without Retry-After (what Bitbucket sends), after the bounded backoff',
    handler: () => rateLimited(),
    status: 429,
    code: 'UpstreamRateLimited',
    message:
      "Bitbucket's rate limit for this credential is used up (Bitbucket allows about 1,000 API calls per rolling hour per user or OAuth consumer). Bitbucket did not say when calls free up (its 429 carried no Retry-After); each call counts for an hour, so capacity returns as earlier calls age out. Retry after 60 seconds.",
    retryAfter: '60',
  },
  {
    failure: 'a 429 with Retry-After 3600',
    handler: () => rateLimited({ 'Retry-After': '3600' }),
    status: 429,
    code: 'UpstreamRateLimited',
    message:
      "Bitbucket's rate limit for this credential is used up (Bitbucket allows about 1,000 API calls per rolling hour per user or OAuth consumer). Bitbucket says calls free up in 3600 s (Retry-After). Retrying sooner than that may be refused again. Retry after 120 seconds.",
    retryAfter: '120',
  },
  {
    failure: 'a 429 with X-RateLimit-Reset 45 s away',
    handler: () => rateLimited({ 'X-RateLimit-Reset': '45' }),
    status: 429,
    code: 'UpstreamRateLimited',
    message:
      "Bitbucket's rate limit for this credential is used up (Bitbucket allows about 1,000 API calls per rolling hour per user or OAuth consumer). Bitbucket says calls free up in 45 s (X-RateLimit-Reset). Retry after 45 seconds.",
    retryAfter: '45',
  },
  {
    failure: 'a 403 naming required and granted scopes (object detail)',
    handler: () => bitbucketError(403, { message: 'Your credentials lack one or more required privilege scopes.', detail: { required: ['pullrequest', 'repository'], granted: ['repository', 'account'] } }),
    status: 403,
    code: 'Forbidden',
    message:
      'Bitbucket denied access: the credential lacks the Bitbucket scope pullrequest (required: pullrequest, repository; granted: repository, account). Use a credential that has it: tick the permission in the OAuth consumer and sign in again, or create an API token or access token with that scope.',
  },
  {
    failure: 'a 403 with a string detail',
    handler: () => bitbucketError(403, { message: 'Forbidden', detail: 'You do not have admin access to this repository.' }),
    status: 403,
    code: 'Forbidden',
    message: 'Bitbucket denied access: Forbidden: You do not have admin access to this repository. The credential lacks a scope or permission for this resource.',
  },
  {
    failure: 'a 401',
    handler: () => bitbucketError(401, { message: 'Access token expired.' }),
    status: 401,
    code: 'Unauthorized',
    message: 'Bitbucket refused the credential: Access token expired. Check the email and API token, or refresh the access token.',
  },
  {
    failure: 'a 404 without a message',
    handler: () => (_req, res) => void res.status(404).end(),
    status: 404,
    code: 'NotFound',
    message: 'Bitbucket found no such resource.',
  },
];

describe('upstreamToODataError: failure → status, code, message (real HTTP)', () => {
  const upstream = new LocalUpstream();
  beforeAll(() => upstream.start());
  afterAll(() => upstream.stop());
  beforeEach(() => upstream.reset());

  async function failureOf(row: Row): Promise<UpstreamError> {
    upstream.on('GET /2.0/repositories/acme', row.handler(upstream));
    const { client } = makeHarness(upstream.origin, row.options);
    try {
      if (row.read === 'pages') {
        for await (const page of client.pages('/repositories/acme', {}, BEARER)) void page;
      } else {
        await client.get('/repositories/acme', {}, BEARER);
      }
    } catch (error) {
      if (error instanceof UpstreamError) return error;
      throw error;
    } finally {
      client.close();
    }
    throw new Error('expected an UpstreamError');
  }

  it.each(ROWS.map((row) => [row.failure, row] as const))('%s', async (_name, row) => {
    const odata = upstreamToODataError(await failureOf(row), 30_000);
    const host = new URL(upstream.origin).host;
    expect({ status: odata.status, code: odata.code, message: odata.message }).toEqual({ status: row.status, code: row.code, message: row.message.replaceAll('{host}', host) });
    expect(odata.headers['Retry-After']).toBe(row.retryAfter);
    expect(JSON.stringify(odata.toJSON())).not.toContain(TOKEN);
  });

  it('an unreachable upstream (connection refused) names the host and the failure', async () => {
    const closed = await new LocalUpstream().start();
    const origin = closed.origin;
    await closed.stop();
    const { client } = makeHarness(origin, { maxRetries: 1 });
    try {
      const error = await client.get('/user', {}, BEARER).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(UpstreamError);
      const odata = upstreamToODataError(error as UpstreamError, 30_000);
      expect({ status: odata.status, code: odata.code, message: odata.message }).toEqual({
        status: 502,
        code: 'UpstreamUnreachable',
        message: `Bitbucket at ${new URL(origin).host} could not be reached: connection refused (ECONNREFUSED) after 2 attempts.`,
      });
    } finally {
      client.close();
    }
  });

  it('a credential the client cannot send is 401 saying why, without the credential', async () => {
    const { client } = makeHarness(upstream.origin);
    try {
      const error = await client.get('/user', {}, { kind: 'bearer', token: 'two words' }).catch((rejection: unknown) => rejection);
      const odata = upstreamToODataError(error as UpstreamError, 30_000);
      expect(odata.status).toBe(401);
      expect(odata.message).toMatch(/^Bitbucket refused the credential: The bearer token is empty or contains spaces/);
      expect(odata.message).not.toContain('two words');
    } finally {
      client.close();
    }
  });
});
