import { PAGED_LIST, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/**
 * Repositories, listed per workspace (`/repositories/{workspace}` takes `q` and `sort`). The slug is taken from
 * `full_name` (`workspace/slug`), which every repository object carries.
 */
export const repositories: EntitySetDefinition = {
  name: 'Repositories',
  typeName: 'Repository',
  description: 'Git repositories.',
  key: ['Workspace', 'Slug'],
  uuidProperty: 'Uuid',
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { path: 'full_name', convert: 'full-name-owner' }, description: 'Workspace slug.', write: { create: true, required: true, update: false } },
    { name: 'Slug', type: 'Edm.String', nullable: false, source: { path: 'full_name', convert: 'full-name-slug' }, description: 'Repository slug, used in URLs.', write: { create: true, required: true, update: false } },
    { name: 'Uuid', type: 'Edm.String', nullable: false, source: 'uuid', description: 'Repository UUID in braces.', filter: { field: 'uuid', exact: ['eq', 'ne'] } },
    { name: 'Name', type: 'Edm.String', nullable: false, source: 'name', description: 'Repository name.', write: { body: 'name', create: true, update: true }, filter: { field: 'name', exact: [], containsSuperset: true } },
    { name: 'FullName', type: 'Edm.String', nullable: false, source: 'full_name', description: "'workspace/slug'.", filter: { field: 'full_name', exact: ['eq'] } },
    { name: 'Description', type: 'Edm.String', nullable: true, source: 'description', description: 'Repository description.', write: { body: 'description', create: true, update: true } },
    { name: 'IsPrivate', type: 'Edm.Boolean', nullable: false, source: 'is_private', description: 'Whether only members can see it.', write: { body: 'is_private', create: true, update: true }, filter: { field: 'is_private', exact: ['eq', 'ne'] } },
    { name: 'Scm', type: 'Edm.String', nullable: false, source: 'scm', description: "Version control system ('git')." },
    { name: 'Language', type: 'Edm.String', nullable: true, source: 'language', description: 'Main language, as set by the owner.', write: { body: 'language', create: true, update: true } },
    { name: 'Size', type: 'Edm.Int64', nullable: true, source: 'size', description: 'Size in bytes.' },
    { name: 'ForkPolicy', type: 'Edm.String', nullable: true, source: 'fork_policy', description: "'allow_forks', 'no_public_forks' or 'no_forks'.", write: { body: 'fork_policy', create: true, update: true, enum: ['allow_forks', 'no_public_forks', 'no_forks'] } },
    { name: 'MainBranch', type: 'Edm.String', nullable: true, source: 'mainbranch.name', description: 'Name of the main branch.' },
    { name: 'ProjectKey', type: 'Edm.String', nullable: true, source: 'project.key', description: 'Key of the project the repository belongs to.', write: { body: 'project.key', create: true, update: true }, filter: { field: 'project.key', exact: ['eq'] } },
    { name: 'ProjectName', type: 'Edm.String', nullable: true, source: 'project.name', description: 'Name of the project.' },
    { name: 'OwnerDisplayName', type: 'Edm.String', nullable: true, source: 'owner.display_name', description: 'Display name of the owning workspace.' },
    { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: false, source: 'created_on', description: 'Creation time (UTC).', filter: { field: 'created_on', exact: ['gt', 'ge', 'lt', 'le'] }, sort: 'created_on' },
    { name: 'UpdatedOn', type: 'Edm.DateTimeOffset', nullable: false, source: 'updated_on', description: 'Last update time (UTC).', filter: { field: 'updated_on', exact: ['gt', 'ge', 'lt', 'le'] }, sort: 'updated_on' },
  ],
  navigation: [
    { name: 'PullRequests', target: 'PullRequests', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
    { name: 'Branches', target: 'Branches', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
    { name: 'Tags', target: 'Tags', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
    { name: 'Commits', target: 'Commits', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
    { name: 'Pipelines', target: 'Pipelines', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
    { name: 'Webhooks', target: 'Webhooks', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
    { name: 'PullRequestActivity', target: 'PullRequestActivity', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
    { name: 'Environments', target: 'Environments', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
    { name: 'Deployments', target: 'Deployments', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
    { name: 'BranchRestrictions', target: 'BranchRestrictions', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
    { name: 'DefaultReviewers', target: 'DefaultReviewers', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' } },
  ],
  list: { path: '/repositories/{workspace}', params: [WORKSPACE_PARAM], ...PAGED_LIST, supportsQuery: true, supportsSort: true },
  get: { path: '/repositories/{workspace}/{repo_slug}', params: [WORKSPACE_PARAM, { name: 'repo_slug', property: 'Slug' }] },
  searchable: ['Name', 'Description'],
  writes: {
    // Bitbucket creates a repository with the slug given in the path (`POST /repositories/{workspace}/{repo_slug}`).
    insert: { method: 'POST', path: '/repositories/{workspace}/{repo_slug}', params: [WORKSPACE_PARAM, { name: 'repo_slug', property: 'Slug' }] },
    update: { method: 'PUT', path: '/repositories/{workspace}/{repo_slug}', params: [WORKSPACE_PARAM, { name: 'repo_slug', property: 'Slug' }] },
    remove: { method: 'DELETE', path: '/repositories/{workspace}/{repo_slug}', params: [WORKSPACE_PARAM, { name: 'repo_slug', property: 'Slug' }] },
    etagSource: 'updated_on',
  },
};
