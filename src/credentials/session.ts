/**
 * A browser session: Bitbucket's tokens for one signed-in user, carried in a sealed cookie (see cookie-sealer.ts).
 * The id never changes across refreshes; it binds `$skiptoken`s so paging survives a token refresh.
 */
import { randomBytes } from 'node:crypto';
import { tokenSetOf, type TokenSet } from './token-set';

export interface Session {
  /** Random, 128 bits; readable only inside the sealed cookie. */
  id: string;
  tokens: TokenSet;
  /** Epoch milliseconds of sign-in; the session ends `sessionTtlSeconds` later whatever the refreshes. */
  signedInAt: number;
}

export const SESSION_COOKIE = 'bbodata_session';

export function newSession(tokens: TokenSet, now: number): Session {
  return { id: randomBytes(16).toString('base64url'), tokens, signedInAt: now };
}

/** The session a sealed cookie opened to, checked field by field; undefined for anything else. */
export function sessionFromPayload(payload: unknown): Session | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const { id, tokens, signedInAt } = payload as Record<string, unknown>;
  const tokenSet = tokenSetOf(tokens);
  if (typeof id !== 'string' || typeof signedInAt !== 'number' || !tokenSet) return undefined;
  return { id, signedInAt, tokens: tokenSet };
}
