import { REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';
import { PULL_REQUEST_ID_PARAM, PULL_REQUEST_REVISION } from './pull-request-params';

/**
 * The files a pull request changes, with lines added and removed (Bitbucket's `diffstat`). Listed per pull request
 * only: without PullRequestId a query costs one Bitbucket call per pull request. A removed file has no `new` side,
 * so its path is the old one.
 */
export const pullRequestDiffstat: EntitySetDefinition = {
  name: 'PullRequestDiffstat',
  typeName: 'PullRequestFileChange',
  description:
    "Files changed by pull requests, one row per file: status ('added', 'removed', 'modified', 'renamed'), lines added and removed (sum them per pull request for its size). Cost: one Bitbucket call per pull request: filter on Workspace, RepositorySlug and PullRequestId, or on the pull requests of a few repositories.",
  key: ['Workspace', 'RepositorySlug', 'PullRequestId', 'Path'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.' },
    { name: 'PullRequestId', type: 'Edm.Int32', nullable: false, source: { routeParam: 'pull_request_id' }, description: 'Pull request number.' },
    { name: 'Path', type: 'Edm.String', nullable: false, source: { firstOf: ['new.path', 'old.path'] }, description: 'Path of the file after the change (before it, for a removed file).' },
    { name: 'OldPath', type: 'Edm.String', nullable: true, source: 'old.path', description: 'Path before the change; null for an added file; differs from Path for a renamed one.' },
    { name: 'Status', type: 'Edm.String', nullable: false, source: 'status', description: "'added', 'removed', 'modified' or 'renamed'." },
    { name: 'LinesAdded', type: 'Edm.Int32', nullable: false, source: 'lines_added', description: 'Lines added.' },
    { name: 'LinesRemoved', type: 'Edm.Int32', nullable: false, source: 'lines_removed', description: 'Lines removed.' },
  ],
  navigation: [
    { name: 'PullRequest', target: 'PullRequests', collection: false, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', Id: 'PullRequestId' } },
  ],
  list: {
    path: '/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/diffstat',
    // Each entry's files link into the repository in Bitbucket's spelling: `links.self` of a `commit_file` is
    // …/repositories/{workspace}/{repo_slug}/src/{hash}/{path} (the example of GET …/diffstat/{spec}, where this list
    // redirects). The old side first (the destination's commit); an added file has only the new one. A side naming
    // another repository (a fork's, perhaps) is no evidence: then the pull request is read (`spellingOf`).
    spelledIn: [{ path: ['old.links.self.href', 'new.links.self.href'], pattern: '*/repositories/{workspace}/{repo_slug}/src/*' }],
    params: [WORKSPACE_PARAM, REPOSITORY_PARAM, PULL_REQUEST_ID_PARAM],
    // paginated_diffstats: "The default value is 500 with 5000 being the maximum allowed value."
    maxPagelen: 500,
    supportsPageNumber: true,
    reportsSize: true,
    supportsQuery: false,
    supportsSort: false,
    // A later read reuses the list kept for the same source and destination commits (list-memo.ts).
    revisionFrom: PULL_REQUEST_REVISION,
  },
};
