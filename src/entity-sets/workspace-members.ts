import { PAGED_LIST, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/**
 * Members of a workspace. Bitbucket's member list accepts `q` only as `user.email IN (...)` for admins, so no
 * filter is pushed; everything is evaluated here.
 */
export const workspaceMembers: EntitySetDefinition = {
  name: 'WorkspaceMembers',
  typeName: 'WorkspaceMember',
  description: 'Members of a workspace.',
  key: ['Workspace', 'UserUuid'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: 'workspace.slug', description: 'Workspace slug.' },
    { name: 'UserUuid', type: 'Edm.String', nullable: false, source: 'user.uuid', description: 'Member UUID in braces.' },
    { name: 'AccountId', type: 'Edm.String', nullable: true, source: 'user.account_id', description: 'Atlassian account ID.' },
    { name: 'DisplayName', type: 'Edm.String', nullable: false, source: 'user.display_name', description: 'Display name.' },
    { name: 'Nickname', type: 'Edm.String', nullable: true, source: 'user.nickname', description: 'Nickname.' },
  ],
  list: { path: '/workspaces/{workspace}/members', params: [WORKSPACE_PARAM], ...PAGED_LIST, supportsQuery: false, supportsSort: false },
  searchable: ['DisplayName', 'Nickname'],
};
