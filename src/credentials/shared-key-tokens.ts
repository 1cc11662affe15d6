/**
 * A gateway key's current Bitbucket tokens, for every replica (issue #14). Bitbucket rotates the refresh token on
 * every refresh: the old one "will expire shortly after" (REST API introduction, "OAuth 2.0"; GitLab's Bitbucket
 * importer broke on exactly this, gitlab-org/gitlab#640895). So the refresh token sealed in a key is spent at the key's
 * first renewal, and a replica that renewed on its own with it would be refused once its copy of the sealed access
 * token expired: renewing on each replica is not harmless. The replica that renews therefore leaves the renewed set
 * here, and a replica whose tokens are due takes the newer set from here before it renews anything.
 *
 * In the app's store (Redis with `REDIS_URL`), sealed: AES-256-GCM under SESSION_KEYS (cookie-sealer.ts, its own
 * purpose, so it opens as neither a key nor a session), which every replica has and Redis never sees: a field of the
 * store's record `key-tokens` named by a hash of the key id (a record, so Redis never evicts it for the response
 * cache: losing the only copy of a rotated chain would leave the key refused). The sealed value names its key id, so
 * a value copied under another key's name does not open as that key's. It lives until the key expires (at most 90
 * days, Bitbucket's unused refresh token lifetime).
 */
import { createHash } from 'node:crypto';
import type { SharedStore } from '../storage';
import type { CookieSealer } from './cookie-sealer';
import { tokenSetOf, type TokenSet } from './token-set';

export class SharedKeyTokens {
  constructor(
    private readonly store: SharedStore,
    private readonly sealer: CookieSealer,
    private readonly now: () => number,
  ) {}

  /** The tokens the replicas last kept for key `id`, if any (and if they open under this gateway's SESSION_KEYS). */
  async read(id: string): Promise<TokenSet | undefined> {
    const value = await this.store.field(RECORD, fieldOf(id));
    if (!value) return undefined;
    const opened = this.sealer.open('gateway-key-tokens', value.toString('utf8'));
    if (!opened || typeof opened !== 'object' || (opened as { id?: unknown }).id !== id) return undefined;
    return tokenSetOf((opened as { tokens?: unknown }).tokens);
  }

  /** Keeps `tokens` as key `id`'s current set until `until` (epoch ms: when the key expires). */
  async write(id: string, tokens: TokenSet, until: number): Promise<void> {
    const ttlSeconds = (until - this.now()) / 1000;
    if (ttlSeconds < 1) return;
    await this.store.putField(RECORD, fieldOf(id), Buffer.from(this.sealer.seal('gateway-key-tokens', { id, tokens })), ttlSeconds);
  }

  async forget(id: string): Promise<void> {
    await this.store.deleteField(RECORD, fieldOf(id));
  }
}

/** The one record of every key's tokens. */
const RECORD = 'key-tokens';

function fieldOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
