import type { PullRequestCommentRecord, PullRequestRecord } from '../../seed/records';
import { presentComment } from '../../routes/present/present-comment';
import { presentPullRequest } from '../../routes/present/present-pull-request';
import { fullName } from '../../routes/present/present-repository';
import { grantedAccess, hasAccess } from '../access-level';
import { participantFor, pullRequestOf, touchPullRequest } from '../pull-request-helpers';
import type { RepositoryWriteContext, WriteEvent, WriteRoute } from '../write-route';
import { writeErrors } from '../write-errors';

const COMMENTS = '/repositories/:workspace/:repo/pullrequests/:id/comments';

/**
 * A comment of this pull request that is not deleted. Deleted comments stay in the list (`deleted: true`, empty
 * content, as Bitbucket shows them) but can no longer be edited or deleted: 404.
 */
export function findLiveComment(ctx: RepositoryWriteContext, pr: PullRequestRecord): PullRequestCommentRecord {
  const id = ctx.params.comment_id;
  const comment = /^[0-9]+$/.test(id) ? ctx.repository.pullRequestComments.find((c) => c.pullRequestId === pr.id && c.id === Number(id)) : undefined;
  if (!comment || comment.deleted) throw writeErrors.comment(id);
  return comment;
}

/** Comment ids are unique across Bitbucket, not per pull request: one more than the highest in the store. */
function nextCommentId(ctx: RepositoryWriteContext): number {
  let max = 0;
  for (const data of ctx.store.repositories) for (const c of data.pullRequestComments) if (c.id > max) max = c.id;
  return max + 1;
}

/** `inline: {path, from?, to?}` anchors a comment to a file (and line); `from` is the old side, `to` the new. */
function readInline(ctx: RepositoryWriteContext): PullRequestCommentRecord['inline'] {
  if (!ctx.body.has('inline') || ctx.body.raw('inline') === null) return null;
  const path = ctx.body.string('inline.path', { required: true });
  const from = ctx.body.integer('inline.from', { min: 1 });
  const to = ctx.body.integer('inline.to', { min: 1 });
  return path === undefined ? null : { path, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** `pullrequest:comment_created/updated/deleted` ("Event payloads"): `{comment, pullrequest}` beside actor and repository. */
const commentEvent = (ctx: RepositoryWriteContext, key: string, comment: Record<string, unknown>, pr: PullRequestRecord): WriteEvent =>
  ({ key, entities: { comment, pullrequest: presentPullRequest(ctx.present, ctx.repository, pr) } });

const commentPath = (ctx: RepositoryWriteContext, prId: number, id: number) => `/repositories/${fullName(ctx.present, ctx.repository)}/pullrequests/${prId}/comments/${id}`;

/**
 * Pull request comments need read access (anyone who can see the pull request may comment, on open and closed ones
 * alike). Editing is for the comment's author; deleting for the author or a repository admin. Every change moves the
 * pull request's `updated_on`, and `comment_count` (which counts comments not deleted) follows at once.
 */
export const commentWrites: WriteRoute[] = [
  {
    method: 'POST', path: COMMENTS, target: 'repository', access: 'read',
    handle: (ctx) => {
      const pr = pullRequestOf(ctx);
      const raw = ctx.body.string('content.raw', { required: true });
      const parentId = ctx.body.has('parent') && ctx.body.raw('parent') !== null ? ctx.body.integer('parent.id', { required: true }) : undefined;
      const parent = parentId === undefined ? undefined : ctx.repository.pullRequestComments.find((c) => c.pullRequestId === pr.id && c.id === parentId);
      if (parentId !== undefined && !parent) ctx.body.fail('parent.id', `Comment ${parentId} is not a comment of pull request ${pr.id}.`);
      const inline = readInline(ctx);
      ctx.body.finish();
      const comment: PullRequestCommentRecord = {
        id: nextCommentId(ctx), pullRequestId: pr.id, userUuid: ctx.actor.user.uuid, raw: raw!, createdOn: ctx.now, updatedOn: ctx.now,
        parentId: parent ? parent.id : null, inline: inline ?? (parent?.inline ? { ...parent.inline } : null), deleted: false, pending: false,
      };
      ctx.repository.pullRequestComments.push(comment);
      // "For commenters and pull request reviewers who are not approvers, [participated_on] is the time they last commented."
      if (ctx.actor.user.uuid !== pr.authorUuid) {
        const participant = participantFor(pr, ctx.actor.user);
        if (!participant.approved) participant.participatedOn = ctx.now;
      }
      touchPullRequest(ctx, pr);
      const body = presentComment(ctx.present, ctx.repository, comment);
      return { status: 201, body, location: commentPath(ctx, pr.id, comment.id), events: [commentEvent(ctx, 'pullrequest:comment_created', body, pr)] };
    },
  },
  {
    method: 'PUT', path: `${COMMENTS}/:comment_id`, target: 'repository', access: 'read',
    handle: (ctx) => {
      const pr = pullRequestOf(ctx);
      const comment = findLiveComment(ctx, pr);
      if (comment.userUuid !== ctx.actor.user.uuid) throw writeErrors.notCommentAuthor();
      const raw = ctx.body.string('content.raw', { required: true });
      ctx.body.finish();
      comment.raw = raw!;
      comment.updatedOn = ctx.now;
      touchPullRequest(ctx, pr);
      const body = presentComment(ctx.present, ctx.repository, comment);
      return { status: 200, body, events: [commentEvent(ctx, 'pullrequest:comment_updated', body, pr)] };
    },
  },
  {
    method: 'DELETE', path: `${COMMENTS}/:comment_id`, target: 'repository', access: 'read',
    handle: (ctx) => {
      const pr = pullRequestOf(ctx);
      const comment = findLiveComment(ctx, pr);
      const mayDelete = comment.userUuid === ctx.actor.user.uuid || hasAccess(ctx.store, ctx.principal, ctx.workspace, 'admin', ctx.repository);
      if (!mayDelete) throw writeErrors.forbidden('admin', `comment ${comment.id} (it is someone else's)`, grantedAccess(ctx.store, ctx.principal, ctx.workspace, ctx.repository));
      comment.deleted = true;
      comment.raw = '';
      comment.updatedOn = ctx.now;
      touchPullRequest(ctx, pr);
      return { status: 204, events: [commentEvent(ctx, 'pullrequest:comment_deleted', presentComment(ctx.present, ctx.repository, comment), pr)] };
    },
  },
];
