import { REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';
import { PULL_REQUEST_ID_PARAM, PULL_REQUEST_REVISION } from './pull-request-params';

/**
 * The commits of a pull request: those merged into the destination when it is accepted ("A paginated list of commits
 * made on the given pull request"; empty once the source branch is gone). Listed per pull request only (no `q`, no `sort`,
 * forward paging); rows come in key order: without PullRequestId a query costs one Bitbucket call per pull request.
 */
export const pullRequestCommits: EntitySetDefinition = {
  name: 'PullRequestCommits',
  typeName: 'PullRequestCommit',
  description:
    'Commits of pull requests (what merging brings into the destination; empty once the source branch is deleted). Cost: one Bitbucket call per pull request (per 100 commits): filter on Workspace, RepositorySlug and PullRequestId, or on the pull requests of a few repositories.',
  key: ['Workspace', 'RepositorySlug', 'PullRequestId', 'Hash'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.' },
    { name: 'PullRequestId', type: 'Edm.Int32', nullable: false, source: { routeParam: 'pull_request_id' }, description: 'Pull request number.' },
    { name: 'Hash', type: 'Edm.String', nullable: false, source: 'hash', description: 'Full commit hash.' },
    { name: 'Date', type: 'Edm.DateTimeOffset', nullable: false, source: 'date', description: 'Commit date (the earliest one is where pull request cycle time starts).' },
    { name: 'Message', type: 'Edm.String', nullable: false, source: 'message', description: 'Full commit message.' },
    { name: 'AuthorRaw', type: 'Edm.String', nullable: false, source: 'author.raw', description: "Raw author ('Name <email>')." },
    { name: 'AuthorUuid', type: 'Edm.String', nullable: true, source: 'author.user.uuid', description: 'UUID of the author, when Bitbucket maps the email to a user.' },
    { name: 'ParentCount', type: 'Edm.Int32', nullable: false, source: { path: 'parents', convert: 'array-length' }, description: 'Number of parents (2 or more for merges).', fields: ['parents.hash'] },
  ],
  navigation: [
    { name: 'PullRequest', target: 'PullRequests', collection: false, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', Id: 'PullRequestId' } },
  ],
  list: {
    path: '/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/commits',
    // Each commit states its repository in Bitbucket's spelling; a fork's commits name the fork, which says nothing
    // about this spelling (`spellingOf`: then the pull request is read).
    spelledIn: [{ path: 'repository.full_name', pattern: '{workspace}/{repo_slug}' }],
    params: [WORKSPACE_PARAM, REPOSITORY_PARAM, PULL_REQUEST_ID_PARAM],
    maxPagelen: 100,
    supportsQuery: false,
    supportsSort: false,
    // A later read reuses the list kept for the same source and destination commits (list-memo.ts).
    revisionFrom: PULL_REQUEST_REVISION,
    supportsPageNumber: false,
    reportsSize: false,
  },
  searchable: ['Message', 'AuthorRaw'],
};
