/**
 * Redirects (issue #16): Bitbucket answers `GET …/pullrequests/{id}/diffstat` with a 302 to the repository diffstat
 * (official description). The client follows a GET's redirect on the configured origin only, carries over the query
 * parameters the Location does not set, keeps the credential on that origin, caps the hops, and answers a redirect
 * to another host as a failure naming that host. `redirectTarget` is the rule as a table.
 */
import { UpstreamError, type BitbucketPage } from '../../src/bitbucket';
import { MAX_REDIRECTS, redirectTarget } from '../../src/bitbucket/redirect-target';
import { BEARER, makeHarness, rejectionOf, TOKEN, useLocalUpstream } from './support/client-harness';
import { json } from './support/local-upstream';

const UPSTREAM = new URL('https://api.bitbucket.org/2.0');
const FROM = '/2.0/repositories/w/r/pullrequests/7/diffstat?pagelen=500&page=2&fields=%2Bvalues.status';

describe('redirectTarget: Location → the request target to send next', () => {
  it.each([
    ['absolute, same origin: Location query first, missing parameters carried over',
      'https://api.bitbucket.org/2.0/repositories/w/r/diffstat/w/r:abc%0Ddef?from_pullrequest_id=7&topic=true',
      '/2.0/repositories/w/r/diffstat/w/r:abc%0Ddef?from_pullrequest_id=7&topic=true&pagelen=500&page=2&fields=%2Bvalues.status'],
    ['relative Location', '/2.0/repositories/w/r/diffstat/abc..def', '/2.0/repositories/w/r/diffstat/abc..def?pagelen=500&page=2&fields=%2Bvalues.status'],
    ['a parameter the Location sets is not repeated', '/2.0/repositories/w/r/diffstat/x?pagelen=100', '/2.0/repositories/w/r/diffstat/x?pagelen=100&page=2&fields=%2Bvalues.status'],
  ])('%s', (_name, location, expected) => {
    expect(redirectTarget(location, FROM, UPSTREAM, '/2.0')).toEqual({ ok: true, requestTarget: expected });
  });

  it.each([
    ['another host', 'https://evil.example/2.0/repositories/w/r/diffstat/x', /another host \(evil\.example\).*api\.bitbucket\.org/],
    ['another port', 'https://api.bitbucket.org:8443/2.0/x', /another host \(api\.bitbucket\.org:8443\)/],
    ['another scheme', 'http://api.bitbucket.org/2.0/x', /another host \(http:\/\/api\.bitbucket\.org\)/],
    ['outside the base path', 'https://api.bitbucket.org/internal/x', /outside the API's base path \/2\.0/],
    ['no Location', undefined, /without a Location header/],
  ])('%s: not followed', (_name, location, problem) => {
    const result = redirectTarget(location, FROM, UPSTREAM, '/2.0');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  it('names the host, never the whole Location (it could carry a token)', () => {
    const result = redirectTarget('https://evil.example/steal?access_token=SECRET', FROM, UPSTREAM, '/2.0');
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });
});

describe('BitbucketClient follows redirects of GETs on its own origin (real HTTP)', () => {
  const local = useLocalUpstream();
  const { upstream } = local;
  // Another host, for links and redirects that leave Bitbucket's origin.
  const { upstream: elsewhere } = useLocalUpstream(false);

  const PR_DIFFSTAT = '/2.0/repositories/w/r/pullrequests/7/diffstat';
  const DIFFSTAT = '/2.0/repositories/w/r/diffstat/w/r:abc\rdef';

  async function pagesOf(): Promise<BitbucketPage<unknown>[]> {
    const all: BitbucketPage<unknown>[] = [];
    for await (const page of local.harness.client.pages('/repositories/w/r/pullrequests/7/diffstat', { pagelen: 1 }, BEARER)) all.push(page);
    return all;
  }

  it('a 302 to the repository diffstat is followed with the credential and the query; its next pages too; each hop is a call', async () => {
    upstream.on(`GET ${PR_DIFFSTAT}`, (_req, res) => {
      res.redirect(302, `${upstream.origin}/2.0/repositories/w/r/diffstat/w/r:abc%0Ddef?from_pullrequest_id=7`);
    });
    upstream.on(`GET ${DIFFSTAT}`, (req, res) => {
      if (req.query.page === '2') res.json({ values: [{ status: 'added' }], page: 2, pagelen: 1, size: 2 });
      else res.json({ values: [{ status: 'modified' }], page: 1, pagelen: 1, size: 2, next: `${upstream.origin}/2.0/repositories/w/r/diffstat/w/r:abc%0Ddef?from_pullrequest_id=7&pagelen=1&page=2` });
    });
    const pages = await pagesOf();
    expect(pages.map((page) => page.values)).toEqual([[{ status: 'modified' }], [{ status: 'added' }]]);
    expect(upstream.requests.map((request) => request.rawUrl)).toEqual([
      `${PR_DIFFSTAT}?pagelen=1`,
      '/2.0/repositories/w/r/diffstat/w/r:abc%0Ddef?from_pullrequest_id=7&pagelen=1',
      '/2.0/repositories/w/r/diffstat/w/r:abc%0Ddef?from_pullrequest_id=7&pagelen=1&page=2',
    ]);
    expect(upstream.requests.every((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(local.harness.events.map((event) => event.status)).toEqual([302, 200, 200]);
  });

  it('get() follows a redirect too', async () => {
    upstream.on('GET /2.0/repositories/w/r/old', (_req, res) => res.redirect(301, '/2.0/repositories/w/r/new'));
    upstream.on('GET /2.0/repositories/w/r/new', json({ name: 'new' }));
    await expect(local.harness.client.get('/repositories/w/r/old', {}, BEARER)).resolves.toEqual({ name: 'new' });
  });

  it('a redirect to another host is an upstream failure naming that host; nothing is sent there', async () => {
    upstream.on(`GET ${PR_DIFFSTAT}`, (_req, res) => res.redirect(302, `${elsewhere.origin}${DIFFSTAT}`));
    const error = await rejectionOf(pagesOf());
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(302);
    expect((error as Error).message).toContain(`another host (${new URL(elsewhere.origin).host})`);
    expect((error as Error).message).not.toContain(TOKEN);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it(`stops after ${MAX_REDIRECTS} hops, and on a loop at once`, async () => {
    let hop = 0;
    upstream.on('GET /2.0/chain', (_req, res) => res.redirect(302, `/2.0/chain?hop=${++hop}`));
    const chain = await rejectionOf(local.harness.client.get('/chain', {}, BEARER));
    expect((chain as Error).message).toMatch(/redirected more than 5 times/);
    expect(upstream.requests).toHaveLength(MAX_REDIRECTS + 1);
    upstream.reset();
    upstream.on('GET /2.0/a', (_req, res) => res.redirect(302, '/2.0/b'));
    upstream.on('GET /2.0/b', (_req, res) => res.redirect(302, '/2.0/a'));
    const loop = await rejectionOf(local.harness.client.get('/a', {}, BEARER));
    expect((loop as Error).message).toMatch(/lead back to a request already sent/);
    expect(upstream.requests).toHaveLength(2);
  });

  it('a write is never redirected', async () => {
    upstream.on('POST /2.0/repositories/w/r/thing', (_req, res) => res.redirect(307, '/2.0/repositories/w/r/other'));
    const error = await rejectionOf(local.harness.client.send('POST', '/repositories/w/r/thing', { a: 1 }, BEARER));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(upstream.requests).toHaveLength(1);
  });
});
