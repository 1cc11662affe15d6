import type { ParticipantRecord } from '../../seed/records';
import { presentParticipant, presentPullRequest } from '../../routes/present/present-pull-request';
import { MAX_MERGE_MESSAGE_LENGTH, MERGE_STRATEGIES, mergePullRequest } from '../merge-pull-request';
import { openPullRequest, participantFor, pullRequestOf, touchPullRequest } from '../pull-request-helpers';
import type { RepositoryWriteContext, WriteRoute, WriteResult } from '../write-route';

const ACTION = '/repositories/:workspace/:repo/pullrequests/:id';

/**
 * Approve / request changes and their withdrawal: the actor's participant entry changes. Refused on pull requests that
 * are no longer open (official description: 400 "because the pull request has already been merged"). The two states
 * exclude each other: approving withdraws a change request and the other way round.
 */
function review(ctx: RepositoryWriteContext, state: ParticipantRecord['state'], verb: string): ParticipantRecord {
  const pr = openPullRequest(ctx, verb);
  const participant = participantFor(pr, ctx.actor.user);
  participant.state = state;
  participant.approved = state === 'approved';
  participant.participatedOn = state === null ? participant.participatedOn : ctx.now;
  touchPullRequest(ctx, pr);
  return participant;
}

const participantAnswer = (ctx: RepositoryWriteContext, participant: ParticipantRecord): WriteResult => ({ status: 200, body: presentParticipant(ctx.present, participant) });

/** Pull request actions. Reviewing needs only read access (anyone who can see the repository may review); the rest write. */
export const pullRequestActions: WriteRoute[] = [
  {
    method: 'POST', path: `${ACTION}/approve`, target: 'repository', access: 'read',
    handle: (ctx) => {
      const answer = participantAnswer(ctx, review(ctx, 'approved', 'approve'));
      const pullrequest = presentPullRequest(ctx.present, ctx.repository, pullRequestOf(ctx));
      // The approval of the payload ("Event payloads"): when, and by whom.
      const approval = { date: ctx.now, user: answer.body?.user };
      return { ...answer, events: [{ key: 'pullrequest:approved', entities: { approval, pullrequest } }] };
    },
  },
  {
    method: 'DELETE', path: `${ACTION}/approve`, target: 'repository', access: 'read',
    handle: (ctx) => {
      review(ctx, null, 'unapprove');
      return { status: 204 };
    },
  },
  { method: 'POST', path: `${ACTION}/request-changes`, target: 'repository', access: 'read', handle: (ctx) => participantAnswer(ctx, review(ctx, 'changes_requested', 'request changes on')) },
  {
    method: 'DELETE', path: `${ACTION}/request-changes`, target: 'repository', access: 'read',
    handle: (ctx) => {
      review(ctx, null, 'withdraw a change request on');
      return { status: 204 };
    },
  },
  {
    method: 'POST', path: `${ACTION}/decline`, target: 'repository', access: 'write',
    handle: (ctx) => {
      const pr = openPullRequest(ctx, 'decline');
      pr.state = 'DECLINED';
      pr.closedByUuid = ctx.actor.user.uuid;
      touchPullRequest(ctx, pr);
      const body = presentPullRequest(ctx.present, ctx.repository, pr);
      return { status: 200, body, events: [{ key: 'pullrequest:rejected', entities: { pullrequest: body } }] };
    },
  },
  {
    // Body: pullrequest_merge_parameters. `type` is "required" there but Bitbucket does not insist, nor does the sandbox.
    method: 'POST', path: `${ACTION}/merge`, target: 'repository', access: 'write',
    handle: (ctx) => {
      const pr = openPullRequest(ctx, 'merge');
      ctx.body.string('type');
      const strategy = ctx.body.oneOf('merge_strategy', MERGE_STRATEGIES) ?? 'merge_commit';
      const message = ctx.body.string('message', { maxLength: MAX_MERGE_MESSAGE_LENGTH, nullable: true });
      const closeSourceBranch = ctx.body.boolean('close_source_branch');
      ctx.body.finish();
      mergePullRequest(ctx, pr, { strategy, message, closeSourceBranch });
      const body = presentPullRequest(ctx.present, ctx.repository, pr);
      return { status: 200, body, events: [{ key: 'pullrequest:fulfilled', entities: { pullrequest: body } }] };
    },
  },
];
