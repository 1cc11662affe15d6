/**
 * The recipes of docs/recipes/ compute real numbers (issue #16, item 3). The metrics are computed twice:
 * - through the gateway (real HTTP, the sets the recipes read, with their `$select` and filters), fed to
 *   `recipe-metrics.ts`, which mirrors the M steps and DAX measures;
 * - straight from the sandbox's seed records (a `SandboxStore` built from the same seed the stack's sandbox uses),
 *   with code written from the records' own fields (participants, comments, pull request state and times,
 *   deployments and environments), not from the gateway's rows.
 * They must agree. The `.pbids` file and the `OData.Feed` template are linted, and every column the recipe module
 * reads is named in the M files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SANDBOX_OPTIONS } from '../../sandbox/options';
import type { RepositoryData } from '../../sandbox/seed/records';
import { SandboxStore } from '../../sandbox/store/sandbox-store';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { cycleTimeMeasures, dora, median, pullRequestCycles, RECIPE_COLUMNS, weekOf, type Row } from './recipe-metrics';

const RECIPES = path.join(__dirname, '../../docs/recipes');
const read = (file: string): string => readFileSync(path.join(RECIPES, file), 'utf8');

let stack: Stack;
const seed = new SandboxStore({ size: DEFAULT_SANDBOX_OPTIONS.size, seed: DEFAULT_SANDBOX_OPTIONS.seed });
/**
 * Every repository the demo user sees, read one by one as the recipes do (they take a repository as parameter).
 * All of them, because the cases that tell a right recipe from a wrong one are spread out: the seed requests changes
 * only on pull requests later declined, authors comment on their own pull requests in some repositories, STOPPED
 * production deployments in others.
 */
let REPOSITORIES: Array<[string, string]> = [];
beforeAll(async () => {
  stack = await startStack({ config: { maxPageSize: 100_000 } });
  const repositories = await rows('Repositories', 'true', ['Workspace', 'Slug']);
  REPOSITORIES = repositories.map((r) => [String(r.Workspace), String(r.Slug)]);
  expect(REPOSITORIES.length).toBeGreaterThan(10);
});
afterAll(() => stack.close());

const repoFilter = (workspace: string, slug: string) => `Workspace eq '${workspace}' and RepositorySlug eq '${slug}'`;

/** Every row of a query, every nextLink followed, as OData.Feed reads. */
async function rows(set: keyof typeof RECIPE_COLUMNS | 'Repositories', filter: string, select: readonly string[]): Promise<Row[]> {
  const all: Row[] = [];
  let url: string | undefined = `/odata/${set}?$filter=${encodeURIComponent(filter)}&$select=${select.join(',')}`;
  while (url) {
    const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
    if (response.status !== 200) throw new Error(`${url} → ${response.status} ${response.text}`);
    all.push(...(response.body.value as Row[]));
    const next = response.body['@odata.nextLink'] as string | undefined;
    url = next ? next.slice(next.indexOf('/odata/')) : undefined;
  }
  return all;
}

async function gatewayRows(set: keyof typeof RECIPE_COLUMNS): Promise<Row[]> {
  const all: Row[] = [];
  for (const [workspace, slug] of REPOSITORIES) all.push(...await rows(set, repoFilter(workspace, slug), RECIPE_COLUMNS[set]));
  return all;
}

function seedRepositories(): Array<{ workspace: string; data: RepositoryData }> {
  return REPOSITORIES.map(([workspace, slug]) => {
    const ws = seed.workspaces.find((w) => w.slug === workspace)!;
    return { workspace, data: seed.findRepository(ws.uuid, slug)! };
  });
}

const hoursBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 3_600_000;
const first = (dates: string[]): string | null => (dates.length === 0 ? null : [...dates].sort((a, b) => Date.parse(a) - Date.parse(b))[0]);

