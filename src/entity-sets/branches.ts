import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/**
 * Branches of a repository. No single-branch route is declared: branch names contain `/`, which Bitbucket's path
 * does not take encoded, so a by-key read lists with `q=name="..."` instead (one call either way).
 */
export const branches: EntitySetDefinition = {
  name: 'Branches',
  typeName: 'Branch',
  description: 'Branches of a repository.',
  key: ['Workspace', 'RepositorySlug', 'Name'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { path: 'target.repository.full_name', convert: 'full-name-owner' }, description: 'Workspace slug.', write: { create: true, required: true, update: false } },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { path: 'target.repository.full_name', convert: 'full-name-slug' }, description: 'Repository slug.', write: { create: true, required: true, update: false } },
    { name: 'Name', type: 'Edm.String', nullable: false, source: 'name', description: 'Branch name.', filter: { field: 'name', exact: ['eq'], containsSuperset: true }, write: { body: 'name', create: true, required: true, update: false } },
    { name: 'TargetHash', type: 'Edm.String', nullable: false, source: 'target.hash', description: 'Hash of the commit the branch points to.', filter: { field: 'target.hash', exact: ['eq'] }, write: { body: 'target.hash', create: true, required: true, update: false } },
    { name: 'TargetDate', type: 'Edm.DateTimeOffset', nullable: true, source: 'target.date', description: 'Date of the head commit.' },
    { name: 'TargetMessage', type: 'Edm.String', nullable: true, source: 'target.message', description: 'Message of the head commit.' },
    { name: 'TargetAuthorRaw', type: 'Edm.String', nullable: true, source: 'target.author.raw', description: "Raw author of the head commit ('Name <email>')." },
    { name: 'DefaultMergeStrategy', type: 'Edm.String', nullable: true, source: 'default_merge_strategy', description: 'Default merge strategy for pull requests into this branch.' },
  ],
  list: { path: '/repositories/{workspace}/{repo_slug}/refs/branches', params: [WORKSPACE_PARAM, REPOSITORY_PARAM], ...PAGED_LIST, supportsQuery: true, supportsSort: true },
  writes: {
    insert: { method: 'POST', path: '/repositories/{workspace}/{repo_slug}/refs/branches', params: [WORKSPACE_PARAM, REPOSITORY_PARAM] },
    remove: { method: 'DELETE', path: '/repositories/{workspace}/{repo_slug}/refs/branches/{name}', params: [WORKSPACE_PARAM, REPOSITORY_PARAM, { name: 'name', property: 'Name' }] },
    refusals: { update: 'Bitbucket cannot rename or move a branch: create a new branch and delete the old one' },
  },
  searchable: ['Name', 'TargetMessage'],
};
