import type { ParticipantRecord, PullRequestRecord, UserRecord } from '../seed/records';
import { findPullRequest } from '../routes/repository-lookups';
import type { RepositoryWriteContext } from './write-route';
import { writeErrors } from './write-errors';

export const pullRequestOf = (ctx: RepositoryWriteContext): PullRequestRecord => findPullRequest(ctx);

/** The pull request, refused with 400 unless it is OPEN ("Only open pull requests can be mutated"). */
export function openPullRequest(ctx: RepositoryWriteContext, verb: string): PullRequestRecord {
  const pr = pullRequestOf(ctx);
  if (pr.state !== 'OPEN') throw writeErrors.pullRequestNotOpen(pr.id, pr.state, verb);
  return pr;
}

/**
 * The actor's participant entry, added when missing: reviewers are REVIEWER, anyone else who takes part (comments,
 * approvals) is PARTICIPANT. The author takes part without a participant entry unless they approve.
 */
export function participantFor(pr: PullRequestRecord, user: UserRecord): ParticipantRecord {
  let participant = pr.participants.find((p) => p.userUuid === user.uuid);
  if (!participant) {
    participant = { userUuid: user.uuid, role: pr.reviewerUuids.includes(user.uuid) ? 'REVIEWER' : 'PARTICIPANT', approved: false, state: null, participatedOn: null };
    pr.participants.push(participant);
  }
  return participant;
}

/**
 * Bitbucket moves a pull request's `updated_on` on any activity (edits, approvals, comments, state changes); the
 * sandbox does too, so `updated_on` works as a version for If-Match.
 */
export function touchPullRequest(ctx: RepositoryWriteContext, pr: PullRequestRecord): void {
  pr.updatedOn = ctx.now;
}
