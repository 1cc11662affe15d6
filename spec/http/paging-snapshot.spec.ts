/**
 * Paging snapshots over real HTTP: when a page had to read and sort the whole set in-process (an `$orderby`
 * Bitbucket cannot sort, commits by hash, an order merged across repositories), following the nextLinks serves
 * every later page from memory with no upstream call, and gives exactly the rows of the unpaged read. When the
 * snapshot is gone (idle expiry, eviction, switched off, too large) the token's cursor continues: the same rows,
 * just at a cost. A snapshot is reachable only by the token's own binding. The clock is injected; nothing sleeps.
 */
import { OTHER_USER } from '../../sandbox/identities';
import type { PagingSnapshotLimits } from '../../src/config';
import { issueSkiptoken } from '../../src/paging/skiptoken';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

const SECRET = 'spec-secret-spec-secret-spec-secret!';
const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
let stack: Stack;
/** The same gateway with snapshots off: every page continues by cursor, as before snapshots. */
let cursorOnly: Stack;

beforeAll(async () => {
  // Unpaged reads must fit one response, however large the set.
  [stack, cursorOnly] = await Promise.all([
    // Pages minutes apart (idle expiry) would re-check the credential once a minute (credential-liveness.spec.ts).
    startStack({ env: { SKIPTOKEN_SECRET: SECRET, CREDENTIAL_RECHECK_SECONDS: '3600' }, config: { maxPageSize: 100_000 }, now: () => clock.now }),
    startStack({ env: { SKIPTOKEN_SECRET: SECRET, PAGING_SNAPSHOT_MAX_ROWS: '0' }, config: { maxPageSize: 100_000 } }),
  ]);
});
afterAll(() => Promise.all([stack.close(), cursorOnly.close()]));

type Item = Record<string, unknown>;
interface Page {
  rows: Item[];
  next?: string;
  count?: number;
  /** X-Upstream-Requests of this page. */
  calls: number;
  /** The upstream calls the sandbox saw for this page. */
  upstream: number;
}

const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');
const FULL_METADATA = 'application/json;odata.metadata=full';

async function read(on: Stack, url: string, pageSize?: number, options: { bearer?: string; accept?: string } = {}): Promise<Page> {
  await on.clearUpstreamCalls();
  let request = on.request.get(local(url)).set('Authorization', options.bearer ?? DEMO_BEARER);
  if (pageSize !== undefined) request = request.set('Prefer', `odata.maxpagesize=${pageSize}`);
  if (options.accept) request = request.set('Accept', options.accept);
  const response = await request;
  if (response.status !== 200) throw new Error(`${url} → ${response.status} ${response.text}`);
  const upstream = (await on.upstreamCalls()).length;
  return { rows: response.body.value, next: response.body['@odata.nextLink'], count: response.body['@odata.count'], calls: Number(response.headers['x-upstream-requests']), upstream };
}

/**
 * The unpaged answer of `url` (one response, no page size), read once per URL on `stack` and shared by the tests that
 * compare a walk with it: both gateways serve the same seeded, unchanging sandbox data, and an unpaged read keeps no
 * snapshot, so the rows and count are the same whichever test or gateway reads them first (each read is a whole fan-out).
 */
const unpagedAnswers = new Map<string, Promise<Page>>();
function unpaged(url: string): Promise<Page> {
  let answer = unpagedAnswers.get(url);
  if (answer === undefined) {
    answer = read(stack, url);
    unpagedAnswers.set(url, answer);
  }
  return answer;
}

/** Every page, the way Power Query reads a feed; `between` runs before each page after the first. */
async function walk(on: Stack, url: string, pageSize: number, options: { accept?: string; between?: (page: number) => void } = {}): Promise<Page[]> {
  const pages: Page[] = [];
  let next: string | undefined = url;
  while (next) {
    if (pages.length > 0) options.between?.(pages.length);
    const page = await read(on, next, pageSize, options);
    expect(page.rows.length).toBeLessThanOrEqual(pageSize);
    pages.push(page);
    next = page.next;
    if (pages.length > 1000) throw new Error('nextLink loop');
  }
  return pages;
}

const rowsOf = (pages: Page[]) => pages.flatMap((page) => page.rows);
const laterPages = (pages: Page[]) => pages.slice(1);
/** The token's payload: `[binding, served, cursor, count|null, snapshot]` when it names a snapshot. */
const payloadOf = (link: string): unknown[] => JSON.parse(Buffer.from((new URL(link).searchParams.get('$skiptoken') as string).split('.')[0], 'base64url').toString('utf8'));
/** `[binding, served, cursor, count|null, snapshot|null, pageSize]` when the walk's page size rides along. */
const snapshotOf = (link: string): string | undefined => (payloadOf(link)[4] as string | null | undefined) ?? undefined;

