import type { BranchRecord, RepositoryData, TagRecord } from '../../seed/records';
import { presentGitIdentity } from './present-commit';
import { presentCommit } from './present-commit';
import { apiLink, webLink, type PresentContext } from './present-context';
import { fullName } from './present-repository';

const MERGE_STRATEGIES = ['merge_commit', 'squash', 'fast_forward', 'squash_fast_forward', 'rebase_fast_forward', 'rebase_merge'];

function target(ctx: PresentContext, data: RepositoryData, hash: string): Record<string, unknown> {
  const commit = data.commits.find((c) => c.hash === hash);
  if (!commit) throw new Error(`Ref target ${hash} missing from ${data.repository.slug}`);
  return presentCommit(ctx, data, commit);
}

function refLinks(ctx: PresentContext, data: RepositoryData, kind: 'branches' | 'tags', name: string) {
  const repo = fullName(ctx, data);
  return {
    self: apiLink(ctx, `/repositories/${repo}/refs/${kind}/${name}`),
    commits: apiLink(ctx, `/repositories/${repo}/commits/${name}`),
    html: webLink(ctx, `/${repo}/${kind === 'branches' ? 'branch' : 'commits/tag'}/${name}`),
  };
}

/** `GET .../refs/branches[/{name}]` items: the `branch` schema. */
export function presentBranch(ctx: PresentContext, data: RepositoryData, branch: BranchRecord): Record<string, unknown> {
  return {
    name: branch.name,
    target: target(ctx, data, branch.targetHash),
    links: refLinks(ctx, data, 'branches', branch.name),
    type: 'branch',
    merge_strategies: MERGE_STRATEGIES,
    default_merge_strategy: 'merge_commit',
  };
}

/** `GET .../refs/tags[/{name}]` items: the `tag` schema. Lightweight tags have null message, date and tagger. */
export function presentTag(ctx: PresentContext, data: RepositoryData, tag: TagRecord): Record<string, unknown> {
  return {
    name: tag.name,
    target: target(ctx, data, tag.targetHash),
    links: refLinks(ctx, data, 'tags', tag.name),
    type: 'tag',
    message: tag.message,
    date: tag.date,
    tagger: tag.tagger ? presentGitIdentity(ctx, tag.tagger) : null,
  };
}
