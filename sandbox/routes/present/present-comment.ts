import type { PullRequestCommentRecord, RepositoryData } from '../../seed/records';
import { presentUser } from './present-account';
import { apiLink, webLink, type PresentContext } from './present-context';
import { presentPullRequestRef } from './present-pull-request';
import { fullName } from './present-repository';
import { rendered } from './rendered';

function commentLinks(ctx: PresentContext, data: RepositoryData, prId: number, id: number) {
  const name = fullName(ctx, data);
  return {
    self: apiLink(ctx, `/repositories/${name}/pullrequests/${prId}/comments/${id}`),
    html: webLink(ctx, `/${name}/pull-requests/${prId}/_/diff#comment-${id}`),
  };
}

/**
 * `GET .../pullrequests/{id}/comments` items: the `pullrequest_comment` schema. A reply's `parent` carries `type`
 * (which Bitbucket omits there) because the schema's `comment` requires it.
 */
export function presentComment(ctx: PresentContext, data: RepositoryData, c: PullRequestCommentRecord): Record<string, unknown> {
  const pr = data.pullRequests.find((p) => p.id === c.pullRequestId);
  if (!pr) throw new Error(`Comment ${c.id} names missing pull request ${c.pullRequestId}`);
  return {
    id: c.id,
    created_on: c.createdOn,
    updated_on: c.updatedOn,
    content: rendered(c.raw),
    user: presentUser(ctx, ctx.store.user(c.userUuid)),
    deleted: c.deleted,
    ...(c.parentId !== null ? { parent: { id: c.parentId, type: 'pullrequest_comment', links: commentLinks(ctx, data, c.pullRequestId, c.parentId) } } : {}),
    ...(c.inline ? { inline: { ...c.inline } } : {}),
    pending: c.pending,
    type: 'pullrequest_comment',
    links: commentLinks(ctx, data, c.pullRequestId, c.id),
    pullrequest: presentPullRequestRef(ctx, data, pr),
  };
}
