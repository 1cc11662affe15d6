import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition, RouteParameter } from './model';

const COMMIT_PARAM: RouteParameter = {
  name: 'commit',
  property: 'CommitHash',
  fanOut: { entitySet: 'Commits', property: 'Hash', parentFilters: { Workspace: 'workspace', RepositorySlug: 'repo_slug' } },
};

/**
 * Build statuses of commits (`/commit/{commit}/statuses`, the `commitstatus` schema). Listed per commit only: without
 * CommitHash a query costs one Bitbucket call per commit of the repositories it covers, and is refused beyond
 * MAX_FAN_OUT commits. The list takes `q` and `sort` (official description); state and times go to Bitbucket.
 */
export const commitStatuses: EntitySetDefinition = {
  name: 'CommitStatuses',
  typeName: 'CommitStatus',
  description:
    "Build statuses of commits ('SUCCESSFUL', 'FAILED', 'INPROGRESS', 'STOPPED'), as CI systems report them. Cost: one Bitbucket call per commit: give Workspace, RepositorySlug and CommitHash (a full hash); without CommitHash every commit of the repository is asked, and more than MAX_FAN_OUT commits are refused.",
  key: ['Workspace', 'RepositorySlug', 'CommitHash', 'Key'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.' },
    { name: 'CommitHash', type: 'Edm.String', nullable: false, source: { routeParam: 'commit' }, description: 'Full hash of the commit.' },
    { name: 'Key', type: 'Edm.String', nullable: false, source: 'key', description: "The status's key, unique per commit and build system." },
    { name: 'Name', type: 'Edm.String', nullable: true, source: 'name', description: 'Name of the build or check.' },
    { name: 'State', type: 'Edm.String', nullable: false, source: 'state', description: "'SUCCESSFUL', 'FAILED', 'INPROGRESS' or 'STOPPED'.", filter: { field: 'state', exact: ['eq', 'ne'] } },
    { name: 'RefName', type: 'Edm.String', nullable: true, source: 'refname', description: 'Branch or tag that pointed at the commit when the status was created.' },
    { name: 'Url', type: 'Edm.String', nullable: true, source: 'url', description: 'Link to the build.' },
    { name: 'Description', type: 'Edm.String', nullable: true, source: 'description', description: 'Description given by the build system.' },
    { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: false, source: 'created_on', description: 'Creation time (UTC).', filter: { field: 'created_on', exact: ['gt', 'ge', 'lt', 'le'] } },
    { name: 'UpdatedOn', type: 'Edm.DateTimeOffset', nullable: false, source: 'updated_on', description: 'Last update time (UTC).', filter: { field: 'updated_on', exact: ['gt', 'ge', 'lt', 'le'] } },
  ],
  navigation: [
    { name: 'Commit', target: 'Commits', collection: false, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', Hash: 'CommitHash' } },
  ],
  list: { path: '/repositories/{workspace}/{repo_slug}/commit/{commit}/statuses', params: [WORKSPACE_PARAM, REPOSITORY_PARAM, COMMIT_PARAM], ...PAGED_LIST, supportsQuery: true, supportsSort: false,
    // Each status states its repository (`full_name`) and its commit's full hash: a short hash names no row, as before.
    spelledIn: [{ path: 'repository.full_name', pattern: '{workspace}/{repo_slug}' }, { path: 'commit.hash', pattern: '{commit}' }],
  },
};
