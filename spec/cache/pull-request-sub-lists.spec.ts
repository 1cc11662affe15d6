/**
 * A pull request's commits and diffstat are kept per revision (issue #14 item 3): a later refresh reads a pull
 * request's list again only when its revision changed (src/bitbucket/pull-request-revision.ts says what Bitbucket
 * computes them from). The validator is table-tested; then, on a real sandbox, the calls of a second walk past the
 * freshness window, and answers after writes made directly in the sandbox (a source branch deleted, a destination
 * moved, a comment added) that equal a cold gateway's.
 */
import supertest from 'supertest';
import { revisionValidator, type PullRequestRevision } from '../../src/bitbucket/pull-request-revision';
import { ListMemo, type MemoPage, type PageSource } from '../../src/bitbucket/list-memo';
import { DEMO_USER, OTHER_USER } from '../../sandbox/identities';
import { startSecondReplica, type SecondReplica } from '../helpers/second-replica';
import { DEMO_BEARER, startStack, type Stack, type UpstreamCall } from '../helpers/stack';
import { startWarmAndCold, walkPages, type WarmAndCold } from './warm-and-cold';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers/with-redis';

const SOURCE = 'a'.repeat(40);
const DESTINATION = 'b'.repeat(40);
const merged: PullRequestRevision = {
  kind: 'pull-request',
  repository: 'acme-dev/widget',
  state: 'MERGED',
  sourceRepository: 'acme-dev/widget',
  sourceBranch: 'feature/x',
  sourceHash: SOURCE,
  destinationBranch: 'main',
  destinationHash: DESTINATION,
};
const open: PullRequestRevision = { ...merged, state: 'OPEN' };
const tips = new Map([
  ['feature/x', SOURCE],
  ['main', DESTINATION],
]);

describe('revision validators', () => {
  test.each([
    ['a merged diffstat needs no branch tips', 'diffstat', merged, undefined, true],
    ['an open diffstat needs them', 'diffstat', open, undefined, false],
    ['commits always need them (the list is empty once the source branch is gone)', 'commits', merged, undefined, false],
    ['a fork is never kept', 'diffstat', { ...merged, sourceRepository: 'someone/widget' }, tips, false],
    ['a missing hash is no validator', 'diffstat', { ...merged, destinationHash: '' }, tips, false],
  ] as const)('%s', (_name, sub, revision, known, defined) => {
    expect(revisionValidator(sub, revision, known) !== undefined).toBe(defined);
  });

  const base = (sub: 'commits' | 'diffstat', revision: PullRequestRevision) => revisionValidator(sub, revision, tips);
  test.each([
    ['the source hash', 'diffstat', merged, { ...merged, sourceHash: 'c'.repeat(40) }],
    ['the destination hash', 'diffstat', merged, { ...merged, destinationHash: 'c'.repeat(40) }],
    ['the state (Bitbucket marks a pull request merged on its own)', 'diffstat', open, merged],
    ['the destination hash of commits', 'commits', merged, { ...merged, destinationHash: 'c'.repeat(40) }],
  ] as const)('a change of %s is a new validator', (_name, sub, before, after) => {
    expect(base(sub, after)).not.toEqual(base(sub, before));
  });

  test('a deleted source branch is a new commits validator (the list is then empty), not a new merged diffstat one', () => {
    const gone = new Map([['main', DESTINATION]]);
    expect(revisionValidator('commits', merged, gone)).not.toEqual(revisionValidator('commits', merged, tips));
    expect(revisionValidator('diffstat', merged, gone)).toEqual(revisionValidator('diffstat', merged, tips));
  });

  test('an open pull request whose destination branch moved has a new validator, whatever its listed hashes say', () => {
    const moved = new Map([...tips, ['main', 'c'.repeat(40)]]);
    expect(revisionValidator('diffstat', open, moved)).not.toEqual(revisionValidator('diffstat', open, tips));
    expect(revisionValidator('commits', open, moved)).not.toEqual(revisionValidator('commits', open, tips));
  });
});

