/**
 * Incremental reads (issue #14 item 3): a second walk of `Commits` reads only what moved since the first, and every
 * answer equals a cold read. The checks behind it (src/bitbucket/append-only-history.ts) are table-tested; then, on a
 * real sandbox, the upstream calls of repeated Power BI-style walks, and a slice of the differential suite run twice
 * with writes made directly in the sandbox between (not through the gateway, which would mark its cache stale): the
 * second run sees every write once the freshness window has passed and equals a cold gateway's answers.
 */
import supertest from 'supertest';
import type { Row } from '../../src/odata/ast';
import { evaluateQuery } from '../../src/odata/evaluate';
import { parseQueryOptions } from '../../src/odata/parse';
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import { edmOf } from '../../src/entity-sets/to-edm-model';
import { isWholeHistory, meetingPoint } from '../../src/bitbucket/append-only-history';
import { mergeById, updatedSince } from '../../src/bitbucket/updated-on-merge';
import { listMemoMetrics } from '../../src/bitbucket';
import { DEMO_USER, OTHER_USER } from '../../sandbox/identities';
import { createPrng } from '../helpers/prng';
import { randomQuery } from '../helpers/random-query';
import { DEMO_BEARER, type Stack } from '../helpers/stack';
import { startWarmAndCold, walkPages, type WarmAndCold } from './warm-and-cold';
import { readAll } from '../http/support/differential-suite';

/** A commit as Bitbucket lists it, reduced to what the checks read. */
const c = (hash: string, ...parents: string[]) => ({ hash, parents: parents.map((parent) => ({ hash: parent })) });

/** PullRequests columns none of which an approval, a comment or a task changes (list-memo.ts keeps such lists only). */
const NARROW_PULL_REQUEST_COLUMNS = 'Workspace,RepositorySlug,Id,Title,State,UpdatedOn';

describe('append-only history checks', () => {
  // main: a ← b ← d ; feature: a ← c ; listed newest first.
  const known = [c('d', 'b'), c('c', 'a'), c('b', 'a'), c('a')];
  test.each([
    ['the same heads', known, ['d', 'c'], true],
    ['a new branch at a known commit', known, ['d', 'c', 'b'], true],
    ['a branch deleted (its tip is no head)', known, ['d'], false],
    ['a force push (a head outside the list)', known, ['x', 'c'], false],
    ['a push (a head outside the list)', known, ['e', 'c'], false],
    ['new commits before the known ones', [c('e', 'd'), ...known], ['e', 'c'], true],
    ['a new commit listed further down is a missing parent', [c('f', 'e'), ...known], ['f', 'c'], false],
    ['an item without its parents', [{ hash: 'd' }, ...known.slice(1)], ['d', 'c'], false],
  ])('isWholeHistory: %s', (_name, items, heads, expected) => {
    expect(isWholeHistory(items, new Set(heads))).toBe(expected);
  });

  test.each([
    ['at the start of a page', [c('d', 'b'), c('c', 'a')], 0],
    ['after new commits', [c('f', 'e'), c('e', 'd'), c('d', 'b')], 2],
    ['not on the page', [c('g', 'f'), c('f', 'e')], undefined],
    ['a changed item after it', [c('d', 'b'), { hash: 'c', parents: [{ hash: 'a' }], message: 'rewritten' }], undefined],
    ['more items after it than known (the list grew at its end)', [c('d', 'b'), c('c', 'a'), c('b', 'a'), c('a'), c('z')], undefined],
  ])('meetingPoint: %s', (_name, page, expected) => {
    expect(meetingPoint(page, known)).toBe(expected);
  });
});

