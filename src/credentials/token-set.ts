/**
 * What a token grant gives the gateway, and when to renew it. Bitbucket answers every grant with
 * `{access_token, refresh_token, expires_in, token_type: "bearer", scopes}` (RFC 6749 §5.1); access tokens live two
 * hours on bitbucket.org (one in the sandbox).
 */
export interface TokenSet {
  accessToken: string;
  /** Absent for grants that give none; Bitbucket rotates it on every refresh. */
  refreshToken?: string;
  /** Epoch milliseconds after which Bitbucket refuses the access token. */
  expiresAt: number;
  /** Epoch milliseconds from which the gateway renews the token before using it, so no request meets an expired one. */
  renewAt: number;
}

/** Renew this long before expiry, or at half the lifetime for short-lived tokens. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;
/** When a grant names no lifetime, assume Bitbucket's documented two hours (RFC 6749 §5.1 makes it optional). */
const DEFAULT_LIFETIME_SECONDS = 7200;

export class MalformedTokenResponseError extends Error {
  override readonly name = 'MalformedTokenResponseError';
}

/** Read a token endpoint's JSON answer; the error names what is missing, never a value. */
export function tokenSetFromGrant(body: unknown, now: number): TokenSet {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const accessToken = fields.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') throw new MalformedTokenResponseError('The token endpoint answered without an access_token.');
  const tokenType = fields.token_type;
  if (typeof tokenType === 'string' && tokenType.toLowerCase() !== 'bearer') throw new MalformedTokenResponseError(`The token endpoint answered token_type "${tokenType}"; only bearer tokens are usable.`);
  const refreshToken = typeof fields.refresh_token === 'string' && fields.refresh_token !== '' ? fields.refresh_token : undefined;
  const expiresIn = typeof fields.expires_in === 'number' && fields.expires_in > 0 ? fields.expires_in : Number(fields.expires_in) > 0 ? Number(fields.expires_in) : DEFAULT_LIFETIME_SECONDS;
  const lifetimeMs = expiresIn * 1000;
  return {
    accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    expiresAt: now + lifetimeMs,
    renewAt: now + lifetimeMs - Math.min(RENEW_BEFORE_EXPIRY_MS, lifetimeMs / 2),
  };
}

/** A token set read back from a sealed value (a session, a key, a key's renewed set), checked field by field. */
export function tokenSetOf(value: unknown): TokenSet | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { accessToken, refreshToken, expiresAt, renewAt } = value as Record<string, unknown>;
  if (typeof accessToken !== 'string' || typeof expiresAt !== 'number' || typeof renewAt !== 'number') return undefined;
  if (refreshToken !== undefined && typeof refreshToken !== 'string') return undefined;
  return { accessToken, expiresAt, renewAt, ...(refreshToken ? { refreshToken } : {}) };
}
