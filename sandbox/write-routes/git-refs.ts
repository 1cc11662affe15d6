import type { CommitRecord, RepositoryData } from '../seed/records';
import { findCommitByHash } from '../routes/repository-lookups';

/**
 * Whether `name` is a branch or tag name git accepts (git-check-ref-format): no control characters, spaces or
 * `~^:?*[\`, no `..` or `@{`, no empty or dot-leading component, not ending in `/`, `.` or `.lock`, not `@`.
 * Bitbucket takes names without the `refs/heads/` prefix ("The branch name should not include any prefixes").
 */
export function refNameProblem(name: string): string | undefined {
  if (name === '') return 'This field is required.';
  if (name.startsWith('refs/')) return `Give the name without the "refs/" prefix (got "${name}").`;
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return `"${name}" is not a valid ref name: no spaces, control characters or any of ~ ^ : ? * [ \\.`;
  if (name.includes('..') || name.includes('@{') || name === '@' || name.startsWith('-')) return `"${name}" is not a valid ref name: no "..", "@{", a lone "@" or a leading "-".`;
  if (name.split('/').some((part) => part === '' || part.startsWith('.') || part.endsWith('.lock')) || name.endsWith('.')) {
    return `"${name}" is not a valid ref name: no empty components, components starting with "." or ending with ".lock", and no trailing "." or "/".`;
  }
  return undefined;
}

/**
 * A `target.hash` as Bitbucket takes it when creating refs: a full hash, an unambiguous prefix, or (the description's
 * own example uses `"hash": "default"`) a branch or tag name. Undefined when nothing matches or a prefix is ambiguous.
 */
export function resolveTarget(data: RepositoryData, revision: string): CommitRecord | undefined {
  const branch = data.branches.find((b) => b.name === revision);
  const tag = branch ? undefined : data.tags.find((t) => t.name === revision);
  const hash = branch?.targetHash ?? tag?.targetHash;
  if (hash) return data.commits.find((c) => c.hash === hash);
  return findCommitByHash(data, revision);
}

/** Whether `ancestor` is reachable from `tip` along parent links (`git merge-base --is-ancestor`). */
export function isAncestor(data: RepositoryData, ancestor: string, tip: string): boolean {
  const parentsOf = new Map(data.commits.map((c) => [c.hash, c.parents]));
  const seen = new Set<string>();
  const stack = [tip];
  while (stack.length > 0) {
    const hash = stack.pop()!;
    if (hash === ancestor) return true;
    if (seen.has(hash)) continue;
    seen.add(hash);
    stack.push(...(parentsOf.get(hash) ?? []));
  }
  return false;
}
