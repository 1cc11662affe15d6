import { REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition, RouteParameter } from './model';

const PULL_REQUEST_PARAM: RouteParameter = {
  name: 'pull_request_id',
  property: 'PullRequestId',
  fanOut: { entitySet: 'PullRequests', property: 'Id', parentFilters: { Workspace: 'workspace', RepositorySlug: 'repo_slug' } },
};
const COMMENTS = '/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments';
const COMMENT_PARAMS: RouteParameter[] = [WORKSPACE_PARAM, REPOSITORY_PARAM, PULL_REQUEST_PARAM, { name: 'comment_id', property: 'Id' }];

/**
 * Comments on a pull request. Bitbucket lists them per pull request only, so a query that names no pull request fans
 * out over the pull requests of the repositories it covers: give Workspace, RepositorySlug and PullRequestId.
 */
export const pullRequestComments: EntitySetDefinition = {
  name: 'PullRequestComments',
  typeName: 'PullRequestComment',
  description: 'Comments on pull requests.',
  key: ['Workspace', 'RepositorySlug', 'PullRequestId', 'Id'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.', write: { create: true, required: true, update: false } },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.', write: { create: true, required: true, update: false } },
    { name: 'PullRequestId', type: 'Edm.Int32', nullable: false, source: { routeParam: 'pull_request_id' }, description: 'Pull request number.', write: { create: true, required: true, update: false } },
    { name: 'Id', type: 'Edm.Int32', nullable: false, source: 'id', description: 'Comment ID.' },
    { name: 'Content', type: 'Edm.String', nullable: true, source: 'content.raw', description: 'Comment text (raw Markdown).', write: { body: 'content.raw', create: true, required: true, update: true } },
    { name: 'ParentId', type: 'Edm.Int32', nullable: true, source: 'parent.id', description: 'The comment this one answers.', write: { body: 'parent.id', create: true, update: false } },
    { name: 'AuthorDisplayName', type: 'Edm.String', nullable: true, source: 'user.display_name', description: 'Who wrote it.' },
    { name: 'AuthorUuid', type: 'Edm.String', nullable: true, source: 'user.uuid', description: 'UUID of the author.' },
    { name: 'Deleted', type: 'Edm.Boolean', nullable: true, source: 'deleted', description: 'Whether the comment was deleted.' },
    { name: 'InlinePath', type: 'Edm.String', nullable: true, source: 'inline.path', description: 'File an inline comment is on.' },
    { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: false, source: 'created_on', description: 'Creation time (UTC).' },
    { name: 'UpdatedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'updated_on', description: 'Last edit time (UTC).' },
  ],
  list: {
    path: COMMENTS,
    // Each comment's `links.self` names its pull request in Bitbucket's spelling (the `pullrequest_comment` schema).
    spelledIn: [{ path: 'links.self.href', pattern: '*/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments/*' }],
    params: [WORKSPACE_PARAM, REPOSITORY_PARAM, PULL_REQUEST_PARAM],
    maxPagelen: 100,
    supportsQuery: false,
    supportsSort: false,
    supportsPageNumber: true,
    reportsSize: true,
  },
  get: { path: `${COMMENTS}/{comment_id}`, params: COMMENT_PARAMS },
  writes: {
    insert: { method: 'POST', path: COMMENTS, params: [WORKSPACE_PARAM, REPOSITORY_PARAM, PULL_REQUEST_PARAM] },
    update: { method: 'PUT', path: `${COMMENTS}/{comment_id}`, params: COMMENT_PARAMS },
    remove: { method: 'DELETE', path: `${COMMENTS}/{comment_id}`, params: COMMENT_PARAMS },
    etagSource: 'updated_on',
  },
  searchable: ['Content'],
};
