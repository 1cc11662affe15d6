/**
 * Keeping an OAuth token set usable: renew the access token with the refresh token (RFC 6749 §6) from its `renewAt`,
 * so no request meets an expired one. Shared by browser sessions (session-manager.ts) and gateway keys
 * (gateway-keys.ts). Bitbucket rotates the refresh token on every use ("OAuth 2.0" in the REST introduction: the old
 * one "will expire shortly after"), so concurrent requests holding the same token set share one refresh per process:
 * a second grant with the spent token would be refused.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../logger';
import { TokenEndpointError, type TokenEndpointClient } from './token-endpoint-client';
import { tokenEndpointToODataError } from '../http/upstream-to-odata-error';
import type { TokenSet } from './token-set';

export type Renewal =
  /** Still before `renewAt` (or renewal failed while the access token is still valid): use it as it is. */
  | { kind: 'current'; tokens: TokenSet }
  /** A new access token (and the rotated refresh token); the holder must keep this set, the old refresh token is spent. */
  | { kind: 'renewed'; tokens: TokenSet }
  /** No way to a valid access token: Bitbucket refused the refresh token, or there is none and the token expired. */
  | { kind: 'ended'; reason: string; oauthError?: string };

export interface TokenRenewalOptions {
  tokens: Pick<TokenEndpointClient, 'refresh'> | undefined;
  now: () => number;
  logger?: Logger;
}

export class TokenRenewal {
  /** Refreshes under way, by a hash of the refresh token they spend; entries leave when they settle. */
  readonly #refreshing = new Map<string, Promise<TokenSet>>();

  constructor(private readonly options: TokenRenewalOptions) {}

  /**
   * `tokens` as they may be used now. `what` names the holder in log lines (`session`, `gateway key`); `fix` is what
   * the client is told to do when Bitbucket's token endpoint cannot be reached (503).
   */
  async current(tokens: TokenSet, what: string, fix: string): Promise<Renewal> {
    const { now, logger } = this.options;
    if (now() < tokens.renewAt) return { kind: 'current', tokens };
    const { refreshToken } = tokens;
    const endpoint = this.options.tokens;
    if (!refreshToken || !endpoint) {
      return now() < tokens.expiresAt ? { kind: 'current', tokens } : { kind: 'ended', reason: 'the access token expired and there is no refresh token' };
    }
    try {
      const renewed = await this.#refresh(endpoint, refreshToken);
      logger?.debug(`${what} refreshed`, { expiresInSeconds: Math.round((renewed.expiresAt - now()) / 1000) });
      return { kind: 'renewed', tokens: { ...renewed, refreshToken: renewed.refreshToken ?? refreshToken } };
    } catch (error) {
      const oauthError = error instanceof TokenEndpointError ? error.oauthError : 'unknown';
      logger?.info(`${what} refresh failed`, { oauthError });
      // Renewal starts before expiry: until then the current token still works (and another request may have won).
      if (now() < tokens.expiresAt) return { kind: 'current', tokens };
      if (error instanceof TokenEndpointError && error.refused) return { kind: 'ended', reason: `Bitbucket refused to renew it (${oauthError})`, oauthError };
      throw tokenEndpointToODataError(error, fix);
    }
  }

  /** Spend a refresh token and drop what it buys: the chain it belongs to can then not be renewed anywhere. */
  async spend(refreshToken: string): Promise<void> {
    const endpoint = this.options.tokens;
    if (!endpoint) return;
    try {
      await this.#refresh(endpoint, refreshToken);
    } catch (error) {
      // Already spent or refused: the chain is dead either way. Unreachable: the caller's revocation still holds here.
      this.options.logger?.info('refresh token not spent', { oauthError: error instanceof TokenEndpointError ? error.oauthError : 'unknown' });
    }
  }

  #refresh(endpoint: Pick<TokenEndpointClient, 'refresh'>, refreshToken: string): Promise<TokenSet> {
    const key = createHash('sha256').update(refreshToken).digest('base64url');
    let pending = this.#refreshing.get(key);
    if (!pending) {
      pending = endpoint.refresh(refreshToken).finally(() => this.#refreshing.delete(key));
      this.#refreshing.set(key, pending);
    }
    return pending;
  }
}
