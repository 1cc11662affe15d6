import type { RunningSandbox } from '../../../sandbox/app';
import { DEMO_USER } from '../../../sandbox/identities';
import type { RepositoryData } from '../../../sandbox/seed/records';
import { AS_DEMO, getJson, readAll, startTestSandbox } from '../sandbox-fixture';

let sandbox: RunningSandbox;
let repo: RepositoryData;
let base: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  repo = sandbox.store.repositories[0];
  base = `${sandbox.apiUrl}/repositories/acme-dev/${repo.repository.slug}`;
});
afterAll(() => sandbox.close());

const ALL_STATES = 'state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED';

/** Every collection: its URL (with the largest allowed pagelen) and how many items the store holds for it. */
const collections: Array<[name: string, url: () => string, expected: () => number]> = [
  ['user workspaces', () => `${sandbox.apiUrl}/user/workspaces?pagelen=100`, () => sandbox.store.membershipsOfUser(DEMO_USER.uuid).length],
  ['repositories', () => `${sandbox.apiUrl}/repositories/acme-dev?pagelen=100`, () => sandbox.store.repositoriesOf(sandbox.store.findWorkspace('acme-dev')!.uuid).length],
  ['members', () => `${sandbox.apiUrl}/workspaces/acme-dev/members?pagelen=100`, () => sandbox.store.membershipsOf(sandbox.store.findWorkspace('acme-dev')!.uuid).length],
  ['projects', () => `${sandbox.apiUrl}/workspaces/acme-dev/projects?pagelen=100`, () => sandbox.store.projectsOf(sandbox.store.findWorkspace('acme-dev')!.uuid).length],
  ['refs', () => `${base}/refs?pagelen=100`, () => repo.branches.length + repo.tags.length],
  ['branches', () => `${base}/refs/branches?pagelen=100`, () => repo.branches.length],
  ['tags', () => `${base}/refs/tags?pagelen=100`, () => repo.tags.length],
  ['commits', () => `${base}/commits?pagelen=100`, () => repo.commits.length],
  ['pull requests', () => `${base}/pullrequests?pagelen=50&${ALL_STATES}`, () => repo.pullRequests.length],
  ['comments', () => `${base}/pullrequests/${busiestPullRequest()}/comments?pagelen=100`, () => repo.pullRequestComments.filter((c) => c.pullRequestId === busiestPullRequest()).length],
  ['pipelines', () => `${base}/pipelines?pagelen=100`, () => repo.pipelines.length],
  ['environments', () => `${base}/environments?pagelen=100`, () => repo.environments.length],
  ['deployments', () => `${base}/deployments?pagelen=100`, () => repo.deployments.length],
  ['branch restrictions', () => `${base}/branch-restrictions?pagelen=100`, () => repo.branchRestrictions.length],
  ['default reviewers', () => `${base}/default-reviewers?pagelen=100`, () => repo.defaultReviewerUuids.length],
  ['hooks', () => `${base}/hooks?pagelen=100`, () => repo.webhooks.length],
  ['workspace pull requests by author', () => `${sandbox.apiUrl}/workspaces/acme-dev/pullrequests/${encodeURIComponent(DEMO_USER.uuid)}?pagelen=50&${ALL_STATES}`,
    () => sandbox.store.repositoriesOf(sandbox.store.findWorkspace('acme-dev')!.uuid).flatMap((r) => r.pullRequests).filter((p) => p.authorUuid === DEMO_USER.uuid).length],
];

function busiestPullRequest(): number {
  const counts = new Map<number, number>();
  for (const c of repo.pullRequestComments) counts.set(c.pullRequestId, (counts.get(c.pullRequestId) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

/** Items are told apart by their self link where they have one (PR ids repeat across repositories). */
const identity = (item: Record<string, unknown>): string =>
  JSON.stringify((item.links as { self?: { href: string } } | undefined)?.self?.href ?? item.uuid ?? item.id ?? item.hash ?? item.name ?? (item.workspace as { slug?: string })?.slug ?? item);

describe('paging through every collection', () => {
  it.each(collections)('%s: all items exactly once', async (_name, url, expected) => {
    const { values, pages } = await readAll(url());
    expect(values).toHaveLength(expected());
    expect(new Set(values.map(identity)).size).toBe(values.length);
    const first = pages[0];
    if ('size' in first) expect(first.size).toBe(expected());
  });

  it('pages small: pagelen=7 gives the same items in the same order as one big page', async () => {
    const big = await readAll(`${base}/commits?pagelen=100`);
    const small = await readAll(`${base}/commits?pagelen=7`);
    expect(small.values.map((c) => c.hash)).toEqual(big.values.map((c) => c.hash));
    expect(small.pages[0]).not.toHaveProperty('size');
    expect(small.pages[0]).not.toHaveProperty('previous');
  });

  it('list paging: page 2 has previous, keeps every other parameter in next/previous', async () => {
    const { body } = await getJson(`${base}/pullrequests?${ALL_STATES}&pagelen=3&page=2&sort=-created_on`);
    expect(body.page).toBe(2);
    for (const link of [body.next, body.previous] as string[]) {
      const params = new URL(link).searchParams;
      expect(params.getAll('state')).toEqual(['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']);
      expect(params.get('sort')).toBe('-created_on');
      expect(params.get('pagelen')).toBe('3');
    }
    expect(body.next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/2\.0\//);
  });

  it.each([
    ['pull requests (max 50)', () => `${base}/pullrequests?pagelen=51`],
    ['repositories (max 100)', () => `${sandbox.apiUrl}/repositories/acme-dev?pagelen=101`],
    ['commits (max 100)', () => `${base}/commits?pagelen=101`],
    ['activity (max 50)', () => `${base}/pullrequests/1/activity?pagelen=51`],
  ])('pagelen over the maximum on %s is 400 "Invalid pagelen"', async (_name, url) => {
    const { status, body } = await getJson(url());
    expect(status).toBe(400);
    expect(body).toEqual({ type: 'error', error: { message: 'Invalid pagelen' } });
  });

  it('the default page size is 10', async () => {
    const { body } = await getJson(`${base}/commits`);
    expect(body.pagelen).toBe(10);
    expect(body.values).toHaveLength(10);
  });
});

describe('sub-collections', () => {
  it('pipeline steps and activity page through', async () => {
    const pipeline = repo.pipelines[0];
    const steps = await readAll(`${base}/pipelines/${encodeURIComponent(pipeline.uuid)}/steps?pagelen=100`);
    expect(steps.values).toHaveLength(repo.pipelineSteps.filter((s) => s.pipelineUuid === pipeline.uuid).length);
    const activity = await readAll(`${base}/pullrequests/${busiestPullRequest()}/activity?pagelen=2`, AS_DEMO);
    expect(activity.values.length).toBeGreaterThan(2);
  });
});
