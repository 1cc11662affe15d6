import type { CommitRecord, GitIdentity, RepositoryData } from '../../seed/records';
import { presentUser } from './present-account';
import { apiLink, webLink, type PresentContext } from './present-context';
import { fullName, presentRepositoryEmbed } from './present-repository';
import { rendered } from './rendered';

/** `author`/`tagger`: the raw git identity, plus `user` when Bitbucket matched the email to an account. */
export function presentGitIdentity(ctx: PresentContext, identity: GitIdentity): Record<string, unknown> {
  const user = identity.userUuid ? ctx.store.findUser(identity.userUuid) : undefined;
  return { type: 'author', raw: identity.raw, ...(user ? { user: presentUser(ctx, user) } : {}) };
}

/** A commit reference inside another object (parents, pipeline targets): hash and links only. */
export function presentCommitRef(ctx: PresentContext, data: RepositoryData, hash: string): Record<string, unknown> {
  const name = fullName(ctx, data);
  return {
    type: 'commit',
    hash,
    links: { self: apiLink(ctx, `/repositories/${name}/commit/${hash}`), html: webLink(ctx, `/${name}/commits/${hash}`) },
  };
}

/** `GET .../commits` items and `GET .../commit/{hash}`: the `commit` schema. */
export function presentCommit(ctx: PresentContext, data: RepositoryData, commit: CommitRecord): Record<string, unknown> {
  const name = fullName(ctx, data);
  const base = `/repositories/${name}/commit/${commit.hash}`;
  return {
    type: 'commit',
    hash: commit.hash,
    date: commit.date,
    author: presentGitIdentity(ctx, commit.author),
    message: commit.message,
    summary: rendered(commit.message),
    links: {
      self: apiLink(ctx, base),
      html: webLink(ctx, `/${name}/commits/${commit.hash}`),
      diff: apiLink(ctx, `/repositories/${name}/diff/${commit.hash}`),
      approve: apiLink(ctx, `${base}/approve`),
      comments: apiLink(ctx, `${base}/comments`),
      statuses: apiLink(ctx, `${base}/statuses`),
      patch: apiLink(ctx, `/repositories/${name}/patch/${commit.hash}`),
    },
    parents: commit.parents.map((hash) => presentCommitRef(ctx, data, hash)),
    repository: presentRepositoryEmbed(ctx, data),
    participants: [],
  };
}
