/**
 * BitbucketClient.probe: one anonymous GET {base}/user tells Bitbucket from a misconfigured base URL (a missing
 * `/2.0` turns every call into a 404 HTML page) and from an upstream that cannot be reached. Real HTTP: the sandbox
 * on a socket, and tiny servers for everything that is not Bitbucket.
 */
import zlib from 'node:zlib';
import { startSandbox } from '../../sandbox/app';
import { BitbucketClient, type BitbucketProbeResult } from '../../src/bitbucket';
import { makeHarness, useLocalUpstream } from './support/client-harness';
import { LocalUpstream, resetConnection, silence } from './support/local-upstream';

describe('BitbucketClient.probe against the sandbox', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimitPerHour: 1_000_000 }, 0);
  });
  afterAll(() => sandbox.close());

  it('finds Bitbucket at {sandbox}/2.0 (401 with the error envelope), and sends no credential', async () => {
    const client = new BitbucketClient({ baseUrl: sandbox.apiUrl });
    try {
      expect(await client.probe()).toEqual({ kind: 'bitbucket', url: `${sandbox.apiUrl}/user`, status: 401 });
    } finally {
      client.close();
    }
  });

  it('finds no Bitbucket at the sandbox root without /2.0, and says what came back', async () => {
    const base = sandbox.apiUrl.replace(/\/2\.0$/, '');
    const client = new BitbucketClient({ baseUrl: base });
    try {
      const result = await client.probe();
      expect(result).toMatchObject({ kind: 'not-bitbucket', url: `${base}/user` });
      expect((result as { problem: string }).problem).toContain(`GET ${base}/user answered HTTP`);
    } finally {
      client.close();
    }
  });
});

