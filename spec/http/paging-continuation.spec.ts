/**
 * Keyset continuation over real HTTP: following every `@odata.nextLink` gives exactly the rows of the same query read
 * in one response (same order, none twice, none missing), whatever the order, filter, `$search`, `$top` and `$skip`;
 * and it costs about one read of the set upstream, not one read per page of everything before it. Tokens stay
 * signed and bound: a forged or malformed cursor is a 400 InvalidSkipToken.
 */
import { createHmac } from 'node:crypto';
import { DEMO_USER } from '../../sandbox/identities';
import { issueSkiptoken, MAX_TOKEN_LENGTH, readSkiptoken } from '../../src/paging/skiptoken';
import { DEMO_BEARER, startStack, type Stack, type UpstreamCall } from '../helpers/stack';

let stack: Stack;
const SECRET = 'spec-secret-spec-secret-spec-secret!';

beforeAll(async () => {
  // Unpaged reads must fit one response, however large the set.
  // Snapshots off: this spec proves the cursor itself (spec/http/paging-snapshot.spec.ts covers snapshots).
  stack = await startStack({ env: { SKIPTOKEN_SECRET: SECRET, PAGING_SNAPSHOT_MAX_ROWS: '0' }, config: { maxPageSize: 100_000 } });
});
afterAll(() => stack.close());

type Item = Record<string, unknown>;
interface Read {
  rows: Item[];
  next?: string;
  count?: number;
  calls: number;
}

const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');

async function read(url: string, pageSize?: number): Promise<Read> {
  let request = stack.request.get(local(url)).set('Authorization', DEMO_BEARER);
  if (pageSize !== undefined) request = request.set('Prefer', `odata.maxpagesize=${pageSize}`);
  const response = await request;
  if (response.status !== 200) throw new Error(`${url} → ${response.status} ${response.text}`);
  return { rows: response.body.value, next: response.body['@odata.nextLink'], count: response.body['@odata.count'], calls: Number(response.headers['x-upstream-requests']) };
}

interface Walk {
  rows: Item[];
  pages: Read[];
  calls: number;
  upstream: UpstreamCall[];
}

/** Every page, the way Power Query reads a feed, with the upstream calls the sandbox saw. */
async function walk(url: string, pageSize: number): Promise<Walk> {
  await stack.clearUpstreamCalls();
  const pages: Read[] = [];
  let next: string | undefined = url;
  while (next) {
    const page = await read(next, pageSize);
    expect(page.rows.length).toBeLessThanOrEqual(pageSize);
    pages.push(page);
    next = page.next;
    if (pages.length > 1000) throw new Error('nextLink loop');
  }
  const upstream = await stack.upstreamCalls();
  return { rows: pages.flatMap((page) => page.rows), pages, calls: pages.reduce((sum, page) => sum + page.calls, 0), upstream };
}

async function unpaged(url: string): Promise<Read & { upstream: UpstreamCall[] }> {
  await stack.clearUpstreamCalls();
  const result = await read(url);
  expect(result.next).toBeUndefined();
  return { ...result, upstream: await stack.upstreamCalls() };
}

interface Case {
  name: string;
  url: string;
  pageSize: number;
  /** Key properties, for the no-duplicates check. */
  key: string[];
}

const PR_KEY = ['Workspace', 'RepositorySlug', 'Id'];
const ONE_REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";

