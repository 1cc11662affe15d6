import type { CommitStatusRecord, PullRequestCommentRecord, WebhookRecord } from '../seed/records';
import { notFound } from '../routes/not-found';
import { presentCommitStatus } from '../routes/present/present-ci';
import { forbidden } from '../routes/not-found';
import { presentComment } from '../routes/present/present-comment';
import { presentWebhook } from '../routes/present/present-settings';
import { findCommitByHash, findPullRequest, repositoryOf } from '../routes/repository-lookups';
import type { WorkspaceRouteContext } from '../routes/route-context';
import { collection, item, MAX_PAGELEN, type AnyRoute } from '../routes/route-declaration';
import { hasAccess } from './access-level';
import { findWebhook } from './find-webhook';
import { presentWorkspaceWebhook } from './present-webhook';
import { writeErrors } from './write-errors';

/** Workspace webhooks are for owners: "403 If the authenticated user is not an owner on the specified workspace." */
function workspaceHooks(ctx: WorkspaceRouteContext): WebhookRecord[] {
  const { workspace } = ctx;
  if (!hasAccess(ctx.store, ctx.principal, workspace, 'owner')) throw forbidden.workspaceMembersOnly(workspace.slug);
  return ctx.store.workspaceWebhooksOf(workspace.uuid);
}

/**
 * The single-object reads the write side needs to read back what it wrote, declared like every read route and served
 * by the same interpreter: one comment, one build status, one repository webhook, and workspace webhooks (list and one).
 */
export const writeSideReadRoutes: AnyRoute[] = [
  item<PullRequestCommentRecord>({
    path: '/repositories/:workspace/:repo/pullrequests/:id/comments/:comment_id',
    target: 'repository',
    find: (ctx) => {
      const pr = findPullRequest(ctx);
      const id = ctx.params.comment_id;
      const comment = /^[0-9]+$/.test(id) ? repositoryOf(ctx).pullRequestComments.find((c) => c.pullRequestId === pr.id && c.id === Number(id)) : undefined;
      if (!comment) throw writeErrors.comment(id);
      return comment;
    },
    present: (ctx, c) => presentComment(ctx.present, repositoryOf(ctx), c),
  }),
  item<CommitStatusRecord>({
    path: '/repositories/:workspace/:repo/commit/:commit/statuses/build/:key',
    target: 'repository',
    find: (ctx) => {
      const commit = findCommitByHash(repositoryOf(ctx), ctx.params.commit);
      if (!commit) throw notFound.commit(ctx.params.commit);
      const status = repositoryOf(ctx).commitStatuses.find((s) => s.commitHash === commit.hash && s.key === ctx.params.key);
      if (!status) throw writeErrors.commitStatus(ctx.params.key);
      return status;
    },
    present: (ctx, s) => presentCommitStatus(ctx.present, repositoryOf(ctx), s),
  }),
  item<WebhookRecord>({
    path: '/repositories/:workspace/:repo/hooks/:uid',
    target: 'repository',
    find: (ctx) => findWebhook(repositoryOf(ctx).webhooks, ctx.params.uid),
    present: (ctx, w) => presentWebhook(ctx.present, repositoryOf(ctx), w),
  }),
  collection<WebhookRecord>({
    path: '/workspaces/:workspace/hooks',
    target: 'workspace',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: false,
    sort: false,
    deviations: { sizeUnverified: true },
    list: workspaceHooks,
    present: (ctx, w) => presentWorkspaceWebhook(ctx.present, ctx.workspace, w),
  }),
  item<WebhookRecord>({
    path: '/workspaces/:workspace/hooks/:uid',
    target: 'workspace',
    find: (ctx) => findWebhook(workspaceHooks(ctx), ctx.params.uid),
    present: (ctx, w) => presentWorkspaceWebhook(ctx.present, ctx.workspace, w),
  }),
];
