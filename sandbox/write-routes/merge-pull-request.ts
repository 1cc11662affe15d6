import type { PullRequestRecord } from '../seed/records';
import { isAncestor } from './git-refs';
import { recordCommit } from './new-commit';
import type { RepositoryWriteContext } from './write-route';
import { writeErrors } from './write-errors';

/** Every strategy a branch offers (the `merge_strategies` the read side presents) and the description's enum. */
export const MERGE_STRATEGIES = ['merge_commit', 'squash', 'fast_forward', 'squash_fast_forward', 'rebase_fast_forward', 'rebase_merge'] as const;
export type MergeStrategy = (typeof MERGE_STRATEGIES)[number];

/** "the size of the message is limited to 128 KiB" (pullrequest_merge_parameters). */
export const MAX_MERGE_MESSAGE_LENGTH = 128 * 1024;

/**
 * Merges synchronously (Bitbucket may answer 202 with a task to poll; the sandbox always finishes at once and answers
 * 200 with the pull request). What each strategy leaves on the destination branch:
 * - `merge_commit`, `rebase_merge`: a new commit with parents [destination head, source head];
 * - `squash`, `squash_fast_forward`, `rebase_fast_forward`: one new commit with parent [destination head] (the sandbox
 *   has no file contents, so a rebase is written as one commit);
 * - `fast_forward`: the destination moves to the source head, refused (400) unless the destination head is an
 *   ancestor of it.
 * Then the pull request is MERGED with `merge_commit`, `closed_by` and `updated_on`, and the source branch is deleted
 * when `close_source_branch` (from the body, else the pull request's own) says so and it is not the main branch.
 */
export function mergePullRequest(ctx: RepositoryWriteContext, pr: PullRequestRecord, options: { strategy: MergeStrategy; message?: string; closeSourceBranch?: boolean }): void {
  const data = ctx.repository;
  const destination = data.branches.find((b) => b.name === pr.destinationBranch);
  const source = data.branches.find((b) => b.name === pr.sourceBranch);
  const sourceHash = source?.targetHash ?? pr.sourceHash;
  if (!destination) throw writeErrors.destinationGone(pr.id, pr.destinationBranch);
  const defaultMessage = options.strategy.startsWith('squash')
    ? `${pr.title} (pull request #${pr.id})\n\n${pr.description}`.trimEnd()
    : `Merged in ${pr.sourceBranch} (pull request #${pr.id})\n\n${pr.title}`;
  const message = options.message !== undefined && options.message !== '' ? options.message : defaultMessage;

  let mergeHash: string;
  if (options.strategy === 'fast_forward') {
    if (!isAncestor(data, destination.targetHash, sourceHash)) throw writeErrors.fastForwardImpossible(pr.destinationBranch);
    mergeHash = sourceHash;
  } else {
    const twoParents = options.strategy === 'merge_commit' || options.strategy === 'rebase_merge';
    const parents = twoParents ? [destination.targetHash, sourceHash] : [destination.targetHash];
    mergeHash = recordCommit(data, { parents, message, author: ctx.actor.git, at: ctx.now }).hash;
  }
  destination.targetHash = mergeHash;

  pr.state = 'MERGED';
  pr.mergeCommitHash = mergeHash;
  pr.closedByUuid = ctx.actor.user.uuid;
  pr.sourceHash = sourceHash;
  pr.updatedOn = ctx.now;
  if (options.closeSourceBranch !== undefined) pr.closeSourceBranch = options.closeSourceBranch;
  if (pr.closeSourceBranch && source && source.name !== data.repository.mainBranch) data.branches.splice(data.branches.indexOf(source), 1);
  data.repository.updatedOn = ctx.now;
}