const cases: Case[] = [
  { name: 'PullRequests, key order, fan-out', url: '/odata/PullRequests?$select=Workspace,RepositorySlug,Id,Title', pageSize: 37, key: PR_KEY },
  { name: 'PullRequests, key order, page of 1', url: "/odata/PullRequests?$filter=Workspace eq 'blue-harbor' and Id le 3&$select=RepositorySlug,Id", pageSize: 1, key: PR_KEY },
  { name: 'PullRequests, CreatedOn asc (ties on the instant)', url: '/odata/PullRequests?$orderby=CreatedOn&$select=Workspace,RepositorySlug,Id,CreatedOn', pageSize: 45, key: PR_KEY },
  { name: 'PullRequests, CreatedOn desc', url: '/odata/PullRequests?$orderby=CreatedOn desc&$select=Workspace,RepositorySlug,Id,CreatedOn', pageSize: 45, key: PR_KEY },
  { name: 'PullRequests, nullable MergeCommitHash asc (nulls first)', url: '/odata/PullRequests?$orderby=MergeCommitHash&$select=Workspace,RepositorySlug,Id,MergeCommitHash', pageSize: 33, key: PR_KEY },
  { name: 'PullRequests, nullable MergeCommitHash desc (nulls last)', url: '/odata/PullRequests?$orderby=MergeCommitHash desc&$select=Workspace,RepositorySlug,Id,MergeCommitHash', pageSize: 33, key: PR_KEY },
  { name: 'PullRequests, nullable Description desc then key desc', url: "/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$orderby=Description desc,Id desc&$select=RepositorySlug,Id,Description", pageSize: 40, key: PR_KEY },
  { name: 'PullRequests, heavy ties: State, CommentCount desc', url: '/odata/PullRequests?$orderby=State,CommentCount desc&$select=Workspace,RepositorySlug,Id,State,CommentCount', pageSize: 29, key: PR_KEY },
  { name: 'PullRequests, RepositorySlug desc (a route parameter, descending)', url: '/odata/PullRequests?$orderby=RepositorySlug desc&$select=Workspace,RepositorySlug,Id', pageSize: 50, key: PR_KEY },
  { name: 'PullRequests, UpdatedOn desc, not selected', url: '/odata/PullRequests?$orderby=UpdatedOn desc&$select=Title', pageSize: 60, key: [] },
  { name: "PullRequests, residual contains(Title,'Fix')", url: "/odata/PullRequests?$filter=contains(Title,'Fix')&$select=Workspace,RepositorySlug,Id,Title", pageSize: 7, key: PR_KEY },
  { name: 'PullRequests, residual length(Title) in key order', url: '/odata/PullRequests?$filter=length(Title) gt 20&$select=Workspace,RepositorySlug,Id,Title', pageSize: 30, key: PR_KEY },
  { name: 'PullRequests, exact pushed CommentCount gt 2, CreatedOn desc', url: '/odata/PullRequests?$filter=CommentCount gt 2&$orderby=CreatedOn desc&$select=Workspace,RepositorySlug,Id,CreatedOn', pageSize: 25, key: PR_KEY },
  { name: 'PullRequests, pushable ties: CommentCount desc in one repository', url: `/odata/PullRequests?$filter=${ONE_REPO}&$orderby=CommentCount desc&$select=Id,CommentCount`, pageSize: 3, key: [] },
  { name: 'PullRequests, pushable ties: TaskCount, Id desc over the fan-out', url: '/odata/PullRequests?$orderby=TaskCount,Id desc&$select=Workspace,RepositorySlug,Id,TaskCount', pageSize: 35, key: PR_KEY },
  { name: 'PullRequests, $search', url: '/odata/PullRequests?$search=fix OR retry&$select=Workspace,RepositorySlug,Id,Title', pageSize: 6, key: PR_KEY },
  { name: 'PullRequests, $top larger than a page', url: '/odata/PullRequests?$top=120&$select=Workspace,RepositorySlug,Id', pageSize: 25, key: PR_KEY },
  { name: 'PullRequests, $top a whole number of pages', url: '/odata/PullRequests?$orderby=CreatedOn desc&$top=100&$select=Workspace,RepositorySlug,Id', pageSize: 25, key: PR_KEY },
  { name: 'PullRequests, $top smaller than a page', url: '/odata/PullRequests?$top=10&$select=Workspace,RepositorySlug,Id', pageSize: 25, key: PR_KEY },
  { name: 'PullRequests, $top beyond the set', url: "/odata/PullRequests?$filter=Workspace eq 'blue-harbor'&$top=5000&$select=RepositorySlug,Id", pageSize: 70, key: PR_KEY },
  { name: 'PullRequests, $skip and paging', url: '/odata/PullRequests?$skip=30&$select=Workspace,RepositorySlug,Id', pageSize: 40, key: PR_KEY },
  { name: 'PullRequests, $skip, $top and paging, CreatedOn desc', url: '/odata/PullRequests?$orderby=CreatedOn desc&$skip=17&$top=90&$select=Workspace,RepositorySlug,Id', pageSize: 20, key: PR_KEY },
  { name: 'PullRequests, $count on every page', url: "/odata/PullRequests?$filter=State eq 'MERGED'&$count=true&$select=Workspace,RepositorySlug,Id", pageSize: 20, key: PR_KEY },
  { name: 'PullRequests, $count with a residual', url: "/odata/PullRequests?$filter=contains(Title,'a')&$count=true&$orderby=CreatedOn&$select=Workspace,RepositorySlug,Id", pageSize: 50, key: PR_KEY },
  { name: 'PullRequests of one repository, key order', url: `/odata/PullRequests?$filter=${ONE_REPO}&$select=Id`, pageSize: 3, key: PR_KEY },
  { name: 'PullRequests of one repository, CreatedOn desc', url: `/odata/PullRequests?$filter=${ONE_REPO}&$orderby=CreatedOn desc&$select=Id,CreatedOn`, pageSize: 4, key: PR_KEY },
  { name: 'PullRequests through navigation', url: "/odata/Repositories(Workspace='acme-dev',Slug='docs')/PullRequests?$select=Id,State", pageSize: 5, key: PR_KEY },
  { name: 'Commits of one repository, key order', url: `/odata/Commits?$filter=${ONE_REPO}&$select=Hash`, pageSize: 40, key: ['Workspace', 'RepositorySlug', 'Hash'] },
  { name: 'Commits of one repository, Date desc', url: `/odata/Commits?$filter=${ONE_REPO}&$orderby=Date desc&$select=Hash,Date`, pageSize: 40, key: ['Workspace', 'RepositorySlug', 'Hash'] },
  { name: 'Commits of a workspace, AuthorDisplayName (nullable) then Date desc', url: "/odata/Commits?$filter=Workspace eq 'blue-harbor'&$orderby=AuthorDisplayName,Date desc&$select=RepositorySlug,Hash,AuthorDisplayName", pageSize: 150, key: ['Workspace', 'RepositorySlug', 'Hash'] },
  { name: 'Repositories, key order', url: '/odata/Repositories?$select=Workspace,Slug', pageSize: 4, key: ['Workspace', 'Slug'] },
  { name: 'Repositories, Language desc, Size', url: '/odata/Repositories?$orderby=Language desc,Size&$select=Workspace,Slug,Language,Size', pageSize: 6, key: ['Workspace', 'Slug'] },
  { name: 'Repositories, nullable Description', url: '/odata/Repositories?$orderby=Description&$select=Workspace,Slug,Description', pageSize: 7, key: ['Workspace', 'Slug'] },
  { name: 'Repositories, IsPrivate desc (booleans)', url: '/odata/Repositories?$orderby=IsPrivate desc&$select=Workspace,Slug,IsPrivate', pageSize: 5, key: ['Workspace', 'Slug'] },
  { name: 'PullRequestComments of a workspace, key order (three-level fan-out)', url: "/odata/PullRequestComments?$filter=Workspace eq 'blue-harbor'&$select=Workspace,RepositorySlug,PullRequestId,Id", pageSize: 90, key: ['Workspace', 'RepositorySlug', 'PullRequestId', 'Id'] },
  { name: 'Workspaces (no route parameters)', url: '/odata/Workspaces?$select=Slug', pageSize: 1, key: ['Slug'] },
];