describe('branch tips, read once per repository at a time', () => {
  const items = new Map<string, Buffer>();
  const memo = new ListMemo({
    store: { get: async (key) => items.get(key), set: async (key, value) => void items.set(key, value) },
    principalKey: () => 'principal',
    keepSeconds: 60,
    freshSeconds: 0,
    generation: async () => 'g',
  });
  const credential = { kind: 'bearer', token: 't' } as const;
  const HEADS = '/repositories/acme-dev/widget/refs/branches';
  const page = (values: unknown[]): MemoPage => ({ page: { values, pagelen: 100 } });
  /** Bitbucket as a page source: the heads answer after a turn of the event loop (or fail, for `failHeads`). */
  const source = (reads: string[], failHeads = false): PageSource =>
    async function* ({ path }) {
      reads.push(path);
      await new Promise((resolve) => setImmediate(resolve));
      if (path === HEADS && failHeads) throw new Error('aborted: the client went away');
      yield path === HEADS ? page([{ name: 'feature/x', target: { hash: SOURCE } }, { name: 'main', target: { hash: DESTINATION } }]) : page([{ hash: SOURCE }]);
    };
  const walk = async (id: number, pages: PageSource) => {
    const list = memo.listOf(`/repositories/acme-dev/widget/pullrequests/${id}/commits`, { pagelen: 100 }, merged)!;
    const values: unknown[] = [];
    for await (const located of memo.walk(list, credential, pages)) values.push(...located.page.values);
    return values;
  };

  test('the commits of four pull requests of one repository read at once list its branches once', async () => {
    const reads: string[] = [];
    await Promise.all([1, 2, 3, 4].map((id) => walk(id, source(reads))));
    expect(reads.filter((path) => path === HEADS)).toHaveLength(1);
  });

  test("a read another request started and lost (its client went away) is read again, not that request's error", async () => {
    const reads: string[] = [];
    const [lost, kept] = await Promise.allSettled([walk(5, source([], true)), walk(6, source(reads))]);
    expect(lost.status).toBe('rejected');
    expect(kept).toEqual({ status: 'fulfilled', value: [{ hash: SOURCE }] });
    expect(reads).toEqual([HEADS, '/repositories/acme-dev/widget/pullrequests/6/commits']);
  });
});

