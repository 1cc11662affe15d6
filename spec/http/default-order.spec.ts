/**
 * Without `$orderby`, a list that declares `defaultOrder: 'upstream'` (commits) answers in Bitbucket's own order:
 * repositories in key order (Workspace, RepositorySlug), each one's commits as Bitbucket lists them (newest first).
 * Reading stops as soon as `$skip + $top` rows are in hand, so "the 20 latest commits" is one upstream call; paging
 * continues after the last row's position in its repository, and an explicit `$orderby` still orders by value.
 * Expectations come from the sandbox's own listings, read directly; the gateway's upstream calls are the sandbox's
 * request log.
 */
import { createHmac } from 'node:crypto';
import axios from 'axios';
import { commits } from '../../src/entity-sets/commits';
import { cursorOf } from '../../src/paging/keyset-cursor';
import { MAX_LOCATED_CURSOR_BYTES } from '../../src/paging/skiptoken';
import { recordUpstreamPage, recordUpstreamPosition } from '../../src/plan/upstream-position';
import { DEMO_BEARER, startStack, type Stack, type UpstreamCall } from '../helpers/stack';

const SECRET = 'spec-secret-spec-secret-spec-secret!';
const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
/** Snapshots off: every continuation goes through the keyset cursor. */
let stack: Stack;
/** Snapshots on, with a clock the spec moves. */
let withSnapshots: Stack;

beforeAll(async () => {
  // Unpaged reads must fit one response.
  [stack, withSnapshots] = await Promise.all([
    startStack({ env: { SKIPTOKEN_SECRET: SECRET, PAGING_SNAPSHOT_MAX_ROWS: '0' }, config: { maxPageSize: 100_000 } }),
    startStack({ env: { SKIPTOKEN_SECRET: SECRET }, config: { maxPageSize: 100_000 }, now: () => clock.now }),
  ]);
});
afterAll(() => Promise.all([stack.close(), withSnapshots.close()]));

type Item = Record<string, unknown>;
interface SandboxCommit {
  hash: string;
  message: string;
}
interface Repository {
  workspace: string;
  slug: string;
}

const ONE_REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');
const commitsPath = (repo: Repository) => `/2.0/repositories/${repo.workspace}/${repo.slug}/commits`;
const isCommitList = (call: UpstreamCall) => /^\/2\.0\/repositories\/[^/]+\/[^/]+\/commits$/.test(call.path);

/** A repository's commits as the sandbox lists them, every page followed. */
async function sandboxCommits(repo: Repository): Promise<SandboxCommit[]> {
  const all: SandboxCommit[] = [];
  let next: string | undefined = `${stack.apiUrl}/repositories/${repo.workspace}/${repo.slug}/commits?pagelen=100`;
  while (next) {
    const response: { status: number; data: { values: SandboxCommit[]; next?: string } } = await axios.get(next, { headers: { Authorization: DEMO_BEARER }, validateStatus: () => true });
    if (response.status !== 200) throw new Error(`${next} → ${response.status}`);
    all.push(...response.data.values);
    next = response.data.next;
  }
  return all;
}

/** Every repository the demo user sees, in key order (Workspace, Slug), with its commits as the sandbox lists them. */
async function everyRepository(): Promise<Array<Repository & { commits: SandboxCommit[] }>> {
  const response = await stack.request.get('/odata/Repositories?$select=Workspace,Slug').set('Authorization', DEMO_BEARER);
  const repos = (response.body.value as Array<{ Workspace: string; Slug: string }>).map((row) => ({ workspace: row.Workspace, slug: row.Slug }));
  return Promise.all(repos.map(async (repo) => ({ ...repo, commits: await sandboxCommits(repo) })));
}

interface Read {
  rows: Item[];
  next?: string;
  count?: number;
  /** The upstream calls the sandbox saw for this request. */
  upstream: UpstreamCall[];
}

async function read(on: Stack, url: string, pageSize?: number): Promise<Read> {
  await on.clearUpstreamCalls();
  let request = on.request.get(local(url)).set('Authorization', DEMO_BEARER);
  if (pageSize !== undefined) request = request.set('Prefer', `odata.maxpagesize=${pageSize}`);
  const response = await request;
  if (response.status !== 200) throw new Error(`${url} → ${response.status} ${response.text}`);
  return { rows: response.body.value, next: response.body['@odata.nextLink'], count: response.body['@odata.count'], upstream: await on.upstreamCalls() };
}