describe('walking every nextLink gives exactly the unpaged rows', () => {
  test.each(cases)('$name', async ({ url, pageSize, key }) => {
    const whole = await unpaged(url);
    const walked = await walk(url, pageSize);
    expect(walked.rows).toEqual(whole.rows);
    expect(walked.pages).toHaveLength(Math.max(1, Math.ceil(whole.rows.length / pageSize)));
    if (key.length > 0 && key.every((property) => whole.rows.every((row) => property in row))) {
      const keys = walked.rows.map((row) => JSON.stringify(key.map((property) => row[property])));
      expect(new Set(keys).size).toBe(keys.length);
    }
    for (const page of walked.pages) expect(page.count).toBe(whole.count);
    for (const page of walked.pages) if (page.next) expect(page.next.length).toBeLessThan(2048);
  });
});

const isPullRequestList = (call: UpstreamCall) => /\/pullrequests$/.test(call.path);
const isListing = (call: UpstreamCall) => call.path === '/2.0/user/workspaces' || /^\/2\.0\/repositories\/[^/]+$/.test(call.path);

describe('upstream cost of a walk', () => {
  /**
   * Key order over the fan-out: every repository's pull requests are read once, plus at most two re-reads per page
   * boundary (the repository the cursor is in, and the one the look-ahead row came from); the workspace and
   * repository listings are repeated per page (no state is kept between requests), nothing more.
   */
  test.each([
    { pageSize: 37, url: '/odata/PullRequests?$select=Workspace,RepositorySlug,Id' },
    { pageSize: 10, url: "/odata/PullRequests?$filter=State ne 'OPEN'&$select=Workspace,RepositorySlug,Id" },
    { pageSize: 6, url: "/odata/Repositories(Workspace='acme-dev',Slug='docs')/PullRequests?$select=Id" },
  ])('key order, page $pageSize: each repository read about once: $url', async ({ url, pageSize }) => {
    const whole = await unpaged(url);
    const walked = await walk(url, pageSize);
    const pages = walked.pages.length;
    expect(pages).toBeGreaterThan(1);
    expect(walked.upstream.filter(isPullRequestList).length).toBeLessThanOrEqual(whole.upstream.filter(isPullRequestList).length + 2 * (pages - 1));
    expect(walked.upstream.filter(isListing).length).toBeLessThanOrEqual(pages * whole.upstream.filter(isListing).length);
    expect(walked.calls).toBe(walked.upstream.length);
  });

  test('a continuation page in key order skips the repositories before the cursor without any call', async () => {
    const url = '/odata/PullRequests?$select=Workspace,RepositorySlug,Id';
    const first = await read(url, 16 * 15 + 20);
    expect(first.rows[first.rows.length - 1]).toMatchObject({ Workspace: 'blue-harbor', Id: 4 });
    await stack.clearUpstreamCalls();
    const second = await read(first.next as string, 16 * 15 + 20);
    expect(second.rows[0]).toMatchObject({ Workspace: 'blue-harbor', Id: 5 });
    const calls = await stack.upstreamCalls();
    const cursorRepo = first.rows[first.rows.length - 1].RepositorySlug as string;
    // No acme-dev repository is listed or read; blue-harbor's first repository continues after the cursor in BBQL.
    expect(calls.filter((call) => call.path.includes('acme-dev'))).toEqual([]);
    expect(calls.find((call) => call.path === `/2.0/repositories/blue-harbor/${cursorRepo}/pullrequests`)?.query.q).toBe('id > 4');
    expect(calls.filter(isPullRequestList).length).toBeLessThanOrEqual(10);
  });

  test('one repository in key order: each page is one call that starts after the cursor (id > N)', async () => {
    const walked = await walk(`/odata/PullRequests?$filter=${ONE_REPO}&$select=Id`, 5);
    const lists = walked.upstream.filter(isPullRequestList);
    expect(lists.map((call) => call.query.q)).toEqual([undefined, 'id > 5', 'id > 10', 'id > 15']);
    expect(walked.calls).toBe(walked.pages.length);
  });

  test('a descending date order pushes a whole-second bound that keeps the cursor second', async () => {
    const url = `/odata/PullRequests?$filter=${ONE_REPO}&$orderby=CreatedOn desc&$select=Id,CreatedOn`;
    const first = await read(url, 4);
    await stack.clearUpstreamCalls();
    await read(first.next as string, 4);
    const [call] = (await stack.upstreamCalls()).filter(isPullRequestList);
    const cursor = String(first.rows[3].CreatedOn);
    const bound = /^created_on <= (\S+)$/.exec(String(call.query.q))?.[1] as string;
    expect(bound).toBeDefined();
    expect(Date.parse(bound)).toBeGreaterThanOrEqual(Date.parse(cursor));
    expect(Date.parse(bound) - Date.parse(cursor)).toBeLessThanOrEqual(1000);
    expect(call.query.sort).toBe('-created_on');
  });

  test('a merged order (CreatedOn desc over the fan-out) reads each repository at most once per page', async () => {
    const url = '/odata/PullRequests?$orderby=CreatedOn desc&$select=Workspace,RepositorySlug,Id';
    const whole = await unpaged(url);
    const walked = await walk(url, 50);
    expect(walked.rows).toEqual(whole.rows);
    for (const page of walked.pages) expect(page.calls).toBeLessThanOrEqual(whole.calls);
  });
});

