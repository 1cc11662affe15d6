/**
 * Store keys of the marks that make cached answers stale (response-cache.ts, notice-trust.ts): one per workspace
 * (a write through the gateway, a notice that a repository itself changed), one per repository (a change notice), one
 * for everything outside workspaces. Lower case: Bitbucket resolves workspace IDs and slugs case-insensitively. Hashed,
 * so a key's length does not follow a name's.
 */
import { createHash } from 'node:crypto';

const hashed = (text: string) => createHash('sha256').update(text).digest('base64url');

export function workspaceGenerationKey(workspace: string): string {
  return `rc-gen:ws:${hashed(workspace.toLowerCase())}`;
}

export function repositoryGenerationKey(workspace: string, slug: string): string {
  return `rc-gen:repo:${hashed(`${workspace.toLowerCase()}/${slug.toLowerCase()}`)}`;
}

/** The mark of the scope a path (relative to the API base, without query) belongs to: its workspace, or the rest. */
export function scopeGenerationKey(path: string): string {
  const match = /^\/(?:repositories|workspaces)\/([^/]+)/.exec(path);
  if (!match) return 'rc-gen:*';
  let workspace: string;
  try {
    workspace = decodeURIComponent(match[1]);
  } catch {
    workspace = match[1];
  }
  return workspaceGenerationKey(workspace);
}
