/**
 * Route parameters shared by the repository-scoped entity sets. Bitbucket lists branches, commits, pull requests and
 * pipelines per repository only (no workspace-wide list), so when a query fixes neither the workspace nor the
 * repository the planner fans out: workspaces from `/user/workspaces`, then repositories per workspace.
 */
import type { RouteParameter } from './model';

export const WORKSPACE_PARAM: RouteParameter = {
  name: 'workspace',
  property: 'Workspace',
  // `/user/workspaces` lists the caller's workspaces only; others' public repositories are readable all the same.
  fanOut: { entitySet: 'Workspaces', property: 'Slug', listsSome: true },
};

export const REPOSITORY_PARAM: RouteParameter = {
  name: 'repo_slug',
  property: 'RepositorySlug',
  fanOut: { entitySet: 'Repositories', property: 'Slug', parentFilters: { Workspace: 'workspace' } },
};

/** Standard paging facts for Bitbucket's page-numbered lists (REST intro, "Pagination"). */
export const PAGED_LIST = { maxPagelen: 100, supportsPageNumber: true, reportsSize: true } as const;
