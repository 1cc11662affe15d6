/**
 * The route parameter of the sets Bitbucket lists per pull request (commits, diffstat): a query that names no pull
 * request fans out over the pull requests of the repositories it covers, one Bitbucket call (or more) per pull
 * request, and is refused beyond MAX_FAN_OUT pull requests with a 400 asking for a filter.
 */
import type { RouteParameter } from './model';

export const PULL_REQUEST_ID_PARAM: RouteParameter = {
  name: 'pull_request_id',
  property: 'PullRequestId',
  fanOut: { entitySet: 'PullRequests', property: 'Id', parentFilters: { Workspace: 'workspace', RepositorySlug: 'repo_slug' } },
};