async function walk(on: Stack, url: string, pageSize: number, between?: (page: number) => void): Promise<Read[]> {
  const pages: Read[] = [];
  let next: string | undefined = url;
  while (next) {
    if (pages.length > 0) between?.(pages.length);
    const page = await read(on, next, pageSize);
    expect(page.rows.length).toBeLessThanOrEqual(pageSize);
    pages.push(page);
    next = page.next;
    if (pages.length > 1000) throw new Error('nextLink loop');
  }
  return pages;
}

/** The token's payload: `[binding, served, cursor, count?]`, or `[binding, served, cursor, count|null, snapshot]`. */
const payloadOf = (link: string): unknown[] => JSON.parse(Buffer.from((new URL(link).searchParams.get('$skiptoken') as string).split('.')[0], 'base64url').toString('utf8'));

const hashes = (rows: readonly Item[]) => rows.map((row) => row.Hash);

describe('newest first, as Bitbucket lists them', () => {
  test("one repository's commits come in the sandbox's own listing order, with nothing but their properties", async () => {
    const listed = await sandboxCommits({ workspace: 'acme-dev', slug: 'platform-api' });
    expect(listed.length).toBeGreaterThan(100);
    const answer = await read(stack, `/odata/Commits?$filter=${ONE_REPO}`);
    expect(hashes(answer.rows)).toEqual(listed.map((commit) => commit.hash));
    // The position in the stream orders the rows but is never a property of them.
    const properties = commits.properties.map((property) => property.name).sort();
    for (const row of answer.rows) expect(Object.keys(row).filter((name) => !name.startsWith('@')).sort()).toEqual(properties);
  });

  test('$top=20 on one repository is one commits call asking for 20', async () => {
    const listed = await sandboxCommits({ workspace: 'acme-dev', slug: 'platform-api' });
    const answer = await read(stack, `/odata/Commits?$filter=${ONE_REPO}&$top=20&$select=Hash`);
    expect(hashes(answer.rows)).toEqual(listed.slice(0, 20).map((commit) => commit.hash));
    expect(answer.upstream.map((call) => [call.path, call.query.pagelen])).toEqual([['/2.0/repositories/acme-dev/platform-api/commits', '20']]);
  });

  test('$top=5&$skip=3 is the 4th to 8th commits, in one call', async () => {
    const listed = await sandboxCommits({ workspace: 'acme-dev', slug: 'platform-api' });
    const answer = await read(stack, `/odata/Commits?$filter=${ONE_REPO}&$top=5&$skip=3&$select=Hash`);
    expect(hashes(answer.rows)).toEqual(listed.slice(3, 8).map((commit) => commit.hash));
    expect(answer.upstream.map((call) => [call.path, call.query.pagelen])).toEqual([['/2.0/repositories/acme-dev/platform-api/commits', '8']]);
  });

  test.each([
    { name: 'every repository, $top=30', filter: undefined, skip: 0, top: 30 },
    { name: 'one workspace, $skip=110&$top=30 (two repositories)', filter: "Workspace eq 'acme-dev'", skip: 110, top: 30 },
    { name: 'every repository, $skip=1790&$top=30 (into the second workspace)', filter: undefined, skip: 1790, top: 30 },
  ])('fan-out, $name: repositories in key order, and only those needed are read', async ({ filter, skip, top }) => {
    const repos = (await everyRepository()).filter((repo) => filter === undefined || repo.workspace === 'acme-dev');
    const expected = repos.flatMap((repo) => repo.commits.map((commit) => ({ Workspace: repo.workspace, RepositorySlug: repo.slug, Hash: commit.hash })));
    expect(expected.length).toBeGreaterThan(skip + top);
    // The shortest run of repositories, in key order, that holds `skip + top` commits.
    const needed: Repository[] = [];
    let held = 0;
    for (const repo of repos) {
      if (held >= skip + top) break;
      needed.push(repo);
      held += repo.commits.length;
    }
    expect(needed.length).toBeLessThan(repos.length);

    const options = [filter && `$filter=${filter}`, skip > 0 && `$skip=${skip}`, `$top=${top}`, '$select=Workspace,RepositorySlug,Hash'].filter(Boolean);
    const answer = await read(stack, `/odata/Commits?${options.join('&')}`);
    expect(answer.rows).toEqual(expected.slice(skip, skip + top));
    const read_ = [...new Set(answer.upstream.filter(isCommitList).map((call) => call.path))];
    expect(read_).toEqual(needed.map(commitsPath));
  });

  test("a residual filter reads on until enough rows pass: contains(Message,'fix')&$top=5", async () => {
    const repo = { workspace: 'acme-dev', slug: 'platform-api' };
    const listed = await sandboxCommits(repo);
    const matching = listed.flatMap((commit, index) => (commit.message.includes('fix') ? [{ commit, index }] : []));
    expect(matching.length).toBeGreaterThanOrEqual(5);
    // Pages of 100 (the filter is evaluated here, so every row of a page may be needed) up to the fifth match.
    const calls = Math.floor(matching[4].index / 100) + 1;
    expect(calls).toBeLessThan(Math.ceil(listed.length / 100));
    const answer = await read(stack, `/odata/Commits?$filter=${ONE_REPO} and contains(Message,'fix')&$top=5&$select=Hash,Message`);
    expect(answer.rows).toEqual(matching.slice(0, 5).map(({ commit }) => ({ Hash: commit.hash, Message: commit.message })));
    expect(answer.upstream.map((call) => [call.path, call.query.pagelen])).toEqual(Array.from({ length: calls }, () => [commitsPath(repo), '100']));
  });

  test('$count=true&$top=5 still counts every commit', async () => {
    const listed = await sandboxCommits({ workspace: 'acme-dev', slug: 'platform-api' });
    const answer = await read(stack, `/odata/Commits?$filter=${ONE_REPO}&$count=true&$top=5&$select=Hash`);
    expect(answer.count).toBe(listed.length);
    expect(hashes(answer.rows)).toEqual(listed.slice(0, 5).map((commit) => commit.hash));
  });
});

