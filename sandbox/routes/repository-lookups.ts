import { SandboxHttpError } from '../bitbucket-error';
import type { CommitRecord, PipelineRecord, PullRequestRecord, RepositoryData } from '../seed/records';
import { notFound } from './not-found';
import type { RepositoryRouteContext, RouteContext } from './route-context';

/** The repository a repository-level route resolved (the interpreter did, before `list`/`find` run). */
export function repositoryOf(ctx: RepositoryRouteContext): RepositoryData {
  return ctx.repository;
}

/** A full hash or an unambiguous prefix of at least 4 hex digits, as Bitbucket accepts short hashes. */
export function findCommitByHash(data: RepositoryData, hash: string): CommitRecord | undefined {
  const wanted = hash.toLowerCase();
  if (!/^[0-9a-f]{4,40}$/.test(wanted)) return undefined;
  const matches = data.commits.filter((c) => c.hash.startsWith(wanted));
  return matches.length === 1 ? matches[0] : undefined;
}

/** A revision as `include`/`exclude` and `/commits/{revision}` take it: branch, tag or commit hash. */
export function resolveRevision(data: RepositoryData, revision: string): string {
  const branch = data.branches.find((b) => b.name === revision);
  if (branch) return branch.targetHash;
  const tag = data.tags.find((t) => t.name === revision);
  if (tag) return tag.targetHash;
  const commit = findCommitByHash(data, revision);
  if (commit) return commit.hash;
  throw notFound.commit(revision);
}

/** Hashes reachable from `tips` along parent links (like `git rev-list`). */
function reachableFrom(data: RepositoryData, tips: readonly string[]): Set<string> {
  const parentsOf = new Map(data.commits.map((c) => [c.hash, c.parents]));
  const seen = new Set<string>();
  const stack = [...tips];
  while (stack.length > 0) {
    const hash = stack.pop()!;
    if (seen.has(hash)) continue;
    seen.add(hash);
    for (const parent of parentsOf.get(hash) ?? []) stack.push(parent);
  }
  return seen;
}

/**
 * `GET .../commits[/{revision}]?include=..&exclude=..`: commits reachable from any include (every commit when there
 * is none) and from no exclude, newest first (the store keeps commits in date order).
 */
export function selectCommits(data: RepositoryData, includes: readonly string[], excludes: readonly string[]): CommitRecord[] {
  const included = includes.length > 0 ? reachableFrom(data, includes.map((r) => resolveRevision(data, r))) : undefined;
  const excluded = excludes.length > 0 ? reachableFrom(data, excludes.map((r) => resolveRevision(data, r))) : new Set<string>();
  return data.commits.filter((c) => (!included || included.has(c.hash)) && !excluded.has(c.hash));
}

export function findPullRequest(ctx: RepositoryRouteContext): PullRequestRecord {
  const data = repositoryOf(ctx);
  const id = ctx.params.id;
  const pr = /^[0-9]+$/.test(id) ? data.pullRequests.find((p) => p.id === Number(id)) : undefined;
  if (!pr) throw notFound.pullRequest(id);
  return pr;
}

export function findPipeline(ctx: RepositoryRouteContext): PipelineRecord {
  const data = repositoryOf(ctx);
  const wanted = ctx.params.pipeline.toLowerCase();
  // Bitbucket also accepts a pipeline's build number in place of its UUID.
  const pipeline = data.pipelines.find((p) => p.uuid.toLowerCase() === wanted || String(p.buildNumber) === wanted);
  if (!pipeline) throw notFound.pipeline(ctx.params.pipeline);
  return pipeline;
}

const PULL_REQUEST_STATES = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'] as const;

/**
 * The pull request lists' `state` parameter: repeatable, each one of the four states; absent means OPEN only
 * (Bitbucket: "Only return pull requests that are in this state. This parameter can be repeated."). The sandbox
 * applies the OPEN default even when `q` names `state`, so a client that forgets `state=` sees only open ones.
 */
export function requestedStates(ctx: RouteContext): Set<string> {
  const states = ctx.query.getAll('state').map((s) => s.toUpperCase());
  for (const state of states) {
    if (!(PULL_REQUEST_STATES as readonly string[]).includes(state)) {
      throw new SandboxHttpError(400, `Invalid state "${state}": use one of ${PULL_REQUEST_STATES.join(', ')} (the parameter may be repeated)`);
    }
  }
  return new Set(states.length > 0 ? states : ['OPEN']);
}
