import type { ParticipantRecord, PullRequestRecord, RepositoryData } from '../../seed/records';
import { presentUser } from './present-account';
import { apiLink, webLink, type PresentContext } from './present-context';
import { fullName, presentRepositoryEmbed } from './present-repository';
import { rendered } from './rendered';

/** Pull request endpoints name commits by their first 12 hex digits, as Bitbucket does. */
const SHORT_HASH_LENGTH = 12;

export function presentParticipant(ctx: PresentContext, p: ParticipantRecord): Record<string, unknown> {
  return {
    type: 'participant',
    user: presentUser(ctx, ctx.store.user(p.userUuid)),
    role: p.role,
    approved: p.approved,
    state: p.state,
    participated_on: p.participatedOn,
  };
}

function endpoint(ctx: PresentContext, data: RepositoryData, branch: string, hash: string): Record<string, unknown> {
  return { branch: { name: branch }, commit: { hash: hash.slice(0, SHORT_HASH_LENGTH) }, repository: presentRepositoryEmbed(ctx, data) };
}

/** A pull request as other objects embed it (comments, activity). */
export function presentPullRequestRef(ctx: PresentContext, data: RepositoryData, pr: PullRequestRecord): Record<string, unknown> {
  const name = fullName(ctx, data);
  return {
    type: 'pullrequest',
    id: pr.id,
    title: pr.title,
    links: { self: apiLink(ctx, `/repositories/${name}/pullrequests/${pr.id}`), html: webLink(ctx, `/${name}/pull-requests/${pr.id}`) },
  };
}

/**
 * The `pullrequest` schema, as `GET .../pullrequests/{id}` answers it. The list leaves out `reviewers` and
 * `participants` unless asked for (the routes declare that; see Bitbucket's "Partial responses").
 * `merge_commit` and `closed_by` are null until the pull request is merged or closed.
 */
export function presentPullRequest(ctx: PresentContext, data: RepositoryData, pr: PullRequestRecord): Record<string, unknown> {
  const name = fullName(ctx, data);
  const base = `/repositories/${name}/pullrequests/${pr.id}`;
  const commentCount = data.pullRequestComments.filter((c) => c.pullRequestId === pr.id && !c.deleted).length;
  return {
    type: 'pullrequest',
    id: pr.id,
    title: pr.title,
    description: pr.description,
    rendered: { title: rendered(pr.title), description: rendered(pr.description), reason: rendered(pr.reason) },
    summary: rendered(pr.description),
    state: pr.state,
    author: presentUser(ctx, ctx.store.user(pr.authorUuid)),
    source: endpoint(ctx, data, pr.sourceBranch, pr.sourceHash),
    destination: endpoint(ctx, data, pr.destinationBranch, pr.destinationHash),
    merge_commit: pr.mergeCommitHash ? { hash: pr.mergeCommitHash.slice(0, SHORT_HASH_LENGTH) } : null,
    comment_count: commentCount,
    task_count: pr.taskCount,
    close_source_branch: pr.closeSourceBranch,
    closed_by: pr.closedByUuid ? presentUser(ctx, ctx.store.user(pr.closedByUuid)) : null,
    reason: pr.reason,
    created_on: pr.createdOn,
    updated_on: pr.updatedOn,
    reviewers: pr.reviewerUuids.map((uuid) => presentUser(ctx, ctx.store.user(uuid))),
    participants: pr.participants.map((p) => presentParticipant(ctx, p)),
    draft: pr.draft,
    queued: false,
    links: {
      self: apiLink(ctx, base),
      html: webLink(ctx, `/${name}/pull-requests/${pr.id}`),
      commits: apiLink(ctx, `${base}/commits`),
      approve: apiLink(ctx, `${base}/approve`),
      diff: apiLink(ctx, `${base}/diff`),
      diffstat: apiLink(ctx, `${base}/diffstat`),
      comments: apiLink(ctx, `${base}/comments`),
      activity: apiLink(ctx, `${base}/activity`),
      merge: apiLink(ctx, `${base}/merge`),
      decline: apiLink(ctx, `${base}/decline`),
    },
  };
}
