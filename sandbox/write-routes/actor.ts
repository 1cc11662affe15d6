import type { Principal } from '../auth';
import { ACCESS_TOKENS } from '../identities';
import type { GitIdentity, UserRecord } from '../seed/records';
import type { SandboxStore } from '../store/sandbox-store';

/** The account a write is recorded under (author, commenter, approver, tagger, closed_by). */
export interface Actor {
  user: UserRecord;
  /** How git records the actor in commits and tags it writes (merge commits, annotated tags). */
  git: GitIdentity;
}

/**
 * The actor of an authenticated principal. Access tokens act as their own bot user (Bitbucket "Access tokens"), which
 * the seed does not hold; the first write by a token adds that bot to the store's users so presenters can show it
 * (as a `user`: the sandbox does not model `app_user` inside other objects). `reset()` removes it again.
 */
export function actorOf(store: SandboxStore, principal: Principal): Actor {
  let user = store.findUser(principal.userUuid);
  if (!user) {
    const token = ACCESS_TOKENS.find((t) => t.botUuid === principal.userUuid);
    if (!token) throw new Error(`No account for principal ${principal.userUuid}`);
    user = { uuid: token.botUuid, accountId: `access-token:${token.id}`, displayName: token.botDisplayName, nickname: token.id, createdOn: '2026-01-01T00:00:00.000000+00:00' };
    store.users.push(user);
  }
  return { user, git: { raw: `${user.displayName} <${user.nickname}@example.com>`, userUuid: user.uuid } };
}