describe('BitbucketClient.probe against servers that are not Bitbucket (real HTTP)', () => {
  const local = useLocalUpstream({ timeoutMs: 300, maxRetries: 0 });
  const { upstream } = local;

  const probe = (): Promise<BitbucketProbeResult> => local.harness.client.probe();
  const url = (): string => `${upstream.origin}/2.0/user`;

  it('a 404 HTML page is not Bitbucket: the problem names the URL, the status, the type and the page text', async () => {
    upstream.on('GET /2.0/user', (_req, res) => void res.status(404).type('html').send('<html><head><title>404</title></head><body><h1>Not Found</h1></body></html>'));
    const result = await probe();
    expect(result).toEqual({
      kind: 'not-bitbucket',
      url: url(),
      status: 404,
      problem: `GET ${url()} answered HTTP 404 with text/html: "404 Not Found", where Bitbucket answers 401 with its JSON error envelope {"type":"error","error":{…}}; the base URL must be Bitbucket Cloud's REST 2.0 root, e.g. https://api.bitbucket.org/2.0`,
    });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.headers.authorization).toBeUndefined();
  });

  it.each<[string, Parameters<LocalUpstream['on']>[1], Partial<BitbucketProbeResult> & { problem?: unknown }]>([
    ['401 with the envelope', (_req, res) => void res.status(401).json({ type: 'error', error: { message: 'Login required' } }), { kind: 'bitbucket', status: 401 }],
    ['401 with the envelope, gzip', (_req, res) => void res.status(401).set({ 'content-type': 'application/json', 'content-encoding': 'gzip' }).send(zlib.gzipSync('{"type":"error","error":{"message":"x"}}')), { kind: 'bitbucket', status: 401 }],
    ['200 with a user', (_req, res) => void res.json({ type: 'user', uuid: '{u}' }), { kind: 'bitbucket', status: 200 }],
    ['429 (anonymous budget spent)', (_req, res) => void res.status(429).type('text/plain').send('Rate limit for this resource has been exceeded'), { kind: 'bitbucket', status: 429 }],
    ['401 from a proxy, HTML', (_req, res) => void res.status(401).type('html').send('<p>Sign in</p>'), { kind: 'not-bitbucket', status: 401, problem: expect.stringContaining('HTTP 401 with text/html: "Sign in"') }],
    ['401 with JSON of another shape', (_req, res) => void res.status(401).json({ message: 'Unauthorized' }), { kind: 'not-bitbucket', problem: expect.stringContaining('HTTP 401 with JSON of another shape (application/json)') }],
    ['200 with an HTML page', (_req, res) => void res.type('html').send('<h1>Welcome</h1>'), { kind: 'not-bitbucket', status: 200 }],
    ['200 with JSON that is not a user', (_req, res) => void res.json({ type: 'paginated', values: [] }), { kind: 'not-bitbucket', problem: expect.stringContaining('JSON of type "paginated"') }],
    ['a redirect', (_req, res) => void res.redirect(301, 'https://bitbucket.org/account/signin/?next=/user'), { kind: 'not-bitbucket', status: 301, problem: expect.stringContaining('HTTP 301 redirecting to https://bitbucket.org/account/signin/?next=/user') }],
    ['an empty 404', (_req, res) => void res.status(404).end(), { kind: 'not-bitbucket', problem: expect.stringContaining('HTTP 404 with an empty body') }],
    ['503 from a proxy', (_req, res) => void res.status(503).type('html').send('<h1>Service Unavailable</h1>'), { kind: 'unreachable', status: 503, problem: expect.stringContaining('HTTP 503 with text/html: "Service Unavailable"') }],
    // A server error is Bitbucket failing, not a wrong base URL: its status and Bitbucket's own message are kept.
    ['500 with the envelope', (_req, res) => void res.status(500).json({ type: 'error', error: { message: 'Something went wrong' } }), { kind: 'failing', status: 500, problem: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/2\.0\/user answered HTTP 500: Something went wrong$/) }],
    ['500 HTML', (_req, res) => void res.status(500).type('html').send('<h1>Internal Server Error</h1>'), { kind: 'failing', status: 500, problem: expect.stringContaining('HTTP 500: HTTP 500 with text/html: "Internal Server Error"') }],
    ['503 with the envelope', (_req, res) => void res.status(503).json({ type: 'error', error: { message: 'Maintenance' } }), { kind: 'failing', status: 503, problem: expect.stringContaining('HTTP 503: Maintenance') }],
    ['a reset connection', resetConnection, { kind: 'unreachable', problem: expect.stringMatching(/failed: (connection reset \(ECONNRESET\)|socket hang up)/) }],
    ['silence', silence, { kind: 'unreachable', problem: expect.stringContaining('did not answer within 300 ms (ETIMEDOUT)') }],
  ])('%s', async (_name, handler, expected) => {
    upstream.on('GET /2.0/user', handler);
    expect(await probe()).toMatchObject({ url: url(), ...expected });
    expect(upstream.requests).toHaveLength(1);
  });

  it('a refused connection is unreachable, named by its code', async () => {
    const closed = await new LocalUpstream().start();
    const origin = closed.origin;
    await closed.stop();
    const client = new BitbucketClient({ baseUrl: `${origin}/2.0`, maxRetries: 0 });
    try {
      expect(await client.probe()).toEqual({ kind: 'unreachable', url: `${origin}/2.0/user`, problem: `GET ${origin}/2.0/user failed: connection refused (ECONNREFUSED)` });
    } finally {
      client.close();
    }
  });

  it('tries an unreachable answer again like a read, and finds Bitbucket once it answers', async () => {
    local.harness = makeHarness(upstream.origin, { timeoutMs: 300, maxRetries: 2 });
    let calls = 0;
    upstream.on('GET /2.0/user', (req, res, next) => {
      calls += 1;
      if (calls === 1) return silence(req, res, next);
      if (calls === 2) return void res.status(503).type('html').send('<h1>Starting</h1>');
      return void res.status(401).json({ type: 'error', error: { message: 'x' } });
    });
    expect(await probe()).toEqual({ kind: 'bitbucket', url: url(), status: 401 });
    expect(local.harness.events.map((event) => event.status)).toEqual(['timeout', 503, 401]);
    expect(local.harness.sleeps).toEqual([100, 200]);
  });

  it('tries a failing answer (a 500) again like a read, and finds Bitbucket once it answers', async () => {
    local.harness = makeHarness(upstream.origin, { timeoutMs: 300, maxRetries: 2 });
    let calls = 0;
    upstream.on('GET /2.0/user', (_req, res) => {
      calls += 1;
      if (calls === 1) return void res.status(500).json({ type: 'error', error: { message: 'Something went wrong' } });
      return void res.status(401).json({ type: 'error', error: { message: 'x' } });
    });
    expect(await probe()).toEqual({ kind: 'bitbucket', url: url(), status: 401 });
    expect(local.harness.events.map((event) => event.status)).toEqual([500, 401]);
  });

  it('does not try a not-bitbucket answer again', async () => {
    local.harness = makeHarness(upstream.origin, { maxRetries: 2 });
    upstream.on('GET /2.0/user', (_req, res) => void res.status(404).type('html').send('<h1>Not Found</h1>'));
    expect(await probe()).toMatchObject({ kind: 'not-bitbucket' });
    expect(upstream.requests).toHaveLength(1);
  });

  it('reports the call to onRequest like any other', async () => {
    upstream.on('GET /2.0/user', (_req, res) => void res.status(401).json({ type: 'error', error: { message: 'x' } }));
    await probe();
    expect(local.harness.events.map((event) => [event.method, event.url, event.status])).toEqual([['GET', url(), 401]]);
  });
});
