import type { ParticipantRecord, PullRequestRecord } from '../../seed/records';
import { presentUser } from '../../routes/present/present-account';
import { presentParticipant, presentPullRequest } from '../../routes/present/present-pull-request';
import { MAX_MERGE_MESSAGE_LENGTH, MERGE_STRATEGIES, mergePullRequest } from '../merge-pull-request';
import { openPullRequest, participantFor, pullRequestOf, touchPullRequest } from '../pull-request-helpers';
import { branchSnapshot, pushChange, pushEvent, type RefSnapshot } from '../push-event';
import type { RepositoryWriteContext, WriteEvent, WriteRoute, WriteResult } from '../write-route';

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

/**
 * The review events of "Event payloads": `pullrequest:approved`/`unapproved` carry `approval`, `changes_request_created`
 * /`removed` carry `changes_request`, each `{date, user}` (when, and by whom), beside the pull request.
 */
function reviewEvent(ctx: RepositoryWriteContext, key: string, entity: 'approval' | 'changes_request'): WriteEvent {
  const pullrequest = presentPullRequest(ctx.present, ctx.repository, pullRequestOf(ctx));
  return { key, entities: { [entity]: { date: ctx.now, user: presentUser(ctx.present, ctx.actor.user) }, pullrequest } };
}

/** The destination and source branches of a pull request as they are now (either may be gone). */
function refsOf(ctx: RepositoryWriteContext, pr: PullRequestRecord): { destination?: RefSnapshot; source?: RefSnapshot } {
  const find = (name: string) => ctx.repository.branches.find((b) => b.name === name);
  const destination = find(pr.destinationBranch);
  const source = find(pr.sourceBranch);
  return { destination: destination && branchSnapshot(ctx, destination), source: source && branchSnapshot(ctx, source) };
}

/**
 * A merge is a push ("Event payloads": `repo:push` follows every change of a ref): the destination moves to the merge
 * commit (or the source head), and a source branch closed by `close_source_branch` is a second change.
 */
function mergePush(ctx: RepositoryWriteContext, pr: PullRequestRecord, before: ReturnType<typeof refsOf>): WriteEvent {
  const after = refsOf(ctx, pr);
  const changes = [pushChange(ctx, before.destination ?? null, after.destination ?? null)];
  if (before.source && !after.source) changes.push(pushChange(ctx, before.source, null));
  return pushEvent(changes);
}

/** Pull request actions. Reviewing needs only read access (anyone who can see the repository may review); the rest write. */
export const pullRequestActions: WriteRoute[] = [
  {
    method: 'POST', path: `${ACTION}/approve`, target: 'repository', access: 'read',
    handle: (ctx) => ({ ...participantAnswer(ctx, review(ctx, 'approved', 'approve')), events: [reviewEvent(ctx, 'pullrequest:approved', 'approval')] }),
  },
  {
    method: 'DELETE', path: `${ACTION}/approve`, target: 'repository', access: 'read',
    handle: (ctx) => {
      review(ctx, null, 'unapprove');
      return { status: 204, events: [reviewEvent(ctx, 'pullrequest:unapproved', 'approval')] };
    },
  },
  {
    method: 'POST', path: `${ACTION}/request-changes`, target: 'repository', access: 'read',
    handle: (ctx) => ({ ...participantAnswer(ctx, review(ctx, 'changes_requested', 'request changes on')), events: [reviewEvent(ctx, 'pullrequest:changes_request_created', 'changes_request')] }),
  },
  {
    method: 'DELETE', path: `${ACTION}/request-changes`, target: 'repository', access: 'read',
    handle: (ctx) => {
      review(ctx, null, 'withdraw a change request on');
      return { status: 204, events: [reviewEvent(ctx, 'pullrequest:changes_request_removed', 'changes_request')] };
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
      const before = refsOf(ctx, pr);
      mergePullRequest(ctx, pr, { strategy, message, closeSourceBranch });
      const body = presentPullRequest(ctx.present, ctx.repository, pr);
      return { status: 200, body, events: [{ key: 'pullrequest:fulfilled', entities: { pullrequest: body } }, mergePush(ctx, pr, before)] };
    },
  },
];
