import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/** The repository's own default reviewers (not those inherited from its project). No `q`/`sort`. */
export const defaultReviewers: EntitySetDefinition = {
  name: 'DefaultReviewers',
  typeName: 'DefaultReviewer',
  description: "Users added as reviewers to every new pull request of a repository (the repository's own list, without those inherited from its project).",
  key: ['Workspace', 'RepositorySlug', 'Uuid'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.' },
    { name: 'Uuid', type: 'Edm.String', nullable: false, source: 'uuid', description: 'UUID of the user.' },
    { name: 'DisplayName', type: 'Edm.String', nullable: true, source: 'display_name', description: 'Display name of the user.' },
  ],
  list: { path: '/repositories/{workspace}/{repo_slug}/default-reviewers', params: [WORKSPACE_PARAM, REPOSITORY_PARAM], ...PAGED_LIST, supportsQuery: false, supportsSort: false },
};
