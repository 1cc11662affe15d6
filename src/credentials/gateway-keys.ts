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
 * is spent at the first renewal, and the key (held by Power BI) cannot be re-issued: the renewed token set is kept in
 * the app's store, sealed (shared-key-tokens.ts), and a process whose tokens are due takes the newer set from there
 * before renewing. With Redis (`REDIS_URL`) every replica thus follows one chain; without it (each process its own
 * memory), another replica, or this one after a restart, can use the key only until its sealed access token expires
 * (one hour after creation), then answers 401 asking for a new key.
 *
 * The list of keys (ids, labels, dates; never a secret) is in the app's store too (gateway-key-list.ts), one record
 * per owner, so any replica lists and revokes a user's keys, and only that user's. Revocation of a stateless key: the
 * key's id is refused until the key would have expired anyway, in this process's memory and in the store
 * (`shared-revocations.ts`), so every replica sharing the store refuses it at its next use, as sign-out does (issues
 * #11, #14). The key's current refresh token is spent at Bitbucket as well, so without a shared store no other
 * replica or later process can renew it, and it stops there when its sealed access token expires.
 */
import { randomBytes } from 'node:crypto';
import type { UpstreamCredential } from '../bitbucket';
import type { GatewayConfig } from '../config';
import type { Logger } from '../logger';
import type { SharedStore } from '../storage';
import { unauthorized } from '../unauthorized';
import type { CookieSealer } from './cookie-sealer';
import { GatewayKeyList, type GatewayKeyInfo } from './gateway-key-list';
import { SharedKeyTokens } from './shared-key-tokens';
import { SharedRevocations } from './shared-revocations';
import type { TokenEndpointClient } from './token-endpoint-client';
import { TokenRenewal, type Renewal } from './token-renewal';
import { tokenSetOf, type TokenSet } from './token-set';

export type { GatewayKeyInfo } from './gateway-key-list';

/** Marks a gateway key wherever it turns up (a Basic password, a leak scan), as GitHub's token prefixes do. */
export const GATEWAY_KEY_PREFIX = 'bbok_';
/** Token sets held in this process's memory; the least recently used go first beyond this (each is about 300 bytes). */
const MAX_CACHED_KEYS = 50_000;
const NEW_KEY = 'Create a new key at /auth/token.';

/**
 * A process that lost a renewal race to another replica (both refreshed the same token; Bitbucket refused the second)
 * looks for the winner's set this long after the refusal: the winner writes it as soon as its grant answers.
 */
const LOST_RACE_WAITS_MS = [0, 50, 200];

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
  /** The app's store (Redis with REDIS_URL): the key list, renewed tokens and revocations kept there hold on every replica. */
  store: SharedStore;
}

export class GatewayKeys {
  readonly #options: GatewayKeysOptions;
  readonly #renewal: TokenRenewal;
  /**
   * Key id → the key's token set as this process last used it, least recently used first: read here on every use, so
   * the store is asked only when the set is due. `known`: the set came from a gateway (this process or one sharing
   * the store) that created or renewed the key, not only from the sealed key.
   */
  readonly #current = new Map<string, { tokens: TokenSet; expiresAt: number; known: boolean }>();
  readonly #listed: GatewayKeyList;
  /** The renewed token sets every replica sharing the store follows. */
  readonly #shared: SharedKeyTokens;
  /** Revoked key ids until the keys would have expired anyway, here and in the shared store. */
  readonly #revoked: SharedRevocations;

  constructor(options: GatewayKeysOptions) {
    this.#options = options;
    this.#renewal = new TokenRenewal({ tokens: options.tokens, now: options.now, logger: options.logger });
    this.#listed = new GatewayKeyList(options.store, options.now);
    this.#shared = new SharedKeyTokens(options.store, options.sealer, options.now);
    this.#revoked = new SharedRevocations('revoked-key', options.store, options.now);
  }

  /** A new key for `owner`, sealing `tokens` (a chain of its own); the secret is returned once and kept nowhere. */
  async create(owner: string, label: string, tokens: TokenSet): Promise<{ key: string; info: GatewayKeyInfo }> {
    const { config, sealer, now } = this.#options;
    const createdAt = now();
    const payload: KeyPayload = { id: randomBytes(16).toString('base64url'), owner, createdAt, expiresAt: createdAt + config.gatewayKeyTtlSeconds * 1000, tokens };
    const info: GatewayKeyInfo = { id: payload.id, label, createdAt, expiresAt: payload.expiresAt };
    await this.#listed.add(owner, info);
    // Sealed in the store from the start, so a replica that revokes the key can spend its chain.
    await this.#shared.write(info.id, tokens, info.expiresAt);
    this.#keep(info.id, tokens, info.expiresAt, true);
    this.#options.logger?.info('gateway key created', { keyId: info.id });
    return { key: `${GATEWAY_KEY_PREFIX}${sealer.seal('gateway-key', payload)}`, info };
  }

  /** `owner`'s keys, whichever replica created them. */
  list(owner: string): Promise<GatewayKeyInfo[]> {
    return this.#listed.list(owner);
  }

