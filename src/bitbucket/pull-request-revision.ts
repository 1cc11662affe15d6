/**
 * What a pull request's commits and diffstat are a function of (issue #14 item 3): pure helpers for ListMemo, which
 * keeps each pull request's sub-list under the validator computed here and serves it again, without a call, while the
 * validator is unchanged.
 *
 * What Bitbucket computes (Bitbucket Cloud REST API, developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/,
 * and the official OpenAPI description):
 * - `GET …/pullrequests/{id}/diffstat` "Redirects to the repository diffstat with the revspec that corresponds to the
 *   pull request"; that endpoint (`GET …/diffstat/{spec}`, api-group-commits), given two commits and `topic=true`,
 *   "produces a 2-way three dot diff. This is the diff between source commit and the merge base of the source commit
 *   and the destination commit". The revspec is the pull request's source and destination commits (a pull request's
 *   `links.diffstat` reads `…/diffstat/{workspace}/{repo}:{source}%0D{destination}?from_pullrequest_id={id}`, see
 *   sandbox/quirks.ts `pull-request-diffstat-redirect`): commits are immutable, so the same two hashes give the same
 *   diffstat.
 * - `GET …/pullrequests/{id}/commits`: "the commits that are being merged into the destination branch when the pull
 *   request gets accepted" (those reachable from the source commit and not from the destination commit); "This list
 *   will be empty if the source branch no longer exists". So besides the two hashes it depends on a live fact, the
 *   source branch's existence, which the validator reads from the repository's branch list.
 *
 * No public record says whether an open pull request's listed `source.commit`/`destination.commit` follow their
 * branches at once, or whether Bitbucket compares an open pull request against the branches' tips instead. So for an
 * open pull request the validator also holds both branches' tips as the branch list shows them now: a push to either
 * branch is a new validator, whichever of the two Bitbucket uses. A closed pull request (merged, declined, superseded)
 * lists its commits after its source is in the destination, so Bitbucket cannot compare it against the tips: its
 * listed hashes are what it is computed from. Its state is in the validator too (a pull request Bitbucket marks merged
 * on its own, when its source became reachable from the destination, is read again).
 *
 * A pull request from a fork (source repository ≠ destination repository) is never kept: its source branch lives in
 * another repository, whose branch list this gateway may not read.
 */

/** A pull request as its list item states it: whose sub-lists (commits, diffstat) a later read may reuse. */
export interface PullRequestRevision {
  kind: 'pull-request';
  /** The repository the pull request belongs to, `workspace/slug` as Bitbucket spells it. */
  repository: string;
  state: string;
  sourceRepository: string;
  sourceBranch: string;
  sourceHash: string;
  destinationBranch: string;
  destinationHash: string;
}

/** The sub-lists of a pull request that are functions of its revision. */
export type RevisionSubList = 'commits' | 'diffstat';

/** `/repositories/{workspace}/{repo_slug}/pullrequests/{id}/(commits|diffstat)`. */
const SUB_LIST = /^\/repositories\/([^/]+\/[^/]+)\/pullrequests\/(\d+)\/(commits|diffstat)$/;

/** The sub-list a path names and the repository path (`/repositories/{workspace}/{repo_slug}`), or undefined. */
export function revisionSubListOf(path: string): { sub: RevisionSubList; repositoryPath: string } | undefined {
  const match = SUB_LIST.exec(path);
  if (!match) return undefined;
  return { sub: match[3] as RevisionSubList, repositoryPath: `/repositories/${match[1]}` };
}

/** Whether the validator needs the repository's branch tips (read from `refs/branches`). */
export function needsBranchTips(sub: RevisionSubList, revision: PullRequestRevision): boolean {
  return sub === 'commits' || revision.state === 'OPEN';
}

/**
 * The validator of `sub` for `revision`: equal strings mean equal lists. `tips`: branch name → the commit it points at
 * now (needed when `needsBranchTips`). Undefined when the sub-list must be read in full: a fork's pull request, a
 * revision with a missing hash, or tips needed and unknown.
 */
export function revisionValidator(sub: RevisionSubList, revision: PullRequestRevision, tips: ReadonlyMap<string, string> | undefined): string | undefined {
  const { repository, state, sourceRepository, sourceBranch, sourceHash, destinationBranch, destinationHash } = revision;
  if (!isHash(sourceHash) || !isHash(destinationHash) || state === '' || sourceBranch === '' || destinationBranch === '') return undefined;
  // Bitbucket resolves repository names case-insensitively; the full names come from the same list item.
  if (sourceRepository.toLowerCase() !== repository.toLowerCase()) return undefined;
  const parts: Array<string | null> = [sub, state, sourceHash, destinationHash];
  if (needsBranchTips(sub, revision)) {
    if (tips === undefined) return undefined;
    // null: the branch does not exist now (the commits list is then empty).
    parts.push(tips.get(sourceBranch) ?? null);
    if (state === 'OPEN') parts.push(tips.get(destinationBranch) ?? null);
  }
  return JSON.stringify(parts);
}

function isHash(value: string): boolean {
  return /^[0-9a-f]{7,64}$/.test(value);
}
