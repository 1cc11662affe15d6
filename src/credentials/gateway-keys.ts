/**
 * Gateway keys: a credential a signed-in user creates for the Power BI service, which cannot sign in to Bitbucket
 * itself (its OAuth for OData feeds is Entra ID only) and refreshes with Basic or a Web API key (client rules AU-01,
 * AU-02). A key is stateless like the session cookie: `bbok_` + the user's Bitbucket OAuth tokens sealed with
 * AES-256-GCM under SESSION_KEYS (cookie-sealer.ts, purpose `gateway-key`, so neither a session cookie nor a key opens
 * as the other), so any replica with the same keys reads it, and rotating SESSION_KEYS rotates keys too.
 *
 * What a key carries, and why: an OAuth access token lives one hour, so the key seals the refresh token as well and
 * the gateway renews on use (token-renewal.ts, shared with sessions). Each key gets a token chain of its own from a
 * separate authorization-code grant (the login router's key flow), never the session's: Bitbucket rotates refresh
 * tokens, and two holders of one chain would spend each other's token. Rotation also means the sealed refresh token
 * is spent at the first renewal, and the key (held by Power BI) cannot be re-issued: the renewed token set is kept
 * here, per process, by key id. So a key keeps working for its whole life on the process that renews it; another
 * replica, or this one after a restart, can use it only until its sealed access token expires (one hour after
 * creation), then answers 401 asking for a new key. Deployments with several replicas route keys to one (or use an
 * Atlassian API token as a Basic password instead: README, "Power BI Desktop and the Power BI service").
 *
 * Revocation of a stateless key: the key's id is refused until the key would have expired anyway, in this process's
 * memory and in the app's shared store (`shared-revocations.ts`; Redis with REDIS_URL), so every replica sharing the
 * store refuses it at its next use, as sign-out does (issues #11, #14). The key's current refresh token is spent at
 * Bitbucket as well, so without a shared store (replicas each with their own memory) no other replica or later
 * process can renew it, and it stops there when its sealed access token expires.
 * The list of keys (ids, labels, dates; never a secret) is per process, so a key is revoked on the replica that
 * created it (or that the load balancer pins the user to).
 */
import { randomBytes } from 'node:crypto';
import type { UpstreamCredential } from '../bitbucket';
import type { GatewayConfig } from '../config';
import type { Logger } from '../logger';
import type { SharedStore } from '../storage';
import { unauthorized } from '../unauthorized';
import type { CookieSealer } from './cookie-sealer';
import { SharedRevocations } from './shared-revocations';
import type { TokenEndpointClient } from './token-endpoint-client';
import { TokenRenewal } from './token-renewal';
import type { TokenSet } from './token-set';

/** Marks a gateway key wherever it turns up (a Basic password, a leak scan), as GitHub's token prefixes do. */
export const GATEWAY_KEY_PREFIX = 'bbok_';
/** Renewed token sets held per process; the least recently used go first beyond this (each is about 300 bytes). */
const MAX_CACHED_KEYS = 50_000;
const NEW_KEY = 'Create a new key at /auth/token.';

/** What a key lists as; never its secret or its tokens. */
export interface GatewayKeyInfo {
  id: string;
  label: string;
  createdAt: number;
  expiresAt: number;
}

interface KeyPayload {
  id: string;
  /** Bitbucket account uuid of the user who created it. */
  owner: string;
  createdAt: number;
  expiresAt: number;
  tokens: TokenSet;
}

export interface GatewayKeysOptions {
  config: GatewayConfig;
  sealer: CookieSealer;
  tokens: Pick<TokenEndpointClient, 'refresh'> | undefined;
  now: () => number;
  logger?: Logger;
  /** The app's shared store: revocations kept there hold on every replica. */
  store?: SharedStore;
}

export class GatewayKeys {
  readonly #options: GatewayKeysOptions;
  readonly #renewal: TokenRenewal;
  /** Key id → the key's current token set (the sealed one is spent once renewed here); least recently used first. */
  readonly #current = new Map<string, { tokens: TokenSet; expiresAt: number; renewedHere: boolean }>();
  /** Key id → what it lists as, with its owner. */
  readonly #listed = new Map<string, GatewayKeyInfo & { owner: string }>();
  /** Revoked key ids until the keys would have expired anyway, here and in the shared store. */
  readonly #revoked: SharedRevocations;

  constructor(options: GatewayKeysOptions) {
    this.#options = options;
    this.#renewal = new TokenRenewal({ tokens: options.tokens, now: options.now, logger: options.logger });
    this.#revoked = new SharedRevocations('revoked-key', options.store, options.now);
  }

  /** A new key for `owner`, sealing `tokens` (a chain of its own); the secret is returned once and kept nowhere. */
  create(owner: string, label: string, tokens: TokenSet): { key: string; info: GatewayKeyInfo } {
    const { config, sealer, now } = this.#options;
    const createdAt = now();
    const payload: KeyPayload = { id: randomBytes(16).toString('base64url'), owner, createdAt, expiresAt: createdAt + config.gatewayKeyTtlSeconds * 1000, tokens };
    const info: GatewayKeyInfo = { id: payload.id, label, createdAt, expiresAt: payload.expiresAt };
    this.#prune();
    this.#listed.set(info.id, { ...info, owner });
    this.#keep(info.id, tokens, info.expiresAt, true);
    this.#options.logger?.info('gateway key created', { keyId: info.id });
    return { key: `${GATEWAY_KEY_PREFIX}${sealer.seal('gateway-key', payload)}`, info };
  }