  /** Revoke `owner`'s key `id`; false when they have no such key (another owner's key of that id is never touched). */
  async revoke(owner: string, id: string): Promise<boolean> {
    const entry = await this.#listed.find(owner, id);
    if (!entry) return false;
    await this.#revoked.add(id, entry.expiresAt);
    await this.#listed.remove(owner, id);
    const chains = new Set([this.#current.get(id)?.tokens.refreshToken, (await this.#shared.read(id))?.refreshToken]);
    this.#current.delete(id);
    await this.#shared.forget(id);
    // Spend the chain at Bitbucket: a copy of the key elsewhere (a replica without the store, a process after a
    // restart) can then not renew it, and stops when its sealed access token expires.
    for (const refreshToken of chains) if (refreshToken) await this.#renewal.spend(refreshToken);
    this.#options.logger?.info('gateway key revoked', { keyId: id });
    return true;
  }

  /** The Bitbucket credential `key` stands for now (renewed when due), or 401 saying why it does not work. */
  async credential(key: string): Promise<{ id: string; credential: UpstreamCredential }> {
    const { now } = this.#options;
    const payload = key.startsWith(GATEWAY_KEY_PREFIX) ? payloadOf(this.#options.sealer.open('gateway-key', key.slice(GATEWAY_KEY_PREFIX.length))) : undefined;
    // Never repeat the key in an answer or a log line: it is the credential.
    if (!payload) throw unauthorized(`The gateway key is not valid: it was altered or cut short, or sealed with a key this gateway no longer has (SESSION_KEYS). ${NEW_KEY}`);
    const { id } = payload;
    if (await this.#revoked.has(id)) throw unauthorized(`This gateway key was revoked. ${NEW_KEY}`);
    if (now() >= payload.expiresAt) throw unauthorized(`This gateway key expired at ${new Date(payload.expiresAt).toISOString()} (GATEWAY_KEY_TTL_SECONDS). ${NEW_KEY}`);
    const held = this.#current.get(id);
    let tokens = held?.tokens ?? payload.tokens;
    let known = held?.known === true;
    if (now() >= tokens.renewAt) {
      // Due. Another replica may have renewed the key already and spent the refresh token held here: take its set.
      const shared = await this.#newerShared(id, tokens);
      if (shared) {
        tokens = shared;
        known = true;
      }
    }
    let renewal: Renewal = await this.#renewal.current(tokens, 'gateway key', 'Refresh again later.');
    if (renewal.kind === 'ended' && tokens.refreshToken) {
      // Refused: another replica may have renewed with the same refresh token a moment before this one did.
      const winner = await this.#winnerOfRace(id, tokens);
      if (winner) {
        renewal = { kind: 'current', tokens: winner };
        known = true;
      }
    }
    if (renewal.kind === 'ended') {
      this.#current.delete(id);
      this.#options.logger?.info('gateway key unusable', { keyId: id, reason: renewal.reason });
      // Refused while no gateway sharing this store made the tokens: a process without the store (another replica
      // with no REDIS_URL, or this one before a restart) renewed the key and spent the sealed refresh token
      // (Bitbucket rotates them), or the user withdrew the access.
      const elsewhere = known ? '' : ' The key was renewed by another gateway process that shares no store with this one (REDIS_URL), or before a restart (Bitbucket allows each refresh token one use), or its access was withdrawn at Bitbucket.';
      throw unauthorized(`This gateway key's Bitbucket authorization ended: ${renewal.reason}.${elsewhere} ${NEW_KEY}`);
    }
    if (renewal.kind === 'renewed') {
      // Kept here before the store is written: the refresh token just spent is gone for good, so a store that fails
      // now (the request then fails) must not take the only copy of its successor with it.
      this.#keep(id, renewal.tokens, payload.expiresAt, true);
      await this.#shared.write(id, renewal.tokens, payload.expiresAt);
    }
    if (await this.#revoked.has(id)) {
      // Revoked while this renewal was under way (revoke() may have spent the chain before this link of it).
      this.#current.delete(id);
      if (renewal.kind === 'renewed') {
        await this.#shared.forget(id);
        if (renewal.tokens.refreshToken) await this.#renewal.spend(renewal.tokens.refreshToken);
      }
    } else {
      this.#keep(id, renewal.tokens, payload.expiresAt, renewal.kind === 'renewed' || known);
    }
    return { id, credential: { kind: 'bearer', token: renewal.tokens.accessToken } };
  }

  /** Bitbucket answered 401 to the key's access token (revoked or expired early): renew before the next use. */
  refused(id: string, credential: UpstreamCredential): void {
    const held = this.#current.get(id);
    if (held && credential.kind === 'bearer' && held.tokens.accessToken === credential.token) held.tokens = { ...held.tokens, renewAt: 0 };
  }

  /** The store's set for key `id` when it is a later one than `tokens` (another replica renewed since). */
  async #newerShared(id: string, tokens: TokenSet): Promise<TokenSet | undefined> {
    const shared = await this.#shared.read(id);
    return shared && shared.accessToken !== tokens.accessToken && shared.expiresAt > tokens.expiresAt ? shared : undefined;
  }

  /** The set another replica renewed `tokens` into, if it shows up within LOST_RACE_WAITS_MS and is still valid. */
  async #winnerOfRace(id: string, tokens: TokenSet): Promise<TokenSet | undefined> {
    for (const wait of LOST_RACE_WAITS_MS) {
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const shared = await this.#newerShared(id, tokens);
      if (shared && this.#options.now() < shared.expiresAt) return shared;
    }
    return undefined;
  }

  #keep(id: string, tokens: TokenSet, expiresAt: number, known: boolean): void {
    this.#current.delete(id);
    this.#current.set(id, { tokens, expiresAt, known });
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
  }
}

/** The payload a sealed key opened to, checked field by field; undefined for anything else. */
function payloadOf(opened: unknown): KeyPayload | undefined {
  if (!opened || typeof opened !== 'object') return undefined;
  const { id, owner, createdAt, expiresAt, tokens } = opened as Record<string, unknown>;
  if (typeof id !== 'string' || typeof owner !== 'string' || typeof createdAt !== 'number' || typeof expiresAt !== 'number') return undefined;
  const tokenSet = tokenSetOf(tokens);
  return tokenSet ? { id, owner, createdAt, expiresAt, tokens: tokenSet } : undefined;
}
