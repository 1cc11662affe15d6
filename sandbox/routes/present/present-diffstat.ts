import { Prng } from '../../seed/prng';
import type { PullRequestRecord, RepositoryData } from '../../seed/records';
import { presentCommitRef } from './present-commit';
import { apiLink, type PresentContext } from './present-context';
import { fullName } from './present-repository';

/** Paths a pull request's diffstat draws from; non-ASCII on purpose, like the seed's inline comments. */
const FILES = ['src/index.ts', 'src/app.ts', 'src/config.ts', 'src/api/client.ts', 'src/api/routes.ts', 'lib/ünïcode.py', 'docs/日本語.md', 'README.md', 'package.json', 'test/app.spec.ts', 'scripts/build.sh', 'Dockerfile'];

/** A small string hash (FNV-1a), so each pull request's files depend on its repository and number only. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

export interface DiffstatEntry {
  status: 'added' | 'removed' | 'modified' | 'renamed';
  oldPath: string | null;
  newPath: string | null;
  linesAdded: number;
  linesRemoved: number;
}

/**
 * The files a pull request changes. The seed keeps no file contents, so they are derived, deterministically, from the
 * repository and the pull request number (the same every run, and unchanged by writes elsewhere): 1 to 8 files.
 */
export function diffstatOf(data: RepositoryData, pr: PullRequestRecord): DiffstatEntry[] {
  const rng = new Prng(fnv1a(`${data.repository.uuid}#${pr.id}`));
  const count = rng.int(1, 8);
  const paths = rng.sample(FILES, count);
  return paths.map((path, index) => {
    const status = rng.pick(['modified', 'modified', 'modified', 'added', 'removed', 'renamed'] as const);
    const linesAdded = status === 'removed' ? 0 : rng.int(1, 400);
    const linesRemoved = status === 'added' ? 0 : rng.int(0, 200);
    if (status === 'added') return { status, oldPath: null, newPath: path, linesAdded, linesRemoved };
    if (status === 'removed') return { status, oldPath: path, newPath: null, linesAdded, linesRemoved };
    if (status === 'renamed') return { status, oldPath: `old/${index}/${path}`, newPath: path, linesAdded, linesRemoved };
    return { status, oldPath: path, newPath: path, linesAdded, linesRemoved };
  });
}

/**
 * `GET .../pullrequests/{id}/diffstat` items: the `diffstat` schema (`old`/`new` are `commit_file`s, null when absent).
 * Each file links to its content at its commit, `…/repositories/{workspace}/{repo_slug}/src/{hash}/{path}`, in the
 * repository's own spelling (the example of `GET …/diffstat/{spec}` in Bitbucket's description).
 */
export function presentDiffstat(ctx: PresentContext, data: RepositoryData, pr: PullRequestRecord, entry: DiffstatEntry): Record<string, unknown> {
  const name = fullName(ctx, data);
  const side = (path: string | null, hash: string) =>
    path === null
      ? null
      : { type: 'commit_file', path, escaped_path: path, commit: presentCommitRef(ctx, data, hash), links: { self: apiLink(ctx, `/repositories/${name}/src/${hash}/${path}`) } };
  return {
    type: 'diffstat',
    status: entry.status,
    lines_added: entry.linesAdded,
    lines_removed: entry.linesRemoved,
    old: side(entry.oldPath, pr.destinationHash),
    new: side(entry.newPath, pr.sourceHash),
  };
}