describe('pull request commits and diffstat against the sandbox', () => {
  let stack: Stack;
  let cold: ReturnType<typeof supertest>;
  let warm: WarmAndCold;
  const pastWindow = () => warm.pastWindow();
  // One repository (16 pull requests): merged ones whose source branch is still there, open ones with commits.
  const SCOPE = "$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'widget'";

  beforeAll(async () => {
    warm = await startWarmAndCold();
    ({ stack, cold } = warm);
  });
  afterAll(() => warm?.close());

  const walk = (request: ReturnType<typeof supertest>, set: string, authorization = DEMO_BEARER) => walkPages(stack, request, `/odata/${set}?${SCOPE}`, authorization);

  const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${DEMO_USER.bearerToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
    return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
  };
  const subLists = (calls: UpstreamCall[]) => calls.filter((call) => /\/pullrequests\/\d+\/(commits|diffstat)$/.test(call.path));

  test('past the freshness window, a second walk reads no pull request whose revision is unchanged', async () => {
    for (const set of ['PullRequestCommits', 'PullRequestDiffstat']) {
      const first = await walk(stack.request, set);
      expect(subLists(first.calls)).toHaveLength(16);
      pastWindow();
      const second = await walk(stack.request, set);
      expect(second.rows).toEqual(first.rows);
      expect(subLists(second.calls)).toEqual([]);
      // The pull request list (whose items carry each revision) and the branch tips the validators read; nothing else.
      expect(second.calls.map((call) => call.path).sort()).toEqual(
        ['/2.0/repositories/acme-dev/widget/pullrequests', ...(set === 'PullRequestCommits' || second.calls.some((call) => call.path.endsWith('/refs/branches')) ? ['/2.0/repositories/acme-dev/widget/refs/branches'] : [])].sort(),
      );
      expect((await walk(cold, set)).rows).toEqual(second.rows);
    }
  });

  test('writes made directly in the sandbox show in the next walk past the window, equal to a cold read', async () => {
    const prs = (await api('GET', '/repositories/acme-dev/widget/pullrequests?state=OPEN&state=MERGED&pagelen=50')).values as Array<{
      id: number;
      state: string;
      source: { branch: { name: string }; commit: { hash: string } };
    }>;
    const branches = new Set(((await api('GET', '/repositories/acme-dev/widget/refs/branches?pagelen=100')).values as Array<{ name: string }>).map((branch) => branch.name));
    const commitsOf = async (id: number) => ((await api('GET', `/repositories/acme-dev/widget/pullrequests/${id}/commits?pagelen=100`)).values as unknown[]).length;
    const mergedWithBranch = prs.find((pr) => pr.state === 'MERGED' && branches.has(pr.source.branch.name))!;
    const openOne = prs.find((pr) => pr.state === 'OPEN' && branches.has(pr.source.branch.name))!;
    expect(await commitsOf(mergedWithBranch.id)).toBeGreaterThan(0);
    expect(await commitsOf(openOne.id)).toBeGreaterThan(0);

    pastWindow();
    const before = await walk(stack.request, 'PullRequestCommits');
    await walk(stack.request, 'PullRequestDiffstat');
    await walk(stack.request, 'PullRequestComments');

    // A merged pull request's source branch deleted ("This list will be empty if the source branch no longer exists").
    await api('DELETE', `/repositories/acme-dev/widget/refs/branches/${encodeURIComponent(mergedWithBranch.source.branch.name)}`);
    // An open pull request's destination moved onto its source's head: nothing is left to merge.
    const landing = `landing/${openOne.id}`;
    await api('POST', '/repositories/acme-dev/widget/refs/branches', { name: landing, target: { hash: openOne.source.commit.hash } });
    await api('PUT', `/repositories/acme-dev/widget/pullrequests/${openOne.id}`, { destination: { branch: { name: landing } } });
    // A comment added.
    await api('POST', `/repositories/acme-dev/widget/pullrequests/${openOne.id}/comments`, { content: { raw: 'Written directly in Bitbucket' } });
    expect(await commitsOf(mergedWithBranch.id)).toBe(0);
    expect(await commitsOf(openOne.id)).toBe(0);

    pastWindow();
    for (const set of ['PullRequestCommits', 'PullRequestDiffstat', 'PullRequestComments']) {
      const after = await walk(stack.request, set);
      expect({ set, rows: after.rows }).toEqual({ set, rows: (await walk(cold, set)).rows });
      if (set === 'PullRequestCommits') {
        expect(after.rows.length).toBeLessThan(before.rows.length);
        // Only the two pull requests whose revision changed are read again.
        expect(subLists(after.calls).map((call) => call.path).sort()).toEqual([mergedWithBranch.id, openOne.id].map((id) => `/2.0/repositories/acme-dev/widget/pullrequests/${id}/commits`).sort());
      }
      if (set === 'PullRequestComments') expect(JSON.stringify(after.rows)).toContain('Written directly in Bitbucket');
    }
  });

  test("security: the lists kept for one user are never another's", async () => {
    await walk(stack.request, 'PullRequestCommits');
    const basic = `Basic ${Buffer.from(`${OTHER_USER.email}:${OTHER_USER.apiToken}`).toString('base64')}`;
    await stack.clearUpstreamCalls();
    // Olga is no member of acme-dev: widget is public, so she may read it, but from Bitbucket, not from the demo user's memo.
    const response = await stack.request.get(`/odata/PullRequestCommits?${SCOPE}`).set('Authorization', basic);
    const calls = await stack.upstreamCalls();
    expect(response.status).toBe(200);
    expect(subLists(calls)).toHaveLength(16);
  });
});

describeWithRedis('pull request sub-lists kept in Redis serve every replica', () => {
  let stack: Stack;
  let replicaB: SecondReplica;
  let clock = Date.parse('2026-09-01T10:00:00Z');
  const URL = "/odata/PullRequestDiffstat?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'widget'";

  beforeAll(async () => {
    // A secret of this run only: principal hashes (and so memo entries) of earlier runs are never found.
    const secret = `spec-sub-lists-redis-${process.pid}-${Date.now()}-padding-padding`;
    stack = await startStack({ env: { REDIS_URL: TEST_REDIS_URL!, SKIPTOKEN_SECRET: secret, UPSTREAM_CACHE_SECONDS: '60', LOG_LEVEL: 'error' }, now: () => clock });
    replicaB = await startSecondReplica(stack.config, () => clock);
  });
  afterAll(async () => {
    await replicaB.close();
    await stack.close();
  });

  test("a pull request's diffstat read through one replica is not read again through the other past the window", async () => {
    const onA = await stack.request.get(URL).set('Authorization', DEMO_BEARER);
    expect(onA.status).toBe(200);
    clock += 61_000;
    await stack.clearUpstreamCalls();
    const onB = await supertest(replicaB.app).get(URL).set('Authorization', DEMO_BEARER);
    expect(onB.status).toBe(200);
    expect(onB.body.value).toEqual(onA.body.value);
    const calls = await stack.upstreamCalls();
    expect(calls.filter((call) => /\/pullrequests\/\d+\/diffstat$/.test(call.path))).toEqual([]);
  });
});
