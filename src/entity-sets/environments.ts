import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/** Deployment environments of a repository (the lookup table that names a deployment's environment). No `q`/`sort`. */
export const environments: EntitySetDefinition = {
  name: 'Environments',
  typeName: 'Environment',
  description: 'Deployment environments of a repository (Test, Staging, Production), to name the environment of each deployment.',
  key: ['Workspace', 'RepositorySlug', 'Uuid'],
  uuidProperty: 'Uuid',
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.' },
    { name: 'Uuid', type: 'Edm.String', nullable: false, source: 'uuid', description: 'Environment UUID, in braces.' },
    { name: 'Name', type: 'Edm.String', nullable: false, source: 'name', description: 'Environment name.' },
    { name: 'Slug', type: 'Edm.String', nullable: true, source: 'slug', description: 'Environment slug.' },
    { name: 'EnvironmentType', type: 'Edm.String', nullable: true, source: 'environment_type.name', description: "'Test', 'Staging' or 'Production'." },
    { name: 'Rank', type: 'Edm.Int32', nullable: true, source: 'rank', description: 'Order of the environment in the deployment dashboard.' },
  ],
  navigation: [
    { name: 'Deployments', target: 'Deployments', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', EnvironmentUuid: 'Uuid' } },
  ],
  list: { path: '/repositories/{workspace}/{repo_slug}/environments', params: [WORKSPACE_PARAM, REPOSITORY_PARAM], ...PAGED_LIST, supportsQuery: false, supportsSort: false },
};
