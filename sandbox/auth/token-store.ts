import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { FIXED_BEARER_TOKENS } from './fixed-credentials';

/**
 * The sandbox's in-memory OAuth state: authorization codes, access tokens, refresh tokens, plus the revoked/expired
 * marks on the fixed tokens from identities.ts. One store per sandbox instance (sandbox/sandbox-state.ts), so a token
 * issued by one sandbox means nothing to another in the same process; `reset()` empties it.
 */

/** What a user (or, for client_credentials, the consumer's owner) granted a consumer. */
export interface OAuthGrant {
  clientId: string;
  userUuid: string;
  scopes: string[];
}

interface AuthorizationCodeRecord extends OAuthGrant {
  redirectUri?: string;
  expiresAt: number;
  redeemed: boolean;
  /** Tokens issued from this code: revoked if the code is replayed (RFC 6749 §4.1.2). */
  issuedTokens: string[];
}

interface AccessTokenRecord extends OAuthGrant {
  expiresAt: number;
  revoked: boolean;
}

interface RefreshTokenRecord extends OAuthGrant {
  expiresAt: number;
  active: boolean;
}

/** RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED." */

/** RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED." */
export const AUTHORIZATION_CODE_TTL_MS = 10 * 60 * 1000;
/** Bitbucket: a refresh token left unused expires after 3 months ("OAuth 2.0" in the REST intro). */
export const REFRESH_TOKEN_TTL_MS = 90 * 24 * 3600 * 1000;

export type CodeRedemption =
  | { ok: true; grant: OAuthGrant; bindTokens(tokens: IssuedTokens): void }
  | { ok: false; reason: 'unknown' | 'replayed' | 'expired' | 'other-client' | 'redirect-mismatch' };

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  scopes: string[];
}

export type AccessTokenStatus = { status: 'active'; grant: OAuthGrant } | { status: 'expired' } | { status: 'revoked' } | { status: 'unknown' };

/** What kind of token a control call touched; the control API reports this, never the token itself. */
export type TokenKind = 'oauth-access-token' | 'oauth-refresh-token' | 'fixed-token';

function newSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export class TokenStore {
  private readonly codes = new Map<string, AuthorizationCodeRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly revokedFixedTokens = new Set<string>();
  private readonly expiredFixedTokens = new Set<string>();

  /** `clock` decides expiry: the instance's clock (sandbox-state.ts). */
  constructor(private readonly clock: Clock) {}

  issueAuthorizationCode(grant: OAuthGrant, redirectUri: string | undefined): string {
    const code = newSecret(18);
    this.codes.set(code, { ...grant, redirectUri, expiresAt: this.clock.now() + AUTHORIZATION_CODE_TTL_MS, redeemed: false, issuedTokens: [] });
    return code;
  }

  /**
   * RFC 6749 §4.1.3: the code must have been issued to this client, be unexpired and unused, and the redirect_uri must
   * be repeated exactly when the authorization request carried one.
   */
  redeemAuthorizationCode(code: string, clientId: string, redirectUri: string | undefined): CodeRedemption {
    const record = this.codes.get(code);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.redeemed) {
      for (const token of record.issuedTokens) this.revokeToken(token);
      return { ok: false, reason: 'replayed' };
    }
    if (record.clientId !== clientId) return { ok: false, reason: 'other-client' };
    if (record.expiresAt <= this.clock.now()) return { ok: false, reason: 'expired' };
    if (record.redirectUri !== undefined && record.redirectUri !== redirectUri) return { ok: false, reason: 'redirect-mismatch' };
    record.redeemed = true;
    const grant: OAuthGrant = { clientId: record.clientId, userUuid: record.userUuid, scopes: record.scopes };
    return { ok: true, grant, bindTokens: (tokens) => record.issuedTokens.push(tokens.accessToken, tokens.refreshToken) };
  }

  issueTokens(grant: OAuthGrant, accessTokenTtlSeconds: number): IssuedTokens {
    const now = this.clock.now();
    const accessToken = newSecret(48);
    const refreshToken = newSecret(24);
    this.accessTokens.set(accessToken, { ...grant, expiresAt: now + accessTokenTtlSeconds * 1000, revoked: false });
    this.refreshTokens.set(refreshToken, { ...grant, expiresAt: now + REFRESH_TOKEN_TTL_MS, active: true });
    return { accessToken, refreshToken, expiresInSeconds: accessTokenTtlSeconds, scopes: [...grant.scopes] };
  }

  /**
   * Bitbucket rotates refresh tokens: each refresh issues a new one and the old one stops working (REST intro, "OAuth
   * 2.0"; Bitbucket says it "will expire shortly after", the sandbox makes that immediate so tests see it). Access
   * tokens issued earlier stay valid until they expire.
   */
  rotateRefreshToken(refreshToken: string, clientId: string, accessTokenTtlSeconds: number): IssuedTokens | undefined {
    const record = this.refreshTokens.get(refreshToken);
    if (!record || !record.active || record.clientId !== clientId || record.expiresAt <= this.clock.now()) return undefined;
    record.active = false;
    return this.issueTokens({ clientId: record.clientId, userUuid: record.userUuid, scopes: record.scopes }, accessTokenTtlSeconds);
  }

  lookupIssuedAccessToken(token: string): AccessTokenStatus {
    const record = this.accessTokens.get(token);
    if (!record) return { status: 'unknown' };
    if (record.revoked) return { status: 'revoked' };
    if (record.expiresAt <= this.clock.now()) return { status: 'expired' };
    return { status: 'active', grant: { clientId: record.clientId, userUuid: record.userUuid, scopes: record.scopes } };
  }

  /** Revoked/expired marks on the fixed tokens of identities.ts (users' bearer tokens, access tokens). */
  fixedTokenStatus(token: string): 'active' | 'revoked' | 'expired' {
    if (this.revokedFixedTokens.has(token)) return 'revoked';
    if (this.expiredFixedTokens.has(token)) return 'expired';
    return 'active';
  }

  /** Revokes any token the sandbox knows; afterwards it answers 401 "Token is invalid...". */
  revokeToken(token: string): TokenKind | undefined {
    const access = this.accessTokens.get(token);
    if (access) {
      access.revoked = true;
      return 'oauth-access-token';
    }
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      refresh.active = false;
      return 'oauth-refresh-token';
    }
    if (FIXED_BEARER_TOKENS.has(token)) {
      this.revokedFixedTokens.add(token);
      return 'fixed-token';
    }
    return undefined;
  }

  /** Makes a token expire now, as if its lifetime had passed; an expired access token answers 401 "Access token expired...". */
  expireToken(token: string): TokenKind | undefined {
    const now = this.clock.now();
    const access = this.accessTokens.get(token);
    if (access) {
      access.expiresAt = Math.min(access.expiresAt, now);
      return 'oauth-access-token';
    }
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      refresh.expiresAt = Math.min(refresh.expiresAt, now);
      return 'oauth-refresh-token';
    }
    if (FIXED_BEARER_TOKENS.has(token)) {
      this.expiredFixedTokens.add(token);
      return 'fixed-token';
    }
    return undefined;
  }

  /** Forgets every issued code and token and clears the marks on fixed tokens. */
  reset(): void {
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.revokedFixedTokens.clear();
    this.expiredFixedTokens.clear();
  }
}
