import { createHash } from 'node:crypto';
import type { CommitRecord, GitIdentity, RepositoryData } from '../seed/records';

/**
 * Records a commit the sandbox itself makes (merge and squash commits) at the head of the repository's history and
 * returns it. The store keeps commits newest first and writes happen after every seeded date, so the new commit goes
 * first. The hash is derived from the commit's content (like git's, though not git's object format), so it is
 * deterministic for a given sequence of writes.
 */
export function recordCommit(data: RepositoryData, commit: { parents: string[]; message: string; author: GitIdentity; at: string }): CommitRecord {
  const date = `${commit.at.slice(0, 19)}+00:00`; // git dates have whole seconds
  const hash = createHash('sha1')
    .update(`${data.repository.uuid}\n${commit.parents.join(' ')}\n${commit.author.raw}\n${commit.at}\n${data.commits.length}\n\n${commit.message}`)
    .digest('hex');
  const record: CommitRecord = { hash, author: commit.author, message: commit.message, date, parents: commit.parents };
  data.commits.unshift(record);
  return record;
}
