import { bitbucketPath, UpstreamError, type BitbucketPage } from '../../src/bitbucket';
import { BEARER, makeHarness, rejectionOf, TOKEN, useLocalUpstream } from './support/client-harness';
import { json } from './support/local-upstream';

interface Commit {
  hash: string;
}

describe('BitbucketClient.pages and encoding (real HTTP)', () => {
  const local = useLocalUpstream();
  const { upstream } = local;
  // Another host, for links and redirects that leave Bitbucket's origin.
  const { upstream: elsewhere } = useLocalUpstream(false);

  async function collect<T>(pages: AsyncGenerator<BitbucketPage<T>>): Promise<BitbucketPage<T>[]> {
    const all: BitbucketPage<T>[] = [];
    for await (const page of pages) all.push(page);
    return all;
  }

  it('follows next links exactly as given, including an opaque cursor, with the credential on every page', async () => {
    const path = bitbucketPath('/repositories/{workspace}/{repo_slug}/commits', { workspace: 'acme', repo_slug: 'web' });
    // The commits list pages with an unpredictable hash (developer.atlassian.com/cloud/bitbucket/rest/intro/, "Pagination"); the cursor holds %2B and %3D,
    // which must reach the server unchanged, and the next link carries its own query that must not be rebuilt.
    const cursorTarget = `/2.0${path}?ctx=Zm9v%2BYmFy%3D%3D&pagelen=2&fields=%2Bvalues.hash`;
    upstream.on('GET /2.0/repositories/acme/web/commits', (req, res) => {
      if (req.query.ctx === undefined) res.json({ values: [{ hash: 'a' }, { hash: 'b' }], pagelen: 2, next: `${upstream.origin}${cursorTarget}` });
      else res.json({ values: [{ hash: 'c' }], pagelen: 2 });
    });

    const pages = await collect(local.harness.client.pages<Commit>(path, { pagelen: 2, fields: '+values.hash' }, BEARER));

    expect(pages.map((page) => page.values.map((commit) => commit.hash))).toEqual([['a', 'b'], ['c']]);
    expect(upstream.requests.map((request) => request.rawUrl)).toEqual([
      '/2.0/repositories/acme/web/commits?pagelen=2&fields=%2Bvalues.hash',
      cursorTarget,
    ]);
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(upstream.requests[1]?.query).toEqual({ ctx: 'Zm9v+YmFy==', pagelen: '2', fields: '+values.hash' });
  });

  it('follows list-based next links (?page=N) and treats a null next as the last page', async () => {
    upstream.on('GET /2.0/repositories/acme', (req, res) => {
      const page = Number(req.query.page ?? 1);
      res.json({ size: 3, page, pagelen: 2, values: page === 1 ? [1, 2] : [3], next: page === 1 ? `${upstream.origin}/2.0/repositories/acme?page=2&pagelen=2` : null });
    });
    const pages = await collect(local.harness.client.pages<number>('/repositories/acme', { pagelen: 2 }, BEARER));
    expect(pages).toEqual([
      { size: 3, page: 1, pagelen: 2, values: [1, 2], next: `${upstream.origin}/2.0/repositories/acme?page=2&pagelen=2` },
      { size: 3, page: 2, pagelen: 2, values: [3] },
    ]);
  });

  it('fetches the next page only when asked: stopping early sends no further request', async () => {
    upstream.on('GET /2.0/repositories/acme', json({ values: [1], next: `${upstream.origin}/2.0/repositories/acme?page=2` }));
    for await (const page of local.harness.client.pages<number>('/repositories/acme', {}, BEARER)) {
      expect(page.values).toEqual([1]);
      break;
    }
    expect(upstream.requests).toHaveLength(1);
  });

  it.each<[string, (origin: string, elsewhereOrigin: string) => string, RegExp]>([
    ['another host', (_origin, other) => `${other}/2.0/repositories/acme?page=2`, /"next" link leaves http:\/\/127\.0\.0\.1:\d+ \(for http:\/\/127\.0\.0\.1:\d+\)/],
    ['another scheme', (origin) => `${origin.replace('http:', 'https:')}/2.0/repositories/acme?page=2`, /"next" link leaves/],
    ['"localhost" for 127.0.0.1', (origin) => origin.replace('127.0.0.1', 'localhost') + '/2.0/repositories/acme?page=2', /"next" link leaves/],
    ['a relative link', () => '/2.0/repositories/acme?page=2', /not an absolute URL/],
  ])('refuses a next link to %s, and sends nothing there', async (_name, nextFor, message) => {
    elsewhere.on('* /2.0/repositories/acme', json({ values: ['stolen'] }));
    upstream.on('GET /2.0/repositories/acme', json({ values: [1], next: nextFor(upstream.origin, elsewhere.origin) }));

    const seen: number[][] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const page of local.harness.client.pages<number>('/repositories/acme', {}, BEARER)) seen.push(page.values);
      })(),
    );

    expect(seen).toEqual([[1]]);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: 'bad-response', status: 200, url: `${upstream.origin}/2.0/repositories/acme` });
    expect((error as Error).message).toMatch(message);
    expect(elsewhere.requests).toHaveLength(0);
    expect(upstream.requests).toHaveLength(1);
  });

  it('refuses a next link that repeats an earlier page', async () => {
    upstream.on('GET /2.0/repositories/acme', json({ values: [1], next: `${upstream.origin}/2.0/repositories/acme?page=2` }));
    const error = await rejectionOf(collect(local.harness.client.pages('/repositories/acme', {}, BEARER)));
    expect(error).toMatchObject({ kind: 'bad-response' });
    expect((error as Error).message).toMatch(/repeats an earlier page/);
    expect(upstream.requests).toHaveLength(2);
  });

  it('refuses a body that is not a page', async () => {
    upstream.on('GET /2.0/repositories/acme', json({ type: 'repository', slug: 'x' }));
    const error = await rejectionOf(collect(local.harness.client.pages('/repositories/acme', {}, BEARER)));
    expect(error).toMatchObject({ kind: 'bad-response', status: 200 });
  });

  it('sends braces, "+", BBQL quotes and unicode percent-encoded, and the server decodes them back', async () => {
    const uuid = '{1f0c2e5a-0000-4000-8000-000000000001}';
    const q = 'title ~ "say \\"hi\\"" AND author.display_name = "Zoë Ångström" AND created_on > 2024-01-01T00:00:00+00:00';
    const path = bitbucketPath('/repositories/{workspace}/{repo_slug}/pullrequests', { workspace: uuid, repo_slug: 'web app' });
    upstream.on('GET /2.0/repositories/{1f0c2e5a-0000-4000-8000-000000000001}/web app/pullrequests', json({ values: [] }));

    await collect(local.harness.client.pages(path, { q, fields: '+values.reviewers', state: ['OPEN', 'MERGED'], pagelen: 50 }, BEARER));

    const [request] = upstream.requests;
    expect(request?.rawUrl).toBe(
      '/2.0/repositories/%7B1f0c2e5a-0000-4000-8000-000000000001%7D/web%20app/pullrequests' +
        '?q=title%20~%20%22say%20%5C%22hi%5C%22%22%20AND%20author.display_name%20%3D%20%22Zo%C3%AB%20%C3%85ngstr%C3%B6m%22%20AND%20created_on%20%3E%202024-01-01T00%3A00%3A00%2B00%3A00' +
        '&fields=%2Bvalues.reviewers&state=OPEN&state=MERGED&pagelen=50',
    );
    expect(request?.query).toEqual({ q, fields: '+values.reviewers', state: ['OPEN', 'MERGED'], pagelen: '50' });
  });

  it('get() returns the parsed JSON and sends Accept, User-Agent and Basic credentials', async () => {
    upstream.on('GET /2.0/user', json({ type: 'user', display_name: 'Ann' }));
    const user = await local.harness.client.get<{ display_name: string }>('/user', {}, { kind: 'basic', username: 'ann@example.com', password: 'api-token' });
    expect(user.display_name).toBe('Ann');
    expect(upstream.requests[0]?.headers).toMatchObject({
      accept: 'application/json',
      'user-agent': 'bitbucket-odata-spec',
      authorization: `Basic ${Buffer.from('ann@example.com:api-token').toString('base64')}`,
    });
  });

  it('sends no Authorization header for an anonymous call', async () => {
    upstream.on('GET /2.0/repositories/public', json({ values: [] }));
    await local.harness.client.get('/repositories/public', {}, { kind: 'none' });
    expect(upstream.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('refuses a path with a query or without a leading slash', async () => {
    await expect(local.harness.client.get('/user?x=1', {}, BEARER)).rejects.toThrow(/build it with bitbucketPath\(\)/);
    await expect(local.harness.client.get('user', {}, BEARER)).rejects.toThrow(/must start with "\/"/);
    expect(upstream.requests).toHaveLength(0);
  });
  it('locatedPages says where each page was read, and can start again at such a target', async () => {
    const path = bitbucketPath('/repositories/{workspace}/{repo_slug}/commits', { workspace: 'acme', repo_slug: 'web' });
    const second = `/repositories/acme/web/commits?page=Zm9v%2B&pagelen=2`;
    upstream.on('GET /2.0/repositories/acme/web/commits', (req, res) => {
      if (req.query.page === undefined) res.json({ values: [{ hash: 'a' }, { hash: 'b' }], pagelen: 2, next: `${upstream.origin}/2.0${second}` });
      else res.json({ values: [{ hash: 'c' }], pagelen: 2 });
    });
    const located: Array<{ hashes: string[]; target?: string }> = [];
    for await (const { page, target } of local.harness.client.locatedPages<Commit>({ path, query: { pagelen: 2 } }, BEARER)) {
      located.push({ hashes: page.values.map((commit) => commit.hash), target });
    }
    expect(located).toEqual([
      { hashes: ['a', 'b'], target: '/repositories/acme/web/commits?pagelen=2' },
      { hashes: ['c'], target: second },
    ]);
    upstream.reset();
    upstream.on('GET /2.0/repositories/acme/web/commits', (_req, res) => res.json({ values: [{ hash: 'c' }], pagelen: 2 }));
    const resumed: string[] = [];
    for await (const { page } of local.harness.client.locatedPages<Commit>({ target: second }, BEARER)) resumed.push(...page.values.map((commit) => commit.hash));
    expect(resumed).toEqual(['c']);
    expect(upstream.requests.map((request) => request.rawUrl)).toEqual([`/2.0${second}`]);
  });

  it.each([
    ['another host', '//evil.example/2.0/user'],
    ['no leading slash', 'repositories/acme/web/commits'],
    ['a dot segment', '/repositories/acme/../../user'],
    ['an encoded dot segment', '/repositories/acme/%2e%2e/user'],
    ['a fragment', '/repositories/acme/web/commits#x'],
    ['a control character', '/repositories/acme/web/commits\nHost: evil'],
  ])('locatedPages refuses a start target with %s before sending anything', async (_name, target) => {
    const pages = local.harness.client.locatedPages({ target }, BEARER);
    await expect(pages.next()).rejects.toBeInstanceOf(RangeError);
    expect(upstream.requests).toHaveLength(0);
  });
});