describe('tokens', () => {
  const identity = `bearer:${DEMO_USER.bearerToken}`;

  /** Re-sign a token's payload after changing it: what a forger holding the key could send. */
  function resign(token: string, change: (payload: unknown) => unknown): string {
    const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
    const encoded = Buffer.from(JSON.stringify(change(payload))).toString('base64url');
    return `${encoded}.${createHmac('sha256', SECRET).update(encoded).digest('base64url')}`;
  }
  const tokenOf = (link: string) => new URL(link).searchParams.get('$skiptoken') as string;
  const withToken = (link: string, token: string) => link.replace(/\$skiptoken=[^&]*/, `$skiptoken=${encodeURIComponent(token)}`);

  test.each([
    { change: 'a cursor one value short', edit: (p: unknown[]) => [p[0], p[1], (p[2] as unknown[]).slice(1)] },
    { change: 'a cursor value that is an object', edit: (p: unknown[]) => [p[0], p[1], [{ a: 1 }, ...(p[2] as unknown[]).slice(1)]] },
    { change: 'an empty cursor', edit: (p: unknown[]) => [p[0], p[1], []] },
    { change: 'a negative row count', edit: (p: unknown[]) => [p[0], -1, p[2]] },
    { change: 'a fractional row count', edit: (p: unknown[]) => [p[0], 1.5, p[2]] },
    { change: 'a payload that is not an array', edit: () => 'x' },
    { change: 'a payload with extra fields', edit: (p: unknown[]) => [...p, 1, 2] },
  ])('a correctly signed token with $change is InvalidSkipToken', async ({ edit }) => {
    const first = await read("/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$select=Id", 5);
    const forged = withToken(first.next as string, resign(tokenOf(first.next as string), (payload) => edit(payload as unknown[])));
    const response = await stack.request.get(local(forged)).set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=5');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidSkipToken');
  });

  test('a token continued on another query or by another credential is still refused', async () => {
    const first = await read("/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$select=Id", 5);
    const token = tokenOf(first.next as string);
    const otherQuery = await stack.request.get(`/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$select=Title&$skiptoken=${encodeURIComponent(token)}`).set('Authorization', DEMO_BEARER);
    expect(otherQuery.status).toBe(400);
    expect(otherQuery.body.error.code).toBe('InvalidSkipToken');
    const tampered = withToken(first.next as string, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    const response = await stack.request.get(local(tampered)).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(400);
  });

  test('an offset-only token (the earlier form) still continues by offset', async () => {
    const url = "/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$select=RepositorySlug,Id";
    const whole = await unpaged(url);
    const first = await read(url, 5);
    const legacy = resign(tokenOf(first.next as string), (payload) => ({ o: 5, b: (payload as unknown[])[0] }));
    const second = await read(withToken(first.next as string, legacy), 5);
    expect(second.rows).toEqual(whole.rows.slice(5, 10));
  });

  test('a cursor too long for a URL falls back to an offset token, which reads back', () => {
    const secret = Buffer.from(SECRET);
    const binding = { resource: '/PullRequests', query: '$orderby=Description', credential: identity };
    const long = issueSkiptoken(secret, { served: 40, cursor: ['x'.repeat(2000), 'w', 'r', 7] }, binding);
    expect(long.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
    expect(readSkiptoken(secret, long, binding)).toEqual({ served: 40 });
    const short = issueSkiptoken(secret, { served: 40, cursor: ['2024-05-18T09:29:47.123456+00:00', 'acme-dev', 'platform-api', 7], count: 400 }, binding);
    expect(readSkiptoken(secret, short, binding)).toEqual({ served: 40, cursor: ['2024-05-18T09:29:47.123456+00:00', 'acme-dev', 'platform-api', 7], count: 400 });
    expect(short.length).toBeLessThan(200);
  });

  test('a long-text order walks correctly when its cursors fall back to offsets', async () => {
    // Long descriptions on a few open pull requests (PATCH goes through the gateway to the sandbox).
    const open = await read(`/odata/PullRequests?$filter=${ONE_REPO} and State eq 'OPEN'&$select=Id`);
    expect(open.rows.length).toBeGreaterThan(1);
    for (const [index, row] of open.rows.entries()) {
      const response = await stack.request
        .patch(`/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=${row.Id})`)
        .set('Authorization', DEMO_BEARER)
        .send({ Description: `${'Long description. '.repeat(60)}#${index}` });
      expect(response.status).toBe(200);
    }
    try {
      const url = `/odata/PullRequests?$filter=${ONE_REPO}&$orderby=Description desc&$select=Id,Description`;
      const whole = await unpaged(url);
      const walked = await walk(url, 1);
      expect(walked.rows).toEqual(whole.rows);
      const cursors = walked.pages.filter((page) => page.next).map((page) => JSON.parse(Buffer.from(tokenOf(page.next as string).split('.')[0], 'base64url').toString('utf8'))[2]);
      expect(cursors.filter((cursor) => cursor === null).length).toBe(open.rows.length);
      expect(cursors.filter((cursor) => Array.isArray(cursor)).length).toBeGreaterThan(0);
    } finally {
      await stack.resetSandbox();
    }
  });
});

describe('the page size a walk asked for', () => {
  const url = "/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$select=Workspace,RepositorySlug,Id";

  test('carries over to nextLinks followed without the Prefer header; a new Prefer wins; the rows are the same', async () => {
    const whole = await read(url);
    const first = await read(url, 7);
    expect(first.rows).toHaveLength(7);
    const pages = [first];
    let next = first.next;
    while (next) {
      // The second page asks for 5; every other page sends no Prefer at all.
      const page = await read(next, pages.length === 1 ? 5 : undefined);
      pages.push(page);
      next = page.next;
    }
    const sizes = pages.map((page) => page.rows.length);
    expect(sizes.slice(0, 2)).toEqual([7, 5]);
    for (const size of sizes.slice(2, -1)) expect(size).toBe(5);
    expect(pages.flatMap((page) => page.rows)).toEqual(whole.rows);
  });

  test('a tampered page size is refused like any other change to the token', async () => {
    const first = await read(url, 7);
    const token = new URL(first.next as string).searchParams.get('$skiptoken') as string;
    const [payload] = token.split('.');
    const changed = Buffer.from(JSON.stringify([...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).slice(0, 5), 1000])).toString('base64url');
    const response = await stack.request.get(local((first.next as string).replace(/\$skiptoken=[^&]*/, `$skiptoken=${changed}.${token.split('.')[1]}`))).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidSkipToken');
  });
});
