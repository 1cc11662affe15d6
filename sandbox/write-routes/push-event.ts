import type { BranchRecord, RepositoryData, TagRecord } from '../seed/records';
import { presentCommit } from '../routes/present/present-commit';
import { apiLink, webLink } from '../routes/present/present-context';
import { presentBranch, presentTag } from '../routes/present/present-ref';
import { fullName } from '../routes/present/present-repository';
import { isAncestor } from './git-refs';
import type { RepositoryWriteContext, WriteEvent } from './write-route';

/**
 * `repo:push` as Bitbucket Cloud sends it ("Event payloads", support.atlassian.com): `push.changes`, one per ref moved,
 * each `{old, new, created, closed, forced, commits, truncated, links}`. `old`/`new` are the ref (branch or tag, as
 * `GET .../refs/...` presents it) before and after, `null` when it did not exist before (created) or no longer does
 * (closed). `commits` are the commits new to the ref, most recent first, at most 5 ("up to 5 of the most recent
 * commits pushed to the reference ... truncated" otherwise).
 */
const MAX_PUSH_COMMITS = 5;

/** A ref as it is at one moment: its presentation then and the commit it pointed at. */
export interface RefSnapshot {
  name: string;
  hash: string;
  presented: Record<string, unknown>;
}

export const branchSnapshot = (ctx: RepositoryWriteContext, branch: BranchRecord): RefSnapshot =>
  ({ name: branch.name, hash: branch.targetHash, presented: presentBranch(ctx.present, ctx.repository, branch) });

export const tagSnapshot = (ctx: RepositoryWriteContext, tag: TagRecord): RefSnapshot =>
  ({ name: tag.name, hash: tag.targetHash, presented: presentTag(ctx.present, ctx.repository, tag) });

/** Commits reachable from `tip` and from none of `stops`, newest first (the store keeps history newest first). */
function newCommits(data: RepositoryData, tip: string, stops: readonly string[]): RepositoryData['commits'] {
  const parentsOf = new Map(data.commits.map((c) => [c.hash, c.parents]));
  const reach = (starts: readonly string[], excluded: ReadonlySet<string>): Set<string> => {
    const seen = new Set<string>();
    const stack = [...starts];
    while (stack.length > 0) {
      const hash = stack.pop()!;
      if (seen.has(hash) || excluded.has(hash)) continue;
      seen.add(hash);
      stack.push(...(parentsOf.get(hash) ?? []));
    }
    return seen;
  };
  const known = reach(stops, new Set());
  const fresh = reach([tip], known);
  return data.commits.filter((c) => fresh.has(c.hash));
}

/**
 * One change of a push. For a created ref, the commits are those no other ref reached before (a branch made at an
 * existing commit brings none); for a moved one, those the old position did not reach.
 */
export function pushChange(ctx: RepositoryWriteContext, old: RefSnapshot | null, now: RefSnapshot | null): Record<string, unknown> {
  const data = ctx.repository;
  const repo = fullName(ctx.present, data);
  const otherHeads = [...data.branches, ...data.tags].filter((ref) => ref.name !== now?.name).map((ref) => ref.targetHash);
  const commits = now === null ? [] : newCommits(data, now.hash, old ? [old.hash] : otherHeads);
  const links = old && now
    ? {
      html: webLink(ctx.present, `/${repo}/branches/compare/${now.hash}..${old.hash}`),
      diff: apiLink(ctx.present, `/repositories/${repo}/diff/${now.hash}..${old.hash}`),
      // The path is encoded as a path; the query is added after, so its `?`, `=` and `&` stay what they are.
      commits: { href: `${apiLink(ctx.present, `/repositories/${repo}/commits`).href}?include=${now.hash}&exclude=${old.hash}` },
    }
    : now
      ? { commits: apiLink(ctx.present, `/repositories/${repo}/commits/${now.hash}`) }
      : {};
  return {
    old: old?.presented ?? null,
    new: now?.presented ?? null,
    created: old === null,
    closed: now === null,
    forced: old !== null && now !== null && !isAncestor(data, old.hash, now.hash),
    commits: commits.slice(0, MAX_PUSH_COMMITS).map((c) => presentCommit(ctx.present, data, c)),
    truncated: commits.length > MAX_PUSH_COMMITS,
    links,
  };
}

/** `repo:push` with these changes, in order. */
export const pushEvent = (changes: Array<Record<string, unknown>>): WriteEvent => ({ key: 'repo:push', entities: { push: { changes } } });
