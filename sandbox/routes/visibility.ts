import type { Principal } from '../auth';
import type { RepositoryData, WorkspaceRecord } from '../seed/records';
import type { SandboxStore } from '../store/sandbox-store';

/**
 * Who may see what. Bitbucket answers 404 for a private repository the caller cannot see, whether or not the caller
 * is authenticated (badges/shields PR #8520; composer/composer PR #10657), so every check here only says yes or no
 * and the callers answer "not found".
 *
 * - Workspace members see every repository of the workspace (the sandbox has no per-repository grants);
 *   everybody, anonymous callers included, sees public repositories.
 * - Access tokens see only their workspace (and, for repository tokens, their repository), public or not, and
 *   nothing outside it (Bitbucket "Access tokens": a token is tied to one resource).
 */
export function isInTokenScope(principal: Principal, workspace: WorkspaceRecord, repository?: RepositoryData): boolean {
  const scope = principal.restrictTo;
  if (!scope) return true;
  if (scope.workspace !== workspace.slug && scope.workspace.toLowerCase() !== workspace.uuid.toLowerCase()) return false;
  if (repository && scope.repository) return scope.repository === repository.repository.slug || scope.repository.toLowerCase() === repository.repository.uuid.toLowerCase();
  return true;
}

export function isMember(store: SandboxStore, principal: Principal, workspace: WorkspaceRecord): boolean {
  return store.findMembership(workspace.uuid, principal.userUuid) !== undefined;
}

export function canSeeRepository(store: SandboxStore, principal: Principal, workspace: WorkspaceRecord, data: RepositoryData): boolean {
  if (principal.restrictTo) return isInTokenScope(principal, workspace, data);
  return !data.repository.isPrivate || isMember(store, principal, workspace);
}

/** Members (and tokens of the workspace) see the workspace's members, private projects and member-only lists. */
export function canSeeWorkspaceInternals(store: SandboxStore, principal: Principal, workspace: WorkspaceRecord): boolean {
  if (principal.restrictTo) return isInTokenScope(principal, workspace) && !principal.restrictTo.repository;
  return isMember(store, principal, workspace);
}