describe('with $orderby, nothing changes', () => {
  test('Date desc over a workspace: every repository read, ties broken by the key', async () => {
    const repos = (await everyRepository()).filter((repo) => repo.workspace === 'acme-dev');
    const all = await read(stack, "/odata/Commits?$filter=Workspace eq 'acme-dev'&$select=RepositorySlug,Hash,Date");
    const byDateThenKey = [...all.rows].sort(
      (a, b) =>
        Date.parse(String(b.Date)) - Date.parse(String(a.Date)) ||
        (String(a.RepositorySlug) < String(b.RepositorySlug) ? -1 : String(a.RepositorySlug) > String(b.RepositorySlug) ? 1 : 0) ||
        (String(a.Hash) < String(b.Hash) ? -1 : String(a.Hash) > String(b.Hash) ? 1 : 0),
    );
    const answer = await read(stack, "/odata/Commits?$filter=Workspace eq 'acme-dev'&$orderby=Date desc&$top=25&$select=RepositorySlug,Hash,Date");
    expect(answer.rows).toEqual(byDateThenKey.slice(0, 25));
    expect(new Set(answer.upstream.filter(isCommitList).map((call) => call.path))).toEqual(new Set(repos.map(commitsPath)));
  });

  test('an $orderby on a constant property orders the rest by the key (Hash), not as Bitbucket lists them', async () => {
    const listed = await sandboxCommits({ workspace: 'acme-dev', slug: 'platform-api' });
    const answer = await read(stack, `/odata/Commits?$filter=${ONE_REPO}&$orderby=RepositorySlug&$select=Hash`);
    expect(hashes(answer.rows)).toEqual(listed.map((commit) => commit.hash).sort());
  });
});

