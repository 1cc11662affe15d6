import type { CommitRecord, CommitStatusRecord, PullRequestCommentRecord, PullRequestRecord, RepositoryData } from '../../seed/records';
import { presentActivity, presentRepositoryActivity } from '../present/present-activity';
import { presentCommit } from '../present/present-commit';
import { diffstatOf, presentDiffstat, type DiffstatEntry } from '../present/present-diffstat';
import { presentCommitStatus } from '../present/present-ci';
import { presentComment } from '../present/present-comment';
import { presentPullRequest } from '../present/present-pull-request';
import { fullName } from '../present/present-repository';
import { notFound } from '../not-found';
import { findPullRequest, repositoryOf, requestedStates, selectCommits } from '../repository-lookups';
import { collection, item, MAX_PAGELEN, MAX_PAGELEN_PULL_REQUESTS, type AnyRoute } from '../route-declaration';

type ActivityEntry = Record<string, unknown>;

/** Counters the gateway pushes into `q` whose filtering on real Bitbucket is unverified (evidence row 12). */
export const PULL_REQUEST_UNVERIFIED_Q: readonly string[] = ['comment_count', 'task_count'];

/**
 * The commits a pull request brings into its destination: reachable from its source commit and not from its
 * destination commit, newest first like the commits list. "This list will be empty if the source branch no longer
 * exists" (official description), so a pull request whose branch was deleted lists none.
 */
function pullRequestCommits(data: RepositoryData, pr: PullRequestRecord): CommitRecord[] {
  if (!data.branches.some((b) => b.name === pr.sourceBranch)) return [];
  return selectCommits(data, [pr.sourceHash], [pr.destinationHash]);
}

export const pullRequestRoutes: AnyRoute[] = [
  // The activity of every pull request of the repository, newest first; declared before `pullrequests/:id` so that
  // `activity` is not taken for a pull request id. Forward-only paging, at most 50 a page, like the per-PR log.
  collection<ActivityEntry>({
    path: '/repositories/:workspace/:repo/pullrequests/activity',
    target: 'repository',
    paging: 'cursor',
    maxPagelen: MAX_PAGELEN_PULL_REQUESTS,
    q: false,
    sort: false,
    list: (ctx) => presentRepositoryActivity(ctx.present, repositoryOf(ctx)).map((entry) => entry.item),
    present: (_ctx, entry) => entry,
  }),
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
    present: (ctx, pr, only) => presentPullRequest(ctx.present, repositoryOf(ctx), pr, only),
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
  collection<CommitRecord>({
    path: '/repositories/:workspace/:repo/pullrequests/:id/commits',
    target: 'repository',
    paging: 'cursor',
    maxPagelen: MAX_PAGELEN,
    q: false,
    sort: false,
    list: (ctx) => pullRequestCommits(repositoryOf(ctx), findPullRequest(ctx)),
    present: (ctx, c) => presentCommit(ctx.present, repositoryOf(ctx), c),
  }),
  // Bitbucket answers this path with a redirect to the repository diffstat of the pull request's revspec (official
  // description); by default the sandbox serves that answer at this path, with the quirk `pull-request-diffstat-redirect`
  // it redirects like Bitbucket. Pages of up to 500 (paginated_diffstats: "The default value is 500 with 5000 being
  // the maximum allowed value"; the sandbox takes 500).
  collection<DiffstatEntry & { pr: PullRequestRecord }>({
    path: '/repositories/:workspace/:repo/pullrequests/:id/diffstat',
    target: 'repository',
    paging: 'page',
    maxPagelen: 500,
    q: false,
    sort: false,
    deviations: {
      redirectsTo: (ctx) => {
        const pr = findPullRequest(ctx);
        const name = fullName(ctx.present, repositoryOf(ctx));
        return `${ctx.url.replace(/\/pullrequests\/[^/]+\/diffstat$/, '')}/diffstat/${name}:${pr.sourceHash.slice(0, 12)}%0D${pr.destinationHash.slice(0, 12)}?from_pullrequest_id=${pr.id}`;
      },
    },
    list: (ctx) => {
      const pr = findPullRequest(ctx);
      return diffstatOf(repositoryOf(ctx), pr).map((entry) => ({ ...entry, pr }));
    },
    present: (ctx, entry) => presentDiffstat(ctx.present, repositoryOf(ctx), entry.pr, entry),
  }),
  // Where that redirect leads: `{workspace}/{repo}:{source}\r{destination}` names the two commits (the spec Bitbucket
  // writes in a pull request's `links.diffstat`), `from_pullrequest_id` the pull request; the same list.
  collection<DiffstatEntry & { pr: PullRequestRecord }>({
    path: '/repositories/:workspace/:repo/diffstat/*spec',
    target: 'repository',
    paging: 'page',
    maxPagelen: 500,
    q: false,
    sort: false,
    list: (ctx) => {
      const data = repositoryOf(ctx);
      const [source, destination] = (ctx.params.spec.split(':').pop() ?? '').split('\r');
      const pr = data.pullRequests.find((candidate) => String(candidate.id) === ctx.query.get('from_pullrequest_id') && candidate.sourceHash.startsWith(source) && candidate.destinationHash.startsWith(destination ?? ''));
      if (!pr || !source || !destination) throw notFound.route('GET', ctx.url);
      return diffstatOf(data, pr).map((entry) => ({ ...entry, pr }));
    },
    present: (ctx, entry) => presentDiffstat(ctx.present, repositoryOf(ctx), entry.pr, entry),
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
