/**
 * The route parameter of the sets Bitbucket lists per pull request (commits, diffstat): a query that names no pull
 * request fans out over the pull requests of the repositories it covers, one Bitbucket call (or more) per pull
 * request, and is refused beyond MAX_FAN_OUT pull requests with a 400 asking for a filter.
 */
import type { ListRoute, RouteParameter } from './model';

export const PULL_REQUEST_ID_PARAM: RouteParameter = {
  name: 'pull_request_id',
  property: 'PullRequestId',
  fanOut: { entitySet: 'PullRequests', property: 'Id', parentFilters: { Workspace: 'workspace', RepositorySlug: 'repo_slug' } },
};

/** The PullRequests properties a pull request's commits and diffstat are a function of (`ListRoute.revisionFrom`). */
export const PULL_REQUEST_REVISION: NonNullable<ListRoute['revisionFrom']> = {
  kind: 'pull-request',
  columns: {
    state: 'State',
    sourceRepository: 'SourceRepositoryFullName',
    sourceBranch: 'SourceBranch',
    sourceHash: 'SourceCommitHash',
    destinationBranch: 'DestinationBranch',
    destinationHash: 'DestinationCommitHash',
  },
};