describe('paging by the position in the repository', () => {
  test.each([
    { name: 'one repository', url: `/odata/Commits?$filter=${ONE_REPO}&$select=Hash` },
    { name: 'three repositories', url: "/odata/Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug in ('payments-sdk','billing-service','cafe-menu')&$select=RepositorySlug,Hash" },
    { name: 'a residual filter over a workspace', url: "/odata/Commits?$filter=Workspace eq 'acme-dev' and contains(Message,'fix')&$select=RepositorySlug,Hash,Message" },
    { name: '$skip and $top across pages', url: `/odata/Commits?$filter=${ONE_REPO}&$skip=4&$top=60&$select=Hash` },
  ])('$name: every nextLink walked with pages of 7 gives exactly the unpaged rows', async ({ url }) => {
    const whole = await read(stack, url);
    const pages = await walk(stack, url, 7);
    const walked = pages.flatMap((page) => page.rows);
    expect(walked).toEqual(whole.rows);
    expect(pages.length).toBe(Math.ceil(whole.rows.length / 7));
    const keys = walked.map((row) => `${String(row.RepositorySlug)}/${String(row.Hash)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("a cursor holds the repository and the row's position; the next page re-reads that repository up to it", async () => {
    const listed = await sandboxCommits({ workspace: 'acme-dev', slug: 'platform-api' });
    const url = `/odata/Commits?$filter=${ONE_REPO}&$select=Hash`;
    const first = await read(stack, url, 7);
    // The last row's position, then its hash: what names it even after a push moves it (keyset-cursor.ts).
    expect(payloadOf(first.next as string)[2]).toEqual(['acme-dev', 'platform-api', 6, hashes(first.rows)[6]]);
    expect(first.upstream.map((call) => call.query.pagelen)).toEqual(['8']);
    const second = await read(stack, first.next as string, 7);
    expect(hashes(second.rows)).toEqual(listed.slice(7, 14).map((commit) => commit.hash));
    // The seven rows up to the cursor, then this page and its look-ahead row: one call.
    expect(second.upstream.map((call) => [call.path, call.query.pagelen])).toEqual([['/2.0/repositories/acme-dev/platform-api/commits', '15']]);
    expect(payloadOf(second.next as string)[2]).toEqual(['acme-dev', 'platform-api', 13, hashes(second.rows)[6]]);
  });

  test('a continuation skips the repositories before the cursor without any call', async () => {
    const url = "/odata/Commits?$filter=Workspace eq 'acme-dev'&$select=RepositorySlug,Hash";
    const repos = (await everyRepository()).filter((repo) => repo.workspace === 'acme-dev');
    // A page that ends inside the third repository.
    const pageSize = repos[0].commits.length + repos[1].commits.length + 5;
    const first = await read(stack, url, pageSize);
    expect(payloadOf(first.next as string)[2]).toEqual(['acme-dev', repos[2].slug, 4, hashes(first.rows)[first.rows.length - 1]]);
    const second = await read(stack, first.next as string, pageSize);
    const read_ = [...new Set(second.upstream.filter(isCommitList).map((call) => call.path))];
    expect(read_[0]).toBe(commitsPath(repos[2]));
    expect(read_).not.toContain(commitsPath(repos[0]));
    expect(read_).not.toContain(commitsPath(repos[1]));
  });

  const resign = (token: string, change: (payload: unknown[]) => unknown[]): string => {
    const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as unknown[];
    const encoded = Buffer.from(JSON.stringify(change(payload))).toString('base64url');
    return `${encoded}.${createHmac('sha256', SECRET).update(encoded).digest('base64url')}`;
  };

  test.each([
    { change: 'a negative position', position: -1 },
    { change: 'a fractional position', position: 1.5 },
    { change: 'a position that is text', position: '6' },
    { change: 'no position', position: undefined },
  ])('a correctly signed cursor with $change is InvalidSkipToken', async ({ position }) => {
    const first = await read(stack, `/odata/Commits?$filter=${ONE_REPO}&$select=Hash`, 7);
    const token = new URL(first.next as string).searchParams.get('$skiptoken') as string;
    const forged = resign(token, (payload) => [payload[0], payload[1], position === undefined ? (payload[2] as unknown[]).slice(0, 2) : [...(payload[2] as unknown[]).slice(0, 2), position]]);
    const response = await stack.request
      .get(local((first.next as string).replace(/\$skiptoken=[^&]*/, `$skiptoken=${encodeURIComponent(forged)}`)))
      .set('Authorization', DEMO_BEARER)
      .set('Prefer', 'odata.maxpagesize=7');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidSkipToken');
  });
});

describe("continuing where Bitbucket's paging stood", () => {
  const repo = { workspace: 'acme-dev', slug: 'platform-api' };
  const url = `/odata/Commits?$filter=${ONE_REPO}&$select=Hash`;
  /** Bitbucket's largest commits page (`maxPagelen`): how many pages a whole read of the repository takes. */
  const repositoryPages = (rows: number) => Math.ceil(rows / (commits.list?.maxPagelen ?? 100));
  const tokenOf = (link: string) => new URL(link).searchParams.get('$skiptoken') as string;

  test('a walk of one repository with pages of 7 costs about one upstream call per page, and gives exactly the unpaged rows', async () => {
    const listed = await sandboxCommits(repo);
    expect(repositoryPages(listed.length)).toBeGreaterThan(1);
    const whole = await read(stack, url);
    const pages = await walk(stack, url, 7);
    expect(pages.flatMap((page) => page.rows)).toEqual(whole.rows);
    expect(hashes(whole.rows)).toEqual(listed.map((commit) => commit.hash));
    const calls = pages.map((page) => page.upstream.filter(isCommitList));
    for (const page of calls) for (const call of page) expect(call.path).toBe(commitsPath(repo));
    for (const page of calls.slice(1)) expect(page.length).toBeLessThanOrEqual(2);
    expect(calls.flat().length).toBeLessThanOrEqual(pages.length + repositoryPages(listed.length));
    // Past the repository's first upstream page, the cursor also carries that page's target and the row's index in it,
    // and the next page opens there (Bitbucket's own opaque `page`), not at the repository's start.
    const located = pages.filter((page) => page.next !== undefined && (payloadOf(page.next)[2] as unknown[]).length === 6);
    expect(located.length).toBeGreaterThan(0);
    for (const page of located) {
      const [, , position, target, index] = payloadOf(page.next as string)[2] as [string, string, number, string, number];
      // Relative to the repository's own list, less the parts its own request repeats (issue #15: the whole target
      // was often too long for the token); -1 names the page after the row's, which ended with it.
      expect(target).toMatch(/^\?(.*&)?page=/);
      expect(index).toBeGreaterThanOrEqual(-1);
      expect(index).toBeLessThanOrEqual(position);
    }
    const resumed = pages[pages.indexOf(located[0]) + 1];
    expect(resumed.upstream.filter(isCommitList)[0].query.page).toBeDefined();
  });

  const resign = (token: string, change: (payload: unknown[]) => unknown[]): string => {
    const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as unknown[];
    const encoded = Buffer.from(JSON.stringify(change(payload))).toString('base64url');
    return `${encoded}.${createHmac('sha256', SECRET).update(encoded).digest('base64url')}`;
  };

  /** The first nextLink of the walk whose cursor carries a page location. */
  async function locatedLink(): Promise<{ link: string; cursor: unknown[] }> {
    let next: string | undefined = url;
    for (let page = 0; next && page < 100; page++) {
      const current = await read(stack, next, 7);
      next = current.next;
      if (next && (payloadOf(next)[2] as unknown[]).length === 6) return { link: next, cursor: payloadOf(next)[2] as unknown[] };
    }
    throw new Error('no cursor carried a page location');
  }

  /** Follow `link` with its skiptoken replaced by `forged`, as the walk would (same page size). */
  const followWith = (link: string, forged: string) =>
    stack.request
      .get(local(link.replace(/\$skiptoken=[^&]*/, `$skiptoken=${encodeURIComponent(forged)}`)))
      .set('Authorization', DEMO_BEARER)
      .set('Prefer', 'odata.maxpagesize=7');

  test.each([
    { forgery: "another repository's commits", target: (real: string) => real.replace('/platform-api/', '/billing-service/') },
    { forgery: 'another resource', target: () => '/user' },
    { forgery: 'a dot segment', target: (real: string) => real.replace('/commits?', '/commits/../../billing-service/commits?') },
    { forgery: 'an encoded dot segment', target: (real: string) => real.replace('/commits?', '/%2e%2e/%2E%2E/billing-service/commits?') },
    { forgery: 'another host', target: (real: string) => `http://example.invalid${real}` },
    { forgery: 'a protocol-relative host', target: (real: string) => `//example.invalid${real}` },
    { forgery: 'no leading slash', target: (real: string) => real.slice(1) },
    { forgery: 'a fragment', target: (real: string) => `${real}#x` },
    { forgery: 'a target that is not text', target: () => 42 },
  ])('a correctly signed cursor whose page target is $forgery is InvalidSkipToken, and nothing else is called', async ({ target }) => {
    const { link, cursor } = await locatedLink();
    // A location relative to the list (`?…`) is checked whole, so forge the whole form.
    const real = (cursor[3] as string).startsWith('?') ? `${commitsPath(repo).replace(/^\/2\.0/, '')}${cursor[3] as string}` : (cursor[3] as string);
    const forged = resign(tokenOf(link), (payload) => [payload[0], payload[1], [...cursor.slice(0, 3), target(real), ...cursor.slice(4)], ...payload.slice(3)]);
    await stack.clearUpstreamCalls();
    const response = await followWith(link, forged);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidSkipToken');
    for (const call of await stack.upstreamCalls()) expect(call.path).toBe(commitsPath(repo));
  });

  test('a tampered query on the right list reaches only that list', async () => {
    const { link, cursor } = await locatedLink();
    const tampered = (cursor[3] as string).replace(/page=[^&]*/, 'page=1&pagelen=3');
    const forged = resign(tokenOf(link), (payload) => [payload[0], payload[1], [...cursor.slice(0, 3), tampered, ...cursor.slice(4)], ...payload.slice(3)]);
    await stack.clearUpstreamCalls();
    await followWith(link, forged);
    const calls = await stack.upstreamCalls();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.path).toBe(commitsPath(repo));
  });

  test.each([
    { change: 'an index past the position', index: (position: number) => position + 1 },
    { change: 'a negative index (other than -1: the next page)', index: () => -2 },
    { change: 'a fractional index', index: () => 0.5 },
  ])('a correctly signed cursor with $change is InvalidSkipToken', async ({ index }) => {
    const { link, cursor } = await locatedLink();
    const forged = resign(tokenOf(link), (payload) => [payload[0], payload[1], [...cursor.slice(0, 4), index(cursor[2] as number), ...cursor.slice(5)], ...payload.slice(3)]);
    const response = await followWith(link, forged);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidSkipToken');
  });

  test('a page location the token could not hold is left out: the cursor re-reads from the start, as before', () => {
    const row = { Workspace: 'acme-dev', RepositorySlug: 'platform-api', Hash: 'a'.repeat(40) };
    recordUpstreamPosition(row, 120);
    recordUpstreamPage(row, { target: '/repositories/acme-dev/platform-api/commits?pagelen=100&page=abc', index: 20 });
    expect(cursorOf(commits, [], row, { maxLocatedBytes: MAX_LOCATED_CURSOR_BYTES })).toEqual(['acme-dev', 'platform-api', 120, '/repositories/acme-dev/platform-api/commits?pagelen=100&page=abc', 20, 'a'.repeat(40)]);
    recordUpstreamPage(row, { target: `/repositories/acme-dev/platform-api/commits?pagelen=100&page=${'x'.repeat(400)}`, index: 20 });
    expect(cursorOf(commits, [], row, { maxLocatedBytes: MAX_LOCATED_CURSOR_BYTES })).toEqual(['acme-dev', 'platform-api', 120, 'a'.repeat(40)]);
  });
});