describe('pull requests merged by updated_on', () => {
  const pr = (id: number, updatedOn: string, title = `#${id}`) => ({ id, updated_on: updatedOn, title });
  const known = [pr(1, '2026-01-01T10:00:00.123456+00:00'), pr(2, '2026-01-02T10:00:00+00:00'), pr(3, '2026-01-01T12:00:00+00:00')];

  test('the bound is the latest updated_on known, less the margin, as a BBQL datetime', () => {
    expect(updatedSince(known, 5 * 60_000)).toBe('2026-01-02T09:55:00.000+00:00');
    expect(updatedSince([], 0)).toBeUndefined();
    expect(updatedSince([{ id: 1 }], 0)).toBeUndefined();
  });

  test.each([
    ['nothing changed', [], [1, 2, 3], ['#1', '#2', '#3']],
    ['one retitled', [pr(2, '2026-01-03T00:00:00+00:00', 'new title')], [1, 2, 3], ['#1', 'new title', '#3']],
    ['one new, listed before an old one', [pr(4, '2026-01-03T00:00:00+00:00'), pr(1, '2026-01-03T00:00:01+00:00', 'merged')], [1, 2, 3, 4], ['merged', '#2', '#3', '#4']],
  ])('mergeById: %s', (_name, changed, ids, titles) => {
    const merged = mergeById(known, changed) as Array<{ id: number; title: string }>;
    expect(merged.map((item) => item.id)).toEqual(ids);
    expect(merged.map((item) => item.title)).toEqual(titles);
  });

  test('mergeById: an item without id or updated_on makes no merge (the list is read in full)', () => {
    expect(mergeById(known, [{ id: 5 }])).toBeUndefined();
  });
});

