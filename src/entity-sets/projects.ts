import { PAGED_LIST, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/** Projects of a workspace. Bitbucket documents no `q`/`sort` on the project list, so filters run here. */
export const projects: EntitySetDefinition = {
  name: 'Projects',
  typeName: 'Project',
  description: 'Projects group repositories inside a workspace.',
  key: ['Workspace', 'Key'],
  uuidProperty: 'Uuid',
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.', write: { create: true, required: true, update: false } },
    { name: 'Key', type: 'Edm.String', nullable: false, source: 'key', description: 'Project key, unique in the workspace.', write: { body: 'key', create: true, required: true, update: false } },
    { name: 'Uuid', type: 'Edm.String', nullable: false, source: 'uuid', description: 'Project UUID in braces.' },
    { name: 'Name', type: 'Edm.String', nullable: false, source: 'name', description: 'Project name.', write: { body: 'name', create: true, required: true, update: true } },
    { name: 'Description', type: 'Edm.String', nullable: true, source: 'description', description: 'Project description.', write: { body: 'description', create: true, update: true } },
    { name: 'IsPrivate', type: 'Edm.Boolean', nullable: false, source: 'is_private', description: 'Whether the project is private.', write: { body: 'is_private', create: true, update: true } },
    { name: 'HasPubliclyVisibleRepos', type: 'Edm.Boolean', nullable: true, source: 'has_publicly_visible_repos', description: 'Whether any repository of the project is public.' },
    { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'created_on', description: 'Creation time (UTC).' },
    { name: 'UpdatedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'updated_on', description: 'Last update time (UTC).' },
  ],
  navigation: [{ name: 'Repositories', target: 'Repositories', collection: true, constraints: { Workspace: 'Workspace', ProjectKey: 'Key' } }],
  list: { path: '/workspaces/{workspace}/projects', params: [WORKSPACE_PARAM], ...PAGED_LIST, supportsQuery: false, supportsSort: false },
  get: { path: '/workspaces/{workspace}/projects/{project_key}', params: [WORKSPACE_PARAM, { name: 'project_key', property: 'Key' }] },
  searchable: ['Key', 'Name', 'Description'],
  writes: {
    insert: { method: 'POST', path: '/workspaces/{workspace}/projects', params: [WORKSPACE_PARAM] },
    update: { method: 'PUT', path: '/workspaces/{workspace}/projects/{project_key}', params: [WORKSPACE_PARAM, { name: 'project_key', property: 'Key' }] },
    remove: { method: 'DELETE', path: '/workspaces/{workspace}/projects/{project_key}', params: [WORKSPACE_PARAM, { name: 'project_key', property: 'Key' }] },
    etagSource: 'updated_on',
  },
};
