import { BitbucketClient, type UpstreamCredential } from '../../src/bitbucket';
import { BEARER, makeHarness, rejectionOf, TOKEN, useLocalUpstream } from './support/client-harness';
import { bitbucketError, json, resetConnection, silence } from './support/local-upstream';

const PASSWORD = 'api-token-PASSWORD-91b2';
const BASIC: UpstreamCredential = { kind: 'basic', username: 'ann@example.com', password: PASSWORD };
const SECRETS = [TOKEN, PASSWORD, Buffer.from(`ann@example.com:${PASSWORD}`).toString('base64')];

/** Everything an error exposes, own properties and the inherited message and stack. */
function everythingIn(error: unknown): string {
  const asError = error as Error;
  return JSON.stringify({ ...(error as object), message: asError.message, stack: asError.stack });
}

describe('BitbucketClient keeps credentials out of events and errors (real HTTP)', () => {
  const local = useLocalUpstream({ timeoutMs: 50, maxRetries: 1 });
  const { upstream } = local;
  // Another host, for links and redirects that leave Bitbucket's origin.
  const { upstream: elsewhere } = useLocalUpstream(false);

  it('no event or error of any kind contains the token, the password or the Basic value', async () => {
    upstream.on('GET /2.0/not-found', bitbucketError(404, { message: 'Repository not found' }));
    upstream.on('GET /2.0/unauthorized', (_req, res) => void res.status(401).set('WWW-Authenticate', 'Bearer realm="bitbucket.org"').json({ type: 'error', error: { message: 'Unauthorized' } }));
    upstream.on('GET /2.0/reset', resetConnection);
    upstream.on('GET /2.0/silent', silence);
    upstream.on('GET /2.0/limited', (_req, res) => void res.status(429).type('text/plain').send('Rate limit for this resource has been exceeded'));
    upstream.on('GET /2.0/broken', (_req, res) => void res.type('json').send('{"values":'));
    upstream.on('GET /2.0/offsite', json({ values: [], next: `${elsewhere.origin}/2.0/offsite?page=2` }));
    upstream.on('GET /2.0/echo', (req, res) => {
      // A next link that echoes a token in its query (OAuth allows ?access_token=, RFC 6750 §2.3).
      if (req.query.page === undefined) res.json({ values: [1], next: `${upstream.origin}/2.0/echo?page=2&access_token=${TOKEN}` });
      else res.json({ values: [2] });
    });
    upstream.on('POST /2.0/write', resetConnection);

    const errors: unknown[] = [];
    for (const credential of [BEARER, BASIC]) {
      for (const path of ['/not-found', '/unauthorized', '/reset', '/silent', '/limited', '/broken']) {
        errors.push(await rejectionOf(local.harness.client.get(path, {}, credential)));
      }
      errors.push(await rejectionOf((async () => { for await (const _page of local.harness.client.pages('/offsite', {}, credential)); })()));
      for await (const _page of local.harness.client.pages('/echo', {}, credential));
      errors.push(await rejectionOf(local.harness.client.send('POST', '/write', { secret: false }, credential)));
    }

    // The credentials really were sent, so their absence below means something.
    expect(upstream.requests.some((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(upstream.requests.some((request) => request.headers.authorization === `Basic ${SECRETS[2]}`)).toBe(true);
    expect(errors).toHaveLength(16);
    expect(new Set(errors.map((error) => (error as { kind: string }).kind))).toEqual(
      new Set(['not-found', 'unauthorized', 'network', 'timeout', 'rate-limited', 'bad-response']),
    );

    const exposed = [JSON.stringify(local.harness.events), ...errors.map(everythingIn)].join('\n');
    for (const secret of SECRETS) expect(exposed).not.toContain(secret);
    expect(local.harness.events.map((event) => event.url)).toContain(`${upstream.origin}/2.0/echo?page=2&access_token=REDACTED`);
  });

  it('emits one event per attempt with method, redacted URL, status, attempt and duration', async () => {
    local.harness = makeHarness(upstream.origin, { maxRetries: 1 });
    upstream.on('GET /2.0/user', resetConnection);
    await rejectionOf(local.harness.client.get('/user', { q: 'a = "b"' }, BEARER));
    expect(local.harness.events).toEqual([
      { method: 'GET', url: `${upstream.origin}/2.0/user?q=a%20%3D%20%22b%22`, status: 'network-error', attempt: 1, durationMs: expect.any(Number) },
      { method: 'GET', url: `${upstream.origin}/2.0/user?q=a%20%3D%20%22b%22`, status: 'network-error', attempt: 2, durationMs: expect.any(Number) },
    ]);
  });

  it.each([
    ['userinfo', 'https://ann:secret@api.bitbucket.org/2.0', /must not carry credentials/],
    ['a query', 'https://api.bitbucket.org/2.0?access_token=secret', /must not carry credentials, a query/],
    ['another scheme', 'ftp://api.bitbucket.org/2.0', /must be http: or https:/],
    ['no scheme', 'api.bitbucket.org/2.0', /is not an absolute URL/],
  ])('refuses a baseUrl with %s', (_name, baseUrl, message) => {
    expect(() => new BitbucketClient({ baseUrl })).toThrow(message);
  });

  it('refuses nonsensical options', () => {
    expect(() => new BitbucketClient({ baseUrl: 'https://api.bitbucket.org/2.0', timeoutMs: 0 })).toThrow('timeoutMs is 0; give a number ≥ 1');
    expect(() => new BitbucketClient({ baseUrl: 'https://api.bitbucket.org/2.0', maxRetries: -1 })).toThrow('maxRetries is -1');
  });
});