describe('incremental reads against the sandbox', () => {
  let stack: Stack;
  /** The same gateway with reuse off: what a cold read answers. */
  let cold: ReturnType<typeof supertest>;
  let warm: WarmAndCold;
  const pastWindow = () => warm.pastWindow();

  beforeAll(async () => {
    warm = await startWarmAndCold();
    ({ stack, cold } = warm);
  });
  afterAll(() => warm?.close());

  /**
   * Every page of `set` in one workspace (10 repositories: the spec stays short), as Power BI reads it (no page size
   * asked for): rows and the Bitbucket calls they cost.
   */
  const walk = (set: string, options = '') => walkPages(stack, stack.request, `/odata/${set}?$filter=Workspace eq 'blue-harbor'${options}`, DEMO_BEARER);

  test('a second walk of Commits reads no commit page when no branch moved: one refs/branches call per repository, a 304 once it has an ETag', async () => {
    const first = await walk('Commits');
    const repositories = new Set(first.calls.filter((call) => call.path.endsWith('/commits')).map((call) => call.path)).size;
    expect(repositories).toBeGreaterThanOrEqual(10);
    // Within the freshness window: nothing at all.
    const within = await walk('Commits');
    expect(within.rows).toEqual(first.rows);
    expect(within.calls).toHaveLength(0);
    // Past it: the listing of workspaces and repositories, and each repository's branch heads; no commit page.
    pastWindow();
    const second = await walk('Commits');
    expect(second.rows).toEqual(first.rows);
    expect(second.calls.filter((call) => call.path.includes('/commits'))).toEqual([]);
    expect(second.calls.filter((call) => call.path.endsWith('/refs/branches'))).toHaveLength(repositories);
    pastWindow();
    const third = await walk('Commits');
    expect(third.rows).toEqual(first.rows);
    const heads = third.calls.filter((call) => call.path.endsWith('/refs/branches'));
    expect(heads.map((call) => call.status)).toEqual(heads.map(() => 304));
    expect(third.calls.length).toBeLessThanOrEqual(repositories + 1);
    expect(third.calls.length).toBeLessThan(first.calls.length * 0.7);
  });

  test('a second walk of PullRequests asks each repository only for what was updated since the first', async () => {
    pastWindow();
    const first = await walk('PullRequests', `&$select=${NARROW_PULL_REQUEST_COLUMNS}`);
    pastWindow();
    const second = await walk('PullRequests', `&$select=${NARROW_PULL_REQUEST_COLUMNS}`);
    expect(second.rows).toEqual(first.rows);
    const lists = second.calls.filter((call) => call.path.endsWith('/pullrequests'));
    expect(lists.length).toBeGreaterThanOrEqual(10);
    for (const call of lists) expect(String(call.query.q)).toMatch(/^updated_on >= \d{4}-/);
  });

  test('pull requests with approvals, comments or tasks are read in full: no public record says those move updated_on', async () => {
    pastWindow();
    await walk('PullRequests');
    pastWindow();
    const second = await walk('PullRequests');
    const lists = second.calls.filter((call) => call.path.endsWith('/pullrequests'));
    expect(lists.length).toBeGreaterThanOrEqual(10);
    for (const call of lists) expect(call.query.q).toBeUndefined();
  });

  test("security: the lists kept for one user are never another's: her walk reads her own commit pages", async () => {
    // The demo user's lists of every repository are kept (the tests above); Olga belongs to blue-harbor only.
    await walk('Commits');
    await stack.clearUpstreamCalls();
    const basic = `Basic ${Buffer.from(`${OTHER_USER.email}:${OTHER_USER.apiToken}`).toString('base64')}`;
    const response = await stack.request.get("/odata/Commits?$filter=Workspace eq 'blue-harbor'").set('Authorization', basic);
    expect(response.status).toBe(200);
    expect((response.body.value as Array<{ Workspace: string }>).every((row) => row.Workspace === 'blue-harbor')).toBe(true);
    const calls = await stack.upstreamCalls();
    expect(calls.filter((call) => call.path.endsWith('/commits')).length).toBeGreaterThan(5);
    expect(calls.every((call) => !call.path.startsWith('/2.0/repositories/acme-dev'))).toBe(true);
  });

  test('within the freshness window a second refresh of Commits and PullRequests costs nothing (at most 5 % of the first)', async () => {
    pastWindow();
    const first = (await walk('Commits')).calls.length + (await walk('PullRequests')).calls.length;
    const second = (await walk('Commits')).calls.length + (await walk('PullRequests')).calls.length;
    expect(first).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(first * 0.05);
  });

  test('a slice of the differential suite, run twice with writes made directly in the sandbox between, equals a cold read both times', async () => {
    // Sets listed per repository, over every repository of one workspace (half the seed: the spec stays short).
    const sets = ['Commits', 'PullRequests', 'Branches'].map((name) => ENTITY_SETS.find((def) => def.name === name)!);
    const scope = "Workspace eq 'acme-dev'";
    const scoped = (raw: string) => {
      const options = raw === '' ? [] : raw.split('&');
      const at = options.findIndex((option) => option.startsWith('$filter='));
      if (at < 0) return [`$filter=${encodeURIComponent(scope)}`, ...options].join('&');
      options[at] = `$filter=${encodeURIComponent(`${scope} and (${decodeURIComponent(options[at].slice('$filter='.length))})`)}`;
      return options.join('&');
    };
    const rnd = createPrng(1414);
    const cases = sets.flatMap((def) => Array.from({ length: 3 }, () => ({ def, seed: rnd.int(2 ** 31) })));
    const coldStack = { ...stack, request: cold } as Stack;

    async function runSlice(): Promise<Map<string, Row[]>> {
      const full = new Map<string, Row[]>();
      for (const def of sets) full.set(def.name, (await readAll(coldStack, `/odata/${def.name}?${scoped('')}`, 1000)).rows);
      for (const { def, seed } of cases) {
        const raw = scoped(randomQuery(def, full.get(def.name)!, createPrng(seed)));
        const query = parseQueryOptions(raw);
        const expected = evaluateQuery(full.get(def.name)!, query, edmOf(def), { now: new Date(), inputOrderIsDefault: def.list?.defaultOrder === 'upstream' });
        const actual = await readAll(stack, `/odata/${def.name}?${raw}`);
        expect({ url: raw, rows: actual.rows }).toEqual({ url: raw, rows: expected.rows });
        if (query.count) expect(actual.count).toBe(expected.count);
      }
      // The whole sets too, read through the gateway under test.
      for (const def of sets.slice(0, 2)) expect({ set: def.name, rows: (await readAll(stack, `/odata/${def.name}?${scoped('')}`, 1000)).rows }).toEqual({ set: def.name, rows: full.get(def.name) });
      // Pull requests without the columns approvals, comments and tasks change: the list merged by updated_on.
      const narrow = scoped(`$select=${NARROW_PULL_REQUEST_COLUMNS}`);
      const expected = evaluateQuery(full.get('PullRequests')!, parseQueryOptions(narrow), edmOf(sets[1]), { now: new Date() });
      expect((await readAll(stack, `/odata/PullRequests?${narrow}`, 1000)).rows).toEqual(expected.rows);
      return full;
    }

    pastWindow();
    const before = await runSlice();

    // Writes straight to the sandbox's Bitbucket API, as another tool or a person would make them.
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${DEMO_USER.bearerToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect([200, 201, 204]).toContain(response.status);
      return response.status === 204 ? undefined : ((await response.json()) as Record<string, unknown>);
    };
    const open = (await api('GET', '/repositories/acme-dev/platform-api/pullrequests?state=OPEN&pagelen=50'))!.values as Array<{ id: number }>;
    const merged = (await api('POST', `/repositories/acme-dev/platform-api/pullrequests/${open[0].id}/merge`, { merge_strategy: 'merge_commit' }))!;
    // Bitbucket names the merge commit by a short hash there.
    const mergeHash = (merged.merge_commit as { hash: string }).hash;
    const hashes = (rows: Row[]) => rows.filter((row) => row.RepositorySlug === 'platform-api').map((row) => String(row.Hash));
    await api('PUT', `/repositories/acme-dev/platform-api/pullrequests/${open[1].id}`, { title: 'Retitled directly in Bitbucket' });
    const main = (await api('GET', '/repositories/acme-dev/web-frontend/refs/branches?pagelen=100'))!.values as Array<{ name: string; target: { hash: string } }>;
    await api('POST', '/repositories/acme-dev/web-frontend/refs/branches', { name: 'incremental/new', target: { hash: main[0].target.hash } });
    const created = (await api('POST', '/repositories/acme-dev/web-frontend/pullrequests', { title: 'Made directly in Bitbucket', source: { branch: { name: 'incremental/new' } } }))!;
    // A branch whose head no other commit descends from: deleting it takes commits out of the branches' history.
    const listed: Array<{ hash: string; parents: Array<{ hash: string }> }> = [];
    for (let page: string | undefined = `${stack.apiUrl}/repositories/acme-dev/web-frontend/commits?pagelen=100`; page !== undefined; ) {
      const body = (await api('GET', page.slice(stack.apiUrl.length)))!;
      listed.push(...(body.values as typeof listed));
      page = body.next as string | undefined;
    }
    const parents = new Set(listed.flatMap((commit) => commit.parents.map((parent) => parent.hash)));
    const doomed = main.find((branch) => branch.name !== main[0].name && branch.name !== 'incremental/new' && !parents.has(branch.target.hash))!;
    await api('DELETE', `/repositories/acme-dev/web-frontend/refs/branches/${encodeURIComponent(doomed.name)}`);

    pastWindow();
    const metricsBefore = { ...listMemoMetrics };
    const after = await runSlice();
    // platform-api's list grew by the merge commit (read up to the known list, the rest from the memo); web-frontend
    // lost a branch, so its list was read again in full; the other repositories' lists did not move.
    expect(listMemoMetrics.grown).toBeGreaterThan(metricsBefore.grown);
    expect(listMemoMetrics.reread).toBeGreaterThan(metricsBefore.reread);
    expect(listMemoMetrics.unchanged).toBeGreaterThan(metricsBefore.unchanged);
    expect(listMemoMetrics.updated).toBeGreaterThan(metricsBefore.updated);
    // The writes show: the merge commit, the retitled and the new pull request, the new branch, the deleted one gone.
    expect(hashes(after.get('Commits')!).filter((hash) => hash.startsWith(mergeHash))).toHaveLength(1);
    expect(hashes(before.get('Commits')!).filter((hash) => hash.startsWith(mergeHash))).toHaveLength(0);
    expect(after.get('PullRequests')!.find((row) => row.Id === open[1].id && row.RepositorySlug === 'platform-api')?.Title).toBe('Retitled directly in Bitbucket');
    expect(after.get('PullRequests')!.some((row) => row.Id === created.id && row.RepositorySlug === 'web-frontend')).toBe(true);
    const frontendBranches = after.get('Branches')!.filter((row) => row.RepositorySlug === 'web-frontend').map((row) => row.Name);
    expect(frontendBranches).toContain('incremental/new');
    expect(frontendBranches).not.toContain(doomed.name);
  }, 60_000);
});
