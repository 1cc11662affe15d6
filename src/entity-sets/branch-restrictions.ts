import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/** Branch permissions and merge checks of a repository. The list takes `kind` and `pattern`, not `q`/`sort`. */
export const branchRestrictions: EntitySetDefinition = {
  name: 'BranchRestrictions',
  typeName: 'BranchRestriction',
  description: 'Branch restrictions (branch permissions and merge checks) of a repository.',
  key: ['Workspace', 'RepositorySlug', 'Id'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.' },
    { name: 'Id', type: 'Edm.Int32', nullable: false, source: 'id', description: 'Restriction id.' },
    { name: 'Kind', type: 'Edm.String', nullable: false, source: 'kind', description: "What is restricted ('push', 'require_approvals_to_merge', ...)." },
    { name: 'BranchMatchKind', type: 'Edm.String', nullable: true, source: 'branch_match_kind', description: "'glob' (Pattern) or 'branching_model' (BranchType)." },
    { name: 'Pattern', type: 'Edm.String', nullable: true, source: 'pattern', description: 'Branch glob the restriction applies to.' },
    { name: 'BranchType', type: 'Edm.String', nullable: true, source: 'branch_type', description: "Branch type under the branching model ('feature', 'release', ...)." },
    { name: 'Value', type: 'Edm.Int32', nullable: true, source: 'value', description: 'The number a kind takes (approvals required, ...).' },
    { name: 'Users', type: 'Edm.String', nullable: false, source: { path: 'users', convert: 'join-display-names' }, description: 'Users exempted, comma-separated display names.', fields: ['users.display_name'] },
  ],
  list: { path: '/repositories/{workspace}/{repo_slug}/branch-restrictions', params: [WORKSPACE_PARAM, REPOSITORY_PARAM], ...PAGED_LIST, supportsQuery: false, supportsSort: false,
    // Each restriction's `links.self` names the repository in Bitbucket's spelling.
    spelledIn: [{ path: 'links.self.href', pattern: '*/repositories/{workspace}/{repo_slug}/branch-restrictions/*' }],
  },
};