const ONE_REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";

const cases = [
  { name: 'in-process order (Title)', url: '/odata/PullRequests?$orderby=Title&$select=Workspace,RepositorySlug,Id,Title', pageSize: 40 },
  { name: 'in-process order, every property (no $select)', url: '/odata/PullRequests?$orderby=Title desc', pageSize: 55 },
  { name: 'order merged across repositories (CreatedOn desc)', url: '/odata/PullRequests?$orderby=CreatedOn desc&$select=Workspace,RepositorySlug,Id,CreatedOn', pageSize: 45 },
  // Pages smaller than a repository's pull requests: the first page alone would not read every repository to its end.
  { name: 'order merged across repositories, small pages', url: '/odata/PullRequests?$orderby=UpdatedOn desc&$select=Workspace,RepositorySlug,Id,UpdatedOn', pageSize: 12 },
  { name: "Commits without $orderby (Bitbucket's order, fan-out)", url: '/odata/Commits', pageSize: 250, byPosition: true },
  { name: 'Commits of one repository without $orderby', url: `/odata/Commits?$filter=${ONE_REPO}&$select=Hash,Date`, pageSize: 40, byPosition: true },
  { name: 'residual filter with in-process order', url: "/odata/PullRequests?$filter=contains(Title,'a')&$orderby=Title desc,CommentCount&$select=Workspace,RepositorySlug,Id,Title", pageSize: 20 },
  { name: 'nullable in-process order (nulls last)', url: '/odata/PullRequests?$orderby=MergeCommitHash desc&$select=Workspace,RepositorySlug,Id,MergeCommitHash', pageSize: 33 },
  { name: '$skip, $top across pages and $count', url: '/odata/PullRequests?$orderby=Title&$skip=7&$top=95&$count=true&$select=Id,Title', pageSize: 20 },
  { name: '$top a whole number of pages', url: '/odata/PullRequests?$orderby=Title&$top=100&$select=Id,Title', pageSize: 25 },
  { name: '$count with a residual filter', url: "/odata/PullRequests?$filter=contains(Title,'a')&$count=true&$orderby=State,Title&$select=Id,State", pageSize: 50 },
  { name: '$search with in-process order', url: '/odata/PullRequests?$search=fix OR retry&$orderby=Title&$select=Workspace,RepositorySlug,Id,Title', pageSize: 6 },
  { name: 'through navigation', url: "/odata/Repositories(Workspace='acme-dev',Slug='platform-api')/Commits?$select=Hash,Message", pageSize: 30, byPosition: true },
];

describe('a walk served from a snapshot', () => {
  test.each(cases)('$name: exactly the unpaged rows, and no upstream call after the first page', async ({ url, pageSize, byPosition }) => {
    const whole = await unpaged(url);
    expect(whole.next).toBeUndefined();
    const pages = await walk(stack, url, pageSize);
    expect(pages.length).toBe(Math.ceil(whole.rows.length / pageSize));
    expect(pages.length).toBeGreaterThan(2);
    expect(rowsOf(pages)).toEqual(whole.rows);
    for (const page of pages) expect(page.count).toBe(whole.count);
    for (const page of laterPages(pages)) expect([page.calls, page.upstream]).toEqual([0, 0]);
    // Every token of the walk names the same snapshot, and keeps the cursor to fall back on; in Bitbucket's own order
    // (no value to compare) the fallback is the count of rows served, which the token always holds.
    const links = pages.flatMap((page) => (page.next ? [page.next] : []));
    expect(new Set(links.map(snapshotOf)).size).toBe(1);
    for (const link of links) expect(byPosition ? typeof payloadOf(link)[1] === 'number' : Array.isArray(payloadOf(link)[2])).toBe(true);
  });

  test.each(cases)('$name: snapshots off, the cursor gives the same rows', async ({ url, pageSize }) => {
    const whole = await unpaged(url);
    const pages = await walk(cursorOnly, url, pageSize);
    expect(rowsOf(pages)).toEqual(whole.rows);
    for (const page of pages) expect(page.count).toBe(whole.count);
    // No snapshot named (the walk's page size rides along as the sixth field).
    for (const page of pages) if (page.next) expect(snapshotOf(page.next)).toBeUndefined();
  });

  test('full metadata on later pages: ids and links come from the kept key columns', async () => {
    const url = '/odata/PullRequests?$orderby=Title&$select=Title';
    // supertest serves each request on its own port: compare the links without it.
    const withoutHost = (rows: Item[]) => JSON.parse(JSON.stringify(rows).replace(/http:\/\/127\.0\.0\.1:\d+/g, 'ROOT')) as Item[];
    const whole = await read(stack, url, undefined, { accept: FULL_METADATA });
    const pages = await walk(stack, url, 60, { accept: FULL_METADATA });
    expect(withoutHost(rowsOf(pages))).toEqual(withoutHost(whole.rows));
    expect(pages[1].rows[0]).toEqual(expect.objectContaining({ '@odata.id': expect.any(String), '@odata.editLink': expect.any(String) }));
    for (const page of laterPages(pages)) expect(page.upstream).toBe(0);
  });

  test('a page size changed along the walk is honoured', async () => {
    const url = '/odata/PullRequests?$orderby=Title&$select=Id,Title';
    const whole = await unpaged(url);
    const sizes = [30, 7, 100, 1, 400];
    const pages: Page[] = [];
    let next: string | undefined = url;
    for (const size of sizes) {
      const page = await read(stack, next as string, size);
      pages.push(page);
      next = page.next;
    }
    expect(next).toBeUndefined();
    expect(pages.map((page) => page.rows.length)).toEqual([30, 7, 100, 1, whole.rows.length - 138]);
    expect(rowsOf(pages)).toEqual(whole.rows);
    for (const page of laterPages(pages)) expect(page.upstream).toBe(0);
  });
});