  list(owner: string): GatewayKeyInfo[] {
    this.#prune();
    return [...this.#listed.values()].filter((entry) => entry.owner === owner).map(({ id, label, createdAt, expiresAt }) => ({ id, label, createdAt, expiresAt }));
  }

  /** Revoke `owner`'s key `id`; false when this process knows no such key of theirs. */
  async revoke(owner: string, id: string): Promise<boolean> {
    const entry = this.#listed.get(id);
    if (!entry || entry.owner !== owner) return false;
    await this.#revoked.add(id, entry.expiresAt);
    this.#listed.delete(id);
    const current = this.#current.get(id);
    this.#current.delete(id);
    // Spend the chain at Bitbucket: a copy of the key elsewhere (a replica, this process after a restart) can then
    // not renew it, and stops when its sealed access token expires.
    if (current?.tokens.refreshToken) await this.#renewal.spend(current.tokens.refreshToken);
    this.#options.logger?.info('gateway key revoked', { keyId: id });
    return true;
  }

  /** The Bitbucket credential `key` stands for now (renewed when due), or 401 saying why it does not work. */
  async credential(key: string): Promise<{ id: string; credential: UpstreamCredential }> {
    const payload = key.startsWith(GATEWAY_KEY_PREFIX) ? payloadOf(this.#options.sealer.open('gateway-key', key.slice(GATEWAY_KEY_PREFIX.length))) : undefined;
    // Never repeat the key in an answer or a log line: it is the credential.
    if (!payload) throw unauthorized(`The gateway key is not valid: it was altered or cut short, or sealed with a key this gateway no longer has (SESSION_KEYS). ${NEW_KEY}`);
    const { id } = payload;
    if (await this.#revoked.has(id)) throw unauthorized(`This gateway key was revoked. ${NEW_KEY}`);
    if (this.#options.now() >= payload.expiresAt) throw unauthorized(`This gateway key expired at ${new Date(payload.expiresAt).toISOString()} (GATEWAY_KEY_TTL_SECONDS). ${NEW_KEY}`);
    const held = this.#current.get(id);
    const renewal = await this.#renewal.current(held?.tokens ?? payload.tokens, 'gateway key', 'Refresh again later.');
    if (renewal.kind === 'ended') {
      this.#current.delete(id);
      this.#options.logger?.info('gateway key unusable', { keyId: id, reason: renewal.reason });
      // Refused while this process held no tokens of its own making: another process (or this one before a restart)
      // renewed the key and spent the sealed refresh token (Bitbucket rotates them), or the user withdrew the access.
      const elsewhere = held?.renewedHere ? '' : ' The key was renewed by another gateway process, or before a restart (Bitbucket allows each refresh token one use), or its access was withdrawn at Bitbucket.';
      throw unauthorized(`This gateway key's Bitbucket authorization ended: ${renewal.reason}.${elsewhere} ${NEW_KEY}`);
    }
    if (!(await this.#revoked.has(id))) this.#keep(id, renewal.tokens, payload.expiresAt, renewal.kind === 'renewed' || held?.renewedHere === true);
    return { id, credential: { kind: 'bearer', token: renewal.tokens.accessToken } };
  }

  /** Bitbucket answered 401 to the key's access token (revoked or expired early): renew before the next use. */
  refused(id: string, credential: UpstreamCredential): void {
    const held = this.#current.get(id);
    if (held && credential.kind === 'bearer' && held.tokens.accessToken === credential.token) held.tokens = { ...held.tokens, renewAt: 0 };
  }

  /** `renewedHere`: the tokens came from this process (created or renewed here), not only from the sealed key. */
  #keep(id: string, tokens: TokenSet, expiresAt: number, renewedHere: boolean): void {
    this.#current.delete(id);
    this.#current.set(id, { tokens, expiresAt, renewedHere });
    if (this.#current.size > MAX_CACHED_KEYS) {
      this.#prune();
      const oldest = this.#current.keys().next();
      if (this.#current.size > MAX_CACHED_KEYS && !oldest.done) this.#current.delete(oldest.value);
    }
  }

  /** Keys past their expiry need no memory. */
  #prune(): void {
    const now = this.#options.now();
    for (const [id, entry] of this.#current) if (entry.expiresAt <= now) this.#current.delete(id);
    for (const [id, entry] of this.#listed) if (entry.expiresAt <= now) this.#listed.delete(id);
  }
}

/** The payload a sealed key opened to, checked field by field; undefined for anything else. */
function payloadOf(opened: unknown): KeyPayload | undefined {
  if (!opened || typeof opened !== 'object') return undefined;
  const { id, owner, createdAt, expiresAt, tokens } = opened as Record<string, unknown>;
  if (typeof id !== 'string' || typeof owner !== 'string' || typeof createdAt !== 'number' || typeof expiresAt !== 'number') return undefined;
  if (!tokens || typeof tokens !== 'object') return undefined;
  const { accessToken, refreshToken, expiresAt: tokenExpiresAt, renewAt } = tokens as Record<string, unknown>;
  if (typeof accessToken !== 'string' || typeof tokenExpiresAt !== 'number' || typeof renewAt !== 'number') return undefined;
  if (refreshToken !== undefined && typeof refreshToken !== 'string') return undefined;
  return { id, owner, createdAt, expiresAt, tokens: { accessToken, expiresAt: tokenExpiresAt, renewAt, ...(refreshToken ? { refreshToken } : {}) } };
}
