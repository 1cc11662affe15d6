import type { ParticipantRecord, PullRequestRecord, RepositoryData } from '../../seed/records';
import { presentUser } from './present-account';
import { apiLink, webLink, type PresentContext } from './present-context';
import { presentMembers, type Members } from './present-members';
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

interface PullRequestInputs {
  ctx: PresentContext;
  data: RepositoryData;
  pr: PullRequestRecord;
}

/**
 * The `pullrequest` schema, as `GET .../pullrequests/{id}` answers it. The list leaves out `reviewers` and
 * `participants` unless asked for (the routes declare that; see Bitbucket's "Partial responses").
 * `merge_commit` and `closed_by` are null until the pull request is merged or closed.
 */
const PULL_REQUEST_MEMBERS: Members<PullRequestInputs> = {
  type: () => 'pullrequest',
  id: ({ pr }) => pr.id,
  title: ({ pr }) => pr.title,
  description: ({ pr }) => pr.description,
  rendered: ({ pr }) => ({ title: rendered(pr.title), description: rendered(pr.description), reason: rendered(pr.reason) }),
  summary: ({ pr }) => rendered(pr.description),
  state: ({ pr }) => pr.state,
  author: ({ ctx, pr }) => presentUser(ctx, ctx.store.user(pr.authorUuid)),
  source: ({ ctx, data, pr }) => endpoint(ctx, data, pr.sourceBranch, pr.sourceHash),
  destination: ({ ctx, data, pr }) => endpoint(ctx, data, pr.destinationBranch, pr.destinationHash),
  merge_commit: ({ pr }) => (pr.mergeCommitHash ? { hash: pr.mergeCommitHash.slice(0, SHORT_HASH_LENGTH) } : null),
  comment_count: ({ data, pr }) => data.pullRequestComments.filter((c) => c.pullRequestId === pr.id && !c.deleted).length,
  task_count: ({ pr }) => pr.taskCount,
  close_source_branch: ({ pr }) => pr.closeSourceBranch,
  closed_by: ({ ctx, pr }) => (pr.closedByUuid ? presentUser(ctx, ctx.store.user(pr.closedByUuid)) : null),
  reason: ({ pr }) => pr.reason,
  created_on: ({ pr }) => pr.createdOn,
  updated_on: ({ pr }) => pr.updatedOn,
  reviewers: ({ ctx, pr }) => pr.reviewerUuids.map((uuid) => presentUser(ctx, ctx.store.user(uuid))),
  participants: ({ ctx, pr }) => pr.participants.map((p) => presentParticipant(ctx, p)),
  draft: ({ pr }) => pr.draft,
  queued: () => false,
  links: ({ ctx, data, pr }) => {
    const name = fullName(ctx, data);
    const base = `/repositories/${name}/pullrequests/${pr.id}`;
    return {
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
    };
  },
};

/** A pull request (PULL_REQUEST_MEMBERS); `only`: just those members, for a list that reads no others. */
export function presentPullRequest(ctx: PresentContext, data: RepositoryData, pr: PullRequestRecord, only?: ReadonlySet<string>): Record<string, unknown> {
  return presentMembers(PULL_REQUEST_MEMBERS, { ctx, data, pr }, only);
}
