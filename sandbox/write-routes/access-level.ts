import type { Principal } from '../auth';
import type { RepositoryData, WorkspaceRecord } from '../seed/records';
import type { SandboxStore } from '../store/sandbox-store';

/**
 * The access a write needs, weakest first. Bitbucket's levels on a repository are read, write and admin; workspace
 * owners can do everything, and only they may install workspace webhooks ("Only workspace owners can install webhooks
 * on workspaces", official description).
 *
 * - `read`: comment, approve, request changes (Bitbucket lets anyone who can read a repository do so).
 * - `write`: branches, tags, pull requests and their merge/decline; creating a repository in the workspace.
 * - `admin`: repository settings, webhooks and deletion; projects.
 * - `owner`: workspace webhooks.
 */
export type AccessLevel = 'read' | 'write' | 'admin' | 'owner';

const RANK: Record<AccessLevel, number> = { read: 1, write: 2, admin: 3, owner: 4 };

export function atLeast(granted: AccessLevel | undefined, needed: AccessLevel): boolean {
  return granted !== undefined && RANK[granted] >= RANK[needed];
}

/**
 * What the principal may do on the workspace (and repository, when given): the membership's repository access (the
 * sandbox has no per-repository grants), `owner` for workspace owners. Access tokens act with admin access inside their
 * resource (a repository token only on its repository) and with none outside it. Non-members get `read` on what they
 * can see (public repositories) and nothing else.
 */
export function grantedAccess(store: SandboxStore, principal: Principal, workspace: WorkspaceRecord, repository?: RepositoryData): AccessLevel | undefined {
  if (principal.kind === 'anonymous') return undefined;
  if (principal.restrictTo) {
    if (principal.restrictTo.repository && !repository) return undefined;
    return 'admin';
  }
  const membership = store.findMembership(workspace.uuid, principal.userUuid);
  if (!membership) return repository && !repository.repository.isPrivate ? 'read' : undefined;
  if (membership.permission === 'owner') return 'owner';
  return membership.repositoryAccess;
}

/** For handlers whose needed access depends on the data (PUT that creates or updates, deleting others' comments). */
export function hasAccess(store: SandboxStore, principal: Principal, workspace: WorkspaceRecord, needed: AccessLevel, repository?: RepositoryData): boolean {
  return atLeast(grantedAccess(store, principal, workspace, repository), needed);
}
