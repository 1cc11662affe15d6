import { formatMicros } from './clock';
import { generateCi } from './generate-ci';
import { generateHistory } from './generate-history';
import { generatePeople } from './generate-people';
import { generatePullRequests } from './generate-pull-requests';
import { generateRepositories, SeedSize } from './generate-repositories';
import { generateSettings } from './generate-settings';
import { Prng } from './prng';
import type { RepositoryData, SeedData, UserRecord } from './records';

export interface SeedOptions {
  size: SeedSize;
  seed: number;
}

/** Totals the seed aims at; commits are split between repositories by random weights (at least 20 each). */
const TOTALS: Record<SeedSize, { commits: number; pullRequestsPerRepository: number; pipelinesPerRepository: number }> = {
  default: { commits: 3_000, pullRequestsPerRepository: 16, pipelinesPerRepository: 12 },
  large: { commits: 102_400, pullRequestsPerRepository: 16, pipelinesPerRepository: 8 },
};
const MIN_COMMITS_PER_REPOSITORY = 20;

/** Splits `total` into `parts` integers >= `min` by random weights; the sum is exactly `total`. */
function split(rng: Prng, total: number, parts: number, min: number): number[] {
  const weights = Array.from({ length: parts }, () => 1 + rng.next() * 9);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const spare = total - parts * min;
  const counts = weights.map((w) => min + Math.floor((spare * w) / weightSum));
  counts[0] += total - counts.reduce((a, b) => a + b, 0);
  return counts;
}

/**
 * The whole seed, built from nothing but `options`: the same options give byte-identical data. Each repository gets
 * its own generator derived from the seed and its position, so one repository's data does not shift when another
 * repository's generation changes.
 */
export function buildSeed(options: SeedOptions): SeedData {
  const rng = new Prng(options.seed);
  const people = generatePeople(rng);
  const catalogue = generateRepositories(rng, people, options.size);
  const totals = TOTALS[options.size];
  const commitCounts = split(rng, totals.commits, catalogue.repositories.length, MIN_COMMITS_PER_REPOSITORY);
  const userByUuid = new Map(people.users.map((u) => [u.uuid, u]));
  const membersOf = (workspaceUuid: string): UserRecord[] =>
    people.memberships.filter((m) => m.workspaceUuid === workspaceUuid).map((m) => userByUuid.get(m.userUuid)!);
  const adminsOf = (workspaceUuid: string): UserRecord[] =>
    people.memberships.filter((m) => m.workspaceUuid === workspaceUuid && m.repositoryAccess === 'admin').map((m) => userByUuid.get(m.userUuid)!);
  const commentIds = { next: 100_000_001 };
  const restrictionIds = { next: 3_000_001 };

  const repositories: RepositoryData[] = catalogue.repositories.map((repository, index) => {
    const repoRng = new Prng((options.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
    const members = membersOf(repository.workspaceUuid);
    const history = generateHistory(repoRng, repository, commitCounts[index], members, index === 0);
    const prs = generatePullRequests(repoRng, history, repository.mainBranch, members, totals.pullRequestsPerRepository, index === 0, commentIds);
    const ci = generateCi(repoRng, repository, history, prs.pullRequests, members, totals.pipelinesPerRepository);
    const settings = generateSettings(repoRng, repository, members, adminsOf(repository.workspaceUuid), restrictionIds);
    repository.updatedOn = formatMicros(history.lastActivity + repoRng.int(0, 999_999));
    return {
      repository,
      commits: history.commits,
      branches: [...history.branches, ...prs.extraBranches],
      tags: history.tags,
      pullRequests: prs.pullRequests,
      pullRequestComments: prs.comments,
      commitStatuses: ci.commitStatuses,
      pipelines: ci.pipelines,
      pipelineSteps: ci.pipelineSteps,
      environments: ci.environments,
      deployments: ci.deployments,
      branchRestrictions: settings.branchRestrictions,
      defaultReviewerUuids: settings.defaultReviewerUuids,
      webhooks: settings.webhooks,
    };
  });
  return { users: people.users, workspaces: people.workspaces, memberships: people.memberships, projects: catalogue.projects, repositories };
}
