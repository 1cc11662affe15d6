import type { CommitStatusRecord, PullRequestCommentRecord, PullRequestRecord } from '../../seed/records';
import { presentActivity } from '../present/present-activity';
import { presentCommitStatus } from '../present/present-ci';
import { presentComment } from '../present/present-comment';
import { presentPullRequest } from '../present/present-pull-request';
import { findPullRequest, repositoryOf, requestedStates } from '../repository-lookups';
import { collection, item, MAX_PAGELEN, MAX_PAGELEN_PULL_REQUESTS, type AnyRoute } from '../route-declaration';

type ActivityEntry = Record<string, unknown>;

/** Counters the gateway pushes into `q` whose filtering on real Bitbucket is unverified (evidence row 12). */
export const PULL_REQUEST_UNVERIFIED_Q: readonly string[] = ['comment_count', 'task_count'];

export const pullRequestRoutes: AnyRoute[] = [
  // Default OPEN only, `state` repeatable; reviewers and participants hidden in the list ("Field discovery").
  // Without `sort`, newest first (highest id first).
  collection<PullRequestRecord>({
    path: '/repositories/:workspace/:repo/pullrequests',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN_PULL_REQUESTS,
    q: { fields: true, unverified: PULL_REQUEST_UNVERIFIED_Q },
    sort: { fields: true },
    hiddenByDefault: ['values.reviewers', 'values.participants'],
    list: (ctx) => {
      const states = requestedStates(ctx);
      return repositoryOf(ctx).pullRequests.filter((pr) => states.has(pr.state)).reverse();
    },
    present: (ctx, pr) => presentPullRequest(ctx.present, repositoryOf(ctx), pr),
  }),
  item<PullRequestRecord>({
    path: '/repositories/:workspace/:repo/pullrequests/:id',
    target: 'repository',
    find: findPullRequest,
    present: (ctx, pr) => presentPullRequest(ctx.present, repositoryOf(ctx), pr),
  }),
  collection<PullRequestCommentRecord>({
    path: '/repositories/:workspace/:repo/pullrequests/:id/comments',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: { fields: true },
    sort: { fields: true },
    deviations: { sizeUnverified: true },
    list: (ctx) => {
      const pr = findPullRequest(ctx);
      return repositoryOf(ctx).pullRequestComments.filter((c) => c.pullRequestId === pr.id);
    },
    present: (ctx, c) => presentComment(ctx.present, repositoryOf(ctx), c),
  }),
  // The activity log pages forward only, like Bitbucket's (`next` carries an opaque position), at most 50 a page.
  collection<ActivityEntry>({
    path: '/repositories/:workspace/:repo/pullrequests/:id/activity',
    target: 'repository',
    paging: 'cursor',
    maxPagelen: MAX_PAGELEN_PULL_REQUESTS,
    q: false,
    sort: false,
    list: (ctx) => presentActivity(ctx.present, repositoryOf(ctx), findPullRequest(ctx)).map((entry) => entry.item),
    present: (_ctx, entry) => entry,
  }),
  // The statuses of the pull request's source commit.
  collection<CommitStatusRecord>({
    path: '/repositories/:workspace/:repo/pullrequests/:id/statuses',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: { fields: true },
    sort: { fields: true },
    list: (ctx) => {
      const pr = findPullRequest(ctx);
      return repositoryOf(ctx).commitStatuses.filter((s) => s.commitHash === pr.sourceHash);
    },
    present: (ctx, s) => presentCommitStatus(ctx.present, repositoryOf(ctx), s),
  }),
];