describe('pull-request cycle time', () => {
  test('the recipe through the gateway equals the seed: per pull request and the medians', async () => {
    const cycles = pullRequestCycles(await gatewayRows('PullRequests'), await gatewayRows('PullRequestActivity'));

    // From the seed: every pull request; reviews are approvals and change requests (a participant's
    // participated_on) and comments by anyone but the author; a merged one was merged at its last update.
    const expected = seedRepositories().flatMap(({ workspace, data }) => data.pullRequests.map((pr) => {
      const merged = pr.state === 'MERGED';
      const others = pr.participants.filter((p) => p.userUuid !== pr.authorUuid && p.participatedOn !== null);
      const approvals = others.filter((p) => p.approved).map((p) => p.participatedOn!);
      const changeRequests = others.filter((p) => p.state === 'changes_requested').map((p) => p.participatedOn!);
      const comments = data.pullRequestComments.filter((c) => c.pullRequestId === pr.id && c.userUuid !== pr.authorUuid).map((c) => c.createdOn);
      const firstReviewOn = first([...approvals, ...changeRequests, ...comments]);
      const firstApprovalOn = first(approvals);
      return {
        key: `${workspace}/${data.repository.slug}#${pr.id}`,
        firstReviewOn: firstReviewOn && Date.parse(firstReviewOn),
        firstApprovalOn: firstApprovalOn && Date.parse(firstApprovalOn),
        mergedOn: merged ? Date.parse(pr.updatedOn) : null,
        cycleTime: merged ? hoursBetween(pr.createdOn, pr.updatedOn) : null,
      };
    }));
    expect(expected.length).toBeGreaterThan(100);
    expect(cycles.map((c) => ({
      key: c.key,
      firstReviewOn: c.firstReviewOn && Date.parse(c.firstReviewOn),
      firstApprovalOn: c.firstApprovalOn && Date.parse(c.firstApprovalOn),
      mergedOn: c.mergedOn && Date.parse(c.mergedOn),
      cycleTime: c.cycleTime,
    })).sort((a, b) => a.key.localeCompare(b.key))).toEqual(expected.sort((a, b) => a.key.localeCompare(b.key)));

    const measures = cycleTimeMeasures(cycles);
    expect(measures.mergedPullRequests).toBe(expected.filter((e) => e.mergedOn !== null).length);
    expect(measures.medianCycleTime).toBeCloseTo(median(expected.map((e) => e.cycleTime))!, 9);
    // The data exercises every stage: some merged pull requests have a review and an approval.
    expect(measures.medianTimeToFirstReview).not.toBeNull();
    expect(measures.medianApprovalToMerge).not.toBeNull();
  });
});