describe('with paging snapshots on', () => {
  const url = `/odata/Commits?$filter=${ONE_REPO}&$count=true&$select=Hash`;

  test('$count reads the whole repository once; the later pages come from the snapshot', async () => {
    const whole = await read(withSnapshots, url);
    const pages = await walk(withSnapshots, url, 40);
    expect(pages.flatMap((page) => page.rows)).toEqual(whole.rows);
    for (const page of pages) expect(page.count).toBe(whole.count);
    for (const page of pages.slice(1)) expect(page.upstream).toEqual([]);
    // A kept row does not carry its position: tokens of pages served from the snapshot fall back to the offset.
    expect(payloadOf(pages[0].next as string)[2]).toEqual(['acme-dev', 'platform-api', 39, hashes(pages[0].rows)[39]]);
    expect(payloadOf(pages[1].next as string)[2]).toBeNull();
  });

  test('when the snapshot expires mid-walk, the token continues on live data with the same rows', async () => {
    const whole = await read(withSnapshots, url);
    const pages = await walk(withSnapshots, url, 40, (page) => (clock.now += page === 2 ? 3_600_000 : 1_000));
    expect(pages.flatMap((page) => page.rows)).toEqual(whole.rows);
    expect(pages[2].upstream.filter(isCommitList).length).toBeGreaterThan(0);
  });
});