describe('when no snapshot is made', () => {
  test.each([
    { name: 'key order with a pushable key: the executor stops early', url: '/odata/PullRequests?$select=Workspace,RepositorySlug,Id', pageSize: 50 },
    { name: 'one repository by CreatedOn desc (Bitbucket sorts it)', url: `/odata/PullRequests?$filter=${ONE_REPO}&$orderby=CreatedOn desc&$select=Id`, pageSize: 4 },
  ])('$name', async ({ url, pageSize }) => {
    const whole = await read(stack, url);
    const pages = await walk(stack, url, pageSize);
    expect(rowsOf(pages)).toEqual(whole.rows);
    // The executor stopped early: the cursor continues cheaply, each page reads upstream.
    for (const page of pages) if (page.next) expect(snapshotOf(page.next)).toBeUndefined();
    for (const page of laterPages(pages)) expect(page.upstream).toBeGreaterThan(0);
  });

  test('a single-page answer keeps nothing', async () => {
    const before = stack.logLines.length;
    const page = await read(stack, '/odata/PullRequests?$orderby=Title&$top=30&$select=Id', 50);
    expect(page.next).toBeUndefined();
    expect(stack.logLines.slice(before).filter((line) => line.includes('paging snapshot'))).toEqual([]);
  });
});

describe('after the snapshot is gone', () => {
  const url = '/odata/PullRequests?$orderby=Title&$select=Workspace,RepositorySlug,Id,Title';

  test('expiry is idle time: pages read within the TTL of each other stay free', async () => {
    const whole = await unpaged(url);
    const pages = await walk(stack, url, 50, { between: () => (clock.now += 299_000) });
    expect(rowsOf(pages)).toEqual(whole.rows);
    for (const page of laterPages(pages)) expect(page.upstream).toBe(0);
  });

  test('a page read after the TTL continues by cursor, and keeps a new snapshot for the rest', async () => {
    const whole = await unpaged(url);
    const pages = await walk(stack, url, 50, { between: (page) => (clock.now += page === 2 ? 300_000 : 1_000) });
    expect(rowsOf(pages)).toEqual(whole.rows);
    expect(pages.map((page) => page.upstream > 0)).toEqual([true, false, true, ...pages.slice(3).map(() => false)]);
    expect(snapshotOf(pages[2].next as string)).not.toBe(snapshotOf(pages[1].next as string));
  });

  test('a snapshot missing on this replica (a restart, another gateway) continues by cursor', async () => {
    const whole = await unpaged(url);
    const first = await read(stack, url, 50);
    // The other gateway shares the signing key, as replicas must, but not the memory.
    const rest = await walk(cursorOnly, first.next as string, 50);
    expect([...first.rows, ...rowsOf(rest)]).toEqual(whole.rows);
    expect(rest[0].upstream).toBeGreaterThan(0);
  });
});