describe('DORA metrics', () => {
  test('the recipe through the gateway equals the seed', async () => {
    const repositories = await rows('Repositories', 'true', ['Workspace', 'Slug', 'MainBranch']);
    const mainBranches = new Map(repositories.map((r) => [`${String(r.Workspace)}/${String(r.Slug)}`, String(r.MainBranch)]));
    const metrics = dora(await gatewayRows('Deployments'), await gatewayRows('Environments'), await gatewayRows('Commits'), await gatewayRows('Pipelines'), mainBranches);

    // From the seed: deployments to the environment typed Production.
    const repos = seedRepositories();
    const production = repos.flatMap(({ data }) => {
      const env = data.environments.find((e) => e.environmentType === 'Production');
      return data.deployments.filter((d) => d.environmentUuid === env?.uuid).map((d) => ({ ...d, data }));
    });
    expect(production.some((d) => d.statusName === 'STOPPED')).toBe(true);
    const ok = production.filter((d) => d.statusName === 'SUCCESSFUL');
    const failed = production.filter((d) => d.statusName === 'FAILED');
    expect(failed.length).toBeGreaterThan(0);
    expect(metrics.deployments).toBe(ok.length);
    const perWeek: Record<string, number> = {};
    for (const d of ok) perWeek[weekOf(d.completionDate)] = (perWeek[weekOf(d.completionDate)] ?? 0) + 1;
    expect(metrics.deploymentsPerWeek).toEqual(perWeek);
    const leadTimes = ok.map((d) => hoursBetween(d.data.commits.find((c) => c.hash === d.commitHash)!.date, d.completionDate));
    expect(metrics.medianLeadTimeHours).toBeCloseTo(median(leadTimes)!, 9);
    expect(metrics.changeFailureRate).toBeCloseTo(failed.length / (ok.length + failed.length), 12);
    const restores = failed.flatMap((f) => {
      const later = ok.filter((d) => d.data === f.data && Date.parse(d.completionDate) > Date.parse(f.completionDate))
        .sort((a, b) => Date.parse(a.completionDate) - Date.parse(b.completionDate));
      return later.length > 0 ? [hoursBetween(f.completionDate, later[0].completionDate)] : [];
    });
    expect(restores.length).toBeGreaterThan(0);
    expect(metrics.medianTimeToRestoreHours).toBeCloseTo(median(restores)!, 9);
    expect(metrics.unrestoredFailures).toBe(failed.length - restores.length);

    // The pipeline fallback: completed main-branch runs that were not stopped.
    const runs = repos.flatMap(({ data }) => data.pipelines.filter((p) => p.stateName === 'COMPLETED' && p.refName === data.repository.mainBranch && p.resultName !== 'STOPPED'));
    expect(metrics.mainPipelineSuccesses).toBe(runs.filter((p) => p.resultName === 'SUCCESSFUL').length);
    expect(metrics.mainPipelineFailureRate).toBeCloseTo(runs.filter((p) => p.resultName === 'FAILED' || p.resultName === 'ERROR').length / runs.length, 12);
  });
});

describe('recipe files', () => {
  test('the .pbids opens an OData feed: valid JSON, version, protocol odata, an absolute /odata/ url', () => {
    const pbids = JSON.parse(read('bitbucket-odata.pbids')) as { version: string; connections: Array<{ details: { protocol: string; address: { url: string } }; mode?: string }> };
    expect(pbids.version).toBe('0.1');
    expect(pbids.connections).toHaveLength(1);
    expect(pbids.connections[0].details.protocol).toBe('odata');
    expect(new URL(pbids.connections[0].details.address.url).pathname).toMatch(/\/odata\/?$/);
  });

  test('the OData.Feed template: Implementation 2.0, nulls omitted, OData v4, incremental refresh on UpdatedOn that folds', () => {
    const template = read('odata-feed-template.pq');
    expect(template).toContain('Implementation = "2.0"');
    expect(template).toContain('OmitValues = ODataOmitValues.Nulls');
    expect(template).toContain('ODataVersion = 4');
    // RangeStart/RangeEnd are the parameters Power BI's incremental refresh fills; ge/lt partitions the windows.
    expect(template).toContain('[UpdatedOn] >= DateTime.AddZone(RangeStart, 0) and [UpdatedOn] < DateTime.AddZone(RangeEnd, 0)');
  });

  test.each([
    ['pull-request-cycle-time.pq', ['PullRequests', 'PullRequestActivity']],
    ['dora.pq', ['Deployments', 'Environments', 'Commits', 'Pipelines']],
  ] as const)('%s selects the columns the tested logic reads and opens the feed with the template options', (file, sets) => {
    const text = read(file);
    expect(text).toContain('Implementation = "2.0"');
    for (const set of sets) {
      const list = `{${RECIPE_COLUMNS[set].map((column) => `"${column}"`).join(', ')}}`;
      expect(`${set}: ${text.includes(list) ? 'ok' : `missing ${list}`}`).toBe(`${set}: ok`);
    }
  });

  test('each .dax file defines the measures the spec checks', () => {
    expect(read('pull-request-cycle-time.dax')).toMatch(/Median Cycle Time \(h\)\s*=/);
    const doraDax = read('dora.dax');
    for (const measure of ['Deployment Frequency (per week)', 'Lead Time for Changes (h)', 'Change Failure Rate', 'Time to Restore (h)']) {
      expect(doraDax).toContain(`${measure} =`);
    }
  });
});
