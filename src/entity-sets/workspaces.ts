import type { EntitySetDefinition } from './model';

/**
 * Workspaces the caller belongs to. `GET /2.0/workspaces` answers 410 since CHANGE-2770; `/2.0/user/workspaces`
 * (CHANGE-3022) lists `workspace_access` items `{administrator, workspace}`. It filters and sorts by slug only, so
 * nothing is pushed: the list is short and evaluated here.
 */
export const workspaces: EntitySetDefinition = {
  name: 'Workspaces',
  typeName: 'Workspace',
  description: 'Bitbucket workspaces the signed-in user is a member of.',
  key: ['Slug'],
  uuidProperty: 'Uuid',
  properties: [
    { name: 'Slug', type: 'Edm.String', nullable: false, source: 'workspace.slug', description: 'Workspace ID (slug), used in URLs.' },
    { name: 'Uuid', type: 'Edm.String', nullable: false, source: 'workspace.uuid', description: "Workspace UUID in braces, e.g. '{1f0c...}'." },
    // `/user/workspaces` items carry `workspace_base`, which has no name; null when Bitbucket leaves it out.
    { name: 'Name', type: 'Edm.String', nullable: true, source: 'workspace.name', description: 'Display name, when Bitbucket includes it.' },
    { name: 'Administrator', type: 'Edm.Boolean', nullable: false, source: 'administrator', description: 'Whether the signed-in user administers the workspace.' },
  ],
  navigation: [
    { name: 'Projects', target: 'Projects', collection: true, constraints: { Workspace: 'Slug' } },
    { name: 'Repositories', target: 'Repositories', collection: true, constraints: { Workspace: 'Slug' } },
    { name: 'Members', target: 'WorkspaceMembers', collection: true, constraints: { Workspace: 'Slug' } },
  ],
  list: { path: '/user/workspaces', params: [], ...{ maxPagelen: 100, supportsPageNumber: true, reportsSize: true }, supportsQuery: false, supportsSort: false },
  searchable: ['Slug', 'Name'],
};