describe('isolation', () => {
  const url = '/odata/PullRequests?$orderby=Title&$select=Workspace,RepositorySlug,Id,Title';
  const otherBearer = `Bearer ${OTHER_USER.bearerToken}`;

  test('another credential with the same nextLink gets 400 and none of the rows', async () => {
    const first = await read(stack, url, 50);
    await stack.clearUpstreamCalls();
    const response = await stack.request.get(local(first.next as string)).set('Authorization', otherBearer).set('Prefer', 'odata.maxpagesize=50');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidSkipToken');
    expect(response.body.value).toBeUndefined();
    expect(response.text).not.toContain(String(first.rows[0].Title));
    expect(await stack.upstreamCalls()).toEqual([]);
    // The snapshot still serves its own walk.
    const second = await read(stack, first.next as string, 50);
    expect(second.upstream).toBe(0);
  });

  test('a token validly signed for another binding never reaches the snapshot', async () => {
    // What a holder of the signing key could forge: the first caller's snapshot id under the other caller's binding.
    const first = await read(stack, url, 50);
    const [, served, cursor, , snapshot] = payloadOf(first.next as string) as [string, number, string[], null, string];
    const rawQuery = new URL(first.next as string).search.slice(1).split('&').filter((part) => !part.startsWith('$skiptoken='));
    const binding = { resource: '/PullRequests', query: [...rawQuery].sort().join('&'), credential: `bearer:${OTHER_USER.bearerToken}` };
    const forged = issueSkiptoken(Buffer.from(SECRET), { served, cursor, snapshot }, binding);
    const before = stack.logLines.length;
    const page = await read(stack, `${url}&$skiptoken=${encodeURIComponent(forged)}`, 50, { bearer: otherBearer });
    // Answered from Bitbucket with the other caller's own access (the cursor), not from the snapshot.
    expect(page.upstream).toBeGreaterThan(0);
    expect(stack.logLines.slice(before).some((line) => line.includes('"paging snapshot"') && line.includes('"miss"'))).toBe(true);
    expect(stack.logLines.join('\n')).not.toContain(snapshot);
  });
});

describe('memory limits', () => {
  /** Three walks of one size: the same rows, a different `$select` each (three bindings). */
  const base = "/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$orderby=Title";
  const urls = { a: `${base}&$select=Id`, b: `${base}&$select=Title`, c: `${base}&$select=State` };
  const PAGE = 40;

  /** Room for two snapshots of those walks (their rows after the first page), unless `limits` say otherwise. */
  async function limitedStack(limits: Partial<PagingSnapshotLimits> = {}): Promise<Stack> {
    const kept = (await unpaged(urls.a)).rows.length - PAGE;
    return startStack({ env: { SKIPTOKEN_SECRET: SECRET }, config: { maxPageSize: 100_000, pagingSnapshots: { ttlSeconds: 300, maxRows: 2 * kept, maxTotalRows: 2 * kept, ...limits } } });
  }

  test('over the total, the least recently read snapshot is evicted; its walk continues by cursor', async () => {
    const limited = await limitedStack();
    try {
      const whole = { a: await read(limited, urls.a), b: await read(limited, urls.b), c: await read(limited, urls.c) };
      const a1 = await read(limited, urls.a, PAGE);
      const b1 = await read(limited, urls.b, PAGE);
      const a2 = await read(limited, a1.next as string, PAGE);
      expect(a2.upstream).toBe(0);
      // Room for two: keeping c evicts b, read least recently, not a (kept first).
      const c1 = await read(limited, urls.c, PAGE);
      const aRest = await walk(limited, a2.next as string, PAGE);
      const cRest = await walk(limited, c1.next as string, PAGE);
      for (const page of [...aRest, ...cRest]) expect(page.upstream).toBe(0);
      const b2 = await read(limited, b1.next as string, PAGE);
      expect(b2.upstream).toBeGreaterThan(0);
      const bRest = await walk(limited, b2.next as string, PAGE);
      expect([...a1.rows, ...a2.rows, ...rowsOf(aRest)]).toEqual(whole.a.rows);
      expect([...b1.rows, ...b2.rows, ...rowsOf(bRest)]).toEqual(whole.b.rows);
      expect([...c1.rows, ...rowsOf(cRest)]).toEqual(whole.c.rows);
    } finally {
      await limited.close();
    }
  });

  test('an answer larger than the per-snapshot limit pages by cursor until the rest fits', async () => {
    const limited = await limitedStack({ maxRows: 100 });
    try {
      const url = '/odata/PullRequests?$orderby=Title&$select=Id,Title';
      const whole = await read(limited, url);
      const pages = await walk(limited, url, PAGE);
      expect(rowsOf(pages)).toEqual(whole.rows);
      // 360 rows after the first page, 100 at most in a snapshot: pages re-read the rest until it fits.
      const kept = pages.map((page) => (page.next ? snapshotOf(page.next) !== undefined : undefined));
      const firstKept = kept.indexOf(true);
      expect(firstKept).toBe(Math.ceil((whole.rows.length - 100) / PAGE) - 1);
      expect(pages.slice(1, firstKept + 1).every((page) => page.upstream > 0)).toBe(true);
      expect(pages.slice(firstKept + 1).every((page) => page.upstream === 0)).toBe(true);
    } finally {
      await limited.close();
    }
  });
});
