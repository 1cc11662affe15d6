import { SEED_NOW_MS } from '../../../sandbox/seed/clock';
import { buildSeed } from '../../../sandbox/seed/build-seed';
import { DEFAULT_SANDBOX_OPTIONS } from '../../../sandbox/options';
import { WORKSPACE_SLUGS } from '../../../sandbox/identities';

const seed = buildSeed({ size: 'default', seed: DEFAULT_SANDBOX_OPTIONS.seed });
const all = <T>(pick: (r: (typeof seed.repositories)[number]) => T[]): T[] => seed.repositories.flatMap(pick);

describe('buildSeed (default size)', () => {
  it('is deterministic: the same seed gives byte-identical data, another seed other data', () => {
    expect(JSON.stringify(buildSeed({ size: 'default', seed: DEFAULT_SANDBOX_OPTIONS.seed }))).toBe(JSON.stringify(seed));
    expect(JSON.stringify(buildSeed({ size: 'default', seed: 7 }))).not.toBe(JSON.stringify(seed));
  });

  it('has the documented sizes', () => {
    expect(seed.workspaces.map((w) => w.slug)).toEqual([...WORKSPACE_SLUGS]);
    expect(seed.repositories).toHaveLength(25);
    expect(all((r) => r.commits)).toHaveLength(3000);
    expect(all((r) => r.pullRequests)).toHaveLength(400);
    expect(seed.users.length).toBeGreaterThanOrEqual(22);
    for (const w of seed.workspaces) {
      const projects = seed.projects.filter((p) => p.workspaceUuid === w.uuid).length;
      expect(projects).toBeGreaterThanOrEqual(3);
      expect(projects).toBeLessThanOrEqual(5);
    }
  });

  it('has pull requests in every state, and comments, pipelines, deployments, statuses, restrictions and hooks', () => {
    const states = new Set(all((r) => r.pullRequests).map((p) => p.state));
    expect([...states].sort()).toEqual(['DECLINED', 'MERGED', 'OPEN', 'SUPERSEDED']);
    const lists: Array<keyof (typeof seed.repositories)[number]> = ['pullRequestComments', 'pipelines', 'pipelineSteps', 'deployments',
      'environments', 'commitStatuses', 'branchRestrictions', 'webhooks', 'tags', 'defaultReviewerUuids'];
    for (const list of lists) expect(seed.repositories.some((r) => (r[list] as unknown[]).length > 0)).toBe(true);
  });

  it('keeps commits newest first with parents present and older', () => {
    for (const data of seed.repositories) {
      const position = new Map(data.commits.map((c, i) => [c.hash, i]));
      data.commits.forEach((commit, i) => {
        for (const parent of commit.parents) expect(position.get(parent)).toBeGreaterThan(i);
        if (i > 0) expect(commit.date <= data.commits[i - 1].date).toBe(true);
      });
      for (const ref of [...data.branches, ...data.tags]) expect(position.has(ref.targetHash)).toBe(true);
    }
  });

  it('dates lie in 2019..2026-11-01 with Bitbucket precision', () => {
    const nowIso = new Date(SEED_NOW_MS).toISOString();
    for (const pr of all((r) => r.pullRequests)) {
      expect(pr.createdOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      expect(pr.createdOn <= pr.updatedOn).toBe(true);
      expect(pr.updatedOn < nowIso).toBe(true);
      expect(pr.createdOn >= '2019').toBe(true);
    }
    for (const c of all((r) => r.commits)) expect(c.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });

  it('contains the awkward cases a gateway must survive', () => {
    const titles = all((r) => r.pullRequests).map((p) => p.title);
    expect(titles.some((t) => t.includes('"'))).toBe(true);
    expect(titles.some((t) => t.includes("'"))).toBe(true);
    expect(titles.some((t) => t.includes('\\'))).toBe(true);
    expect(titles.some((t) => /\p{Extended_Pictographic}/u.test(t))).toBe(true);
    expect(titles.some((t) => /[日本語]/.test(t))).toBe(true);
    expect(titles).toEqual(expect.arrayContaining(['Update README', 'update readme']));
    expect(all((r) => r.pullRequests).some((p) => p.description === '')).toBe(true);
    expect(seed.users.map((u) => u.displayName)).toEqual(expect.arrayContaining(['Alex Kim', 'alex kim']));
    const branchNames = seed.repositories[0].branches.map((b) => b.name);
    expect(branchNames).toEqual(expect.arrayContaining(['feature/Login-Page', 'feature/login-page']));
    // Three pull requests of the first repository share created_on to the microsecond.
    const created = seed.repositories[0].pullRequests.map((p) => p.createdOn);
    expect(Math.max(...[...new Set(created)].map((c) => created.filter((x) => x === c).length))).toBeGreaterThanOrEqual(3);
    // Null-valued fields exist where Bitbucket has them.
    expect(all((r) => r.pullRequests).some((p) => p.mergeCommitHash === null && p.closedByUuid === null)).toBe(true);
    expect(all((r) => r.tags).some((t) => t.message === null)).toBe(true);
  });

  it('contains acme-dev/platform-api, the repository access token target', () => {
    const acme = seed.workspaces.find((w) => w.slug === 'acme-dev')!;
    expect(seed.repositories.some((r) => r.repository.workspaceUuid === acme.uuid && r.repository.slug === 'platform-api')).toBe(true);
  });
});

describe('buildSeed (large size)', () => {
  it('has >= 200 repositories and >= 100,000 commits', () => {
    const large = buildSeed({ size: 'large', seed: 1 });
    expect(large.repositories.length).toBeGreaterThanOrEqual(200);
    expect(large.repositories.reduce((n, r) => n + r.commits.length, 0)).toBeGreaterThanOrEqual(100_000);
  });
});
