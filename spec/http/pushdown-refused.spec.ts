/**
 * Pushdown Bitbucket does not honour is found out, withdrawn and never sent again, and the answer stays right:
 * - a `q` field Bitbucket refuses (a 500 on some fields, BCLOUD-22709, evidence row 12: sandbox quirk
 *   `bbql-500-on-unverified-fields`): the culprit conjunct is found by bisection, remembered per entity set and field,
 *   and the query runs again without it (the residual decides anyway);
 * - a `sort` Bitbucket ignores (evidence row 3; a proxy in front of the sandbox drops `sort=`): the rows of a stream are
 *   checked against it; out of order, the query is read whole and sorted here, or, where `$skip` was already taken as
 *   `page=N` in that order, the answer is a 502 that says so.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '../../sandbox/app';
import { DEMO_BEARER, startStack, type Stack, type UpstreamCall } from '../helpers/stack';

const ONE_REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
const PR_PATH = '/2.0/repositories/acme-dev/platform-api/pullrequests';

describe('a q field Bitbucket refuses with 500', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sandbox: { quirks: ['bbql-500-on-unverified-fields'] } });
  });
  afterAll(() => stack.close());

  test('is found, withdrawn, and the answer equals the one without that conjunct; later queries do not push it', async () => {
    const expected = await stack.request.get(`/odata/PullRequests?$filter=${ONE_REPO} and State eq 'MERGED'&$top=3`).set('Authorization', DEMO_BEARER);
    expect(expected.status).toBe(200);
    await stack.clearUpstreamCalls();
    const response = await stack.request.get(`/odata/PullRequests?$filter=${ONE_REPO} and State eq 'MERGED' and CommentCount ge 0&$top=3`).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    expect(response.body.value).toEqual(expected.body.value);
    const calls = (await stack.upstreamCalls()).map((call) => ({ q: call.query.q, pagelen: call.query.pagelen, status: call.status }));
    expect(calls).toEqual([
      // The whole q: 500, which the client retries once (a GET with q: one retry rides out a passing 500, not three).
      ...Array.from({ length: 2 }, () => ({ q: 'state = "MERGED" AND comment_count >= 0', pagelen: '3', status: 500 })),
      // Is it q at all? The list without q is accepted.
      { q: undefined, pagelen: '1', status: 200 },
      // Bisection: the first half alone is accepted, so comment_count is the culprit (not asked again).
      { q: 'state = "MERGED"', pagelen: '1', status: 200 },
      // Replanned: no longer exact, so no exact pagelen.
      { q: 'state = "MERGED"', pagelen: '50', status: 200 },
    ]);
    expect(stack.logLines.some((line) => line.includes('refused a q field') && line.includes('comment_count'))).toBe(true);

    await stack.clearUpstreamCalls();
    const again = await stack.request.get(`/odata/PullRequests?$filter=${ONE_REPO} and CommentCount ge 0 and State eq 'MERGED'&$top=3`).set('Authorization', DEMO_BEARER);
    expect(again.status).toBe(200);
    expect(again.body.value).toEqual(expected.body.value);
    expect((await stack.upstreamCalls()).map((call) => call.query.q)).toEqual(['state = "MERGED"']);
  });

  test('a bisection question Bitbucket answers 500 is asked once: the 500 is its answer', async () => {
    const filter = "Workspace eq 'acme-dev' and CreatedOn ge 2000-01-01T00:00:00Z and IsPrivate eq false";
    const plain = await stack.request.get(`/odata/Repositories?$filter=Workspace eq 'acme-dev'`).set('Authorization', DEMO_BEARER);
    await stack.clearUpstreamCalls();
    const response = await stack.request.get(`/odata/Repositories?$filter=${filter}`).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    expect(response.body.value).toEqual(plain.body.value.filter((row: { IsPrivate: boolean }) => row.IsPrivate === false));
    const calls = (await stack.upstreamCalls()).map((call) => ({ q: call.query.q, status: call.status }));
    const both = calls[0].q as string;
    expect(both).toContain('created_on >= ');
    expect(both).toContain('is_private = false');
    const createdOnAlone = both.split(' AND ').find((part) => part.startsWith('created_on'));
    expect(calls).toEqual([
      { q: both, status: 500 },
      { q: both, status: 500 },
      { q: undefined, status: 200 },
      // The first half alone (created_on): 500, taken as the refusal at once, never retried.
      { q: createdOnAlone, status: 500 },
      { q: 'is_private = false', status: 200 },
    ]);
  });

  test('/$count with a refused field counts the same rows as the walk', async () => {
    const filter = `${ONE_REPO} and TaskCount ge 0`;
    const rows = await stack.request.get(`/odata/PullRequests?$filter=${filter}`).set('Authorization', DEMO_BEARER);
    const count = await stack.request.get(`/odata/PullRequests/$count?$filter=${filter}`).set('Authorization', DEMO_BEARER);
    expect(rows.status).toBe(200);
    expect(count.status).toBe(200);
    expect(Number(count.text)).toBe(rows.body.value.length);
  });
});

/** A proxy in front of a sandbox that drops `sort=` from every request, as a Bitbucket that ignores it would. */
async function startSortIgnoringProxy(base: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    url.searchParams.delete('sort');
    const headers: Record<string, string> = {};
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const upstream = await fetch(url, { method: req.method, headers });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    // Bitbucket's `next` links are absolute: they name the proxy, as they would name the one host Bitbucket has.
    res.end((await upstream.text()).split(base).join(self));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const self = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('a sort Bitbucket ignores', () => {
  // The gateway talks to the proxy, the proxy to a sandbox of its own (whose request log is read here).
  let stack: Stack;
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let proxy: Awaited<ReturnType<typeof startSortIgnoringProxy>>;
  const upstream = {
    async calls(): Promise<UpstreamCall[]> {
      const response = await fetch(`${sandbox.url}/_sandbox/requests`);
      return ((await response.json()) as UpstreamCall[]).filter((call) => call.path.startsWith('/2.0/repositories/'));
    },
    async clear(): Promise<void> {
      await fetch(`${sandbox.url}/_sandbox/requests`, { method: 'DELETE' });
    },
  };
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimitPerHour: 1_000_000 }, 0);
    proxy = await startSortIgnoringProxy(sandbox.url);
    stack = await startStack({ env: { BITBUCKET_API_URL: `${proxy.url}/2.0`, PAGING_SNAPSHOT_MAX_ROWS: '0' } });
  });
  afterAll(async () => {
    await stack.close();
    await proxy.close();
    await sandbox.close();
  });

  // First: every query of this stack with a key order (sort=id) would find the ignored sort and withdraw it.
  test('after a page=N jump taken in that order is a 502 that says so, never rows from the wrong place', async () => {
    // More than one Bitbucket page of pull requests (pagelen 50), so that $skip=50 becomes page=2.
    const branches = (await (await fetch(`${sandbox.url}/2.0/repositories/acme-dev/platform-api/refs/branches?pagelen=100`, { headers: { Authorization: DEMO_BEARER } })).json()) as {
      values: Array<{ name: string }>;
    };
    const source = branches.values.map((branch) => branch.name).find((name) => name !== 'main') as string;
    for (let i = 0; i < 40; i++) {
      const created = await fetch(`${sandbox.url}${PR_PATH}`, {
        method: 'POST',
        headers: { Authorization: DEMO_BEARER, 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: `More ${i}`, source: { branch: { name: source } } }),
      });
      expect(created.status).toBe(201);
    }
    await upstream.clear();
    const response = await stack.request.get(`/odata/PullRequests?$filter=${ONE_REPO}&$orderby=Id&$skip=50&$top=3&$select=Id`).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(502);
    expect(response.body.error.message).toContain('sort=id');
    expect(response.body.error.message).toContain('page=2');
    expect((await upstream.calls()).map((call) => call.query.page)).toEqual(['2']);
    // Retried, the sort is no longer pushed and the answer is right.
    const retried = await stack.request.get(`/odata/PullRequests?$filter=${ONE_REPO}&$orderby=Id&$skip=50&$top=3&$select=Id`).set('Authorization', DEMO_BEARER);
    expect(retried.status).toBe(200);
    const total = (await stack.request.get(`/odata/PullRequests/$count?$filter=${ONE_REPO}`).set('Authorization', DEMO_BEARER)).text;
    expect(retried.body.value.map((row: { Id: number }) => row.Id)).toEqual([51, 52, 53]);
    expect(Number(total)).toBeGreaterThan(53);
  });

  test('is caught on the rows: the stream is read whole and sorted here, with a warning; later queries do not push it', async () => {
    const all = await stack.request.get(`/odata/PullRequests?$filter=${ONE_REPO}&$select=Id,CreatedOn`).set('Authorization', DEMO_BEARER);
    const expected = [...all.body.value].sort((a, b) => (a.CreatedOn < b.CreatedOn ? -1 : a.CreatedOn > b.CreatedOn ? 1 : a.Id - b.Id)).slice(0, 3);
    await upstream.clear();
    const response = await stack.request.get(`/odata/PullRequests?$filter=${ONE_REPO}&$orderby=CreatedOn&$top=3&$select=Id,CreatedOn`).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    expect(response.body.value.map((row: { Id: number }) => row.Id)).toEqual(expected.map((row: { Id: number }) => row.Id));
    // The early stop read 4 rows (out of order), then the replanned query read the repository whole.
    const pages = Math.ceil(all.body.value.length / 50);
    expect((await upstream.calls()).map((call) => call.query.pagelen)).toEqual(['4', ...Array.from({ length: pages }, () => '50')]);
    expect(stack.logLines.some((line) => line.includes('ignored a pushed sort') && line.includes('created_on'))).toBe(true);

    await upstream.clear();
    const again = await stack.request.get(`/odata/PullRequests?$filter=${ONE_REPO}&$orderby=CreatedOn&$top=3&$select=Id,CreatedOn`).set('Authorization', DEMO_BEARER);
    expect(again.body.value).toEqual(response.body.value);
    expect(await upstream.calls()).toHaveLength(pages);
  });
});
