/**
 * Credential liveness that replicas share (with `REDIS_URL`), for pages served from a snapshot kept in Redis
 * (`redis-page-snapshots.ts`): the replica that read the set records that Bitbucket has just accepted the credential,
 * and the replica that serves a later page trusts that record for `CREDENTIAL_RECHECK_SECONDS`, as the replica that
 * made it would (`credential-liveness.ts`). Without it, every replica a walk touches would spend one `GET /user` on
 * its first page of the walk.
 *
 * The record is a time under a keyed hash (HMAC-SHA256 with `SKIPTOKEN_SECRET`, which replicas share) of the
 * credential, living as long as it is trusted: Redis holds no credential. When the record is missing or stale, the
 * check is the in-process one's (one `GET /user`; Bitbucket's 401/403 refuses the page with 401), and its success is
 * recorded for every replica. A Redis that fails is logged and costs that `GET /user`, never an unchecked page.
 */
import { createHmac } from 'node:crypto';
import type { BitbucketClient, UpstreamCredential } from '../bitbucket';
import type { Logger } from '../logger';
import type { SharedStore } from '../storage';
import { CredentialLiveness } from './credential-liveness';

/** What the paging handler asks of a liveness check: this shared one, or the in-process `CredentialLiveness`. */
export interface CredentialCheck {
  /** Bitbucket has just answered a read made with `credential`. */
  confirm(credential: UpstreamCredential): void | Promise<void>;
  /** Resolves when `credential` was confirmed within the recheck time or Bitbucket accepts it now; else 401. */
  assertLive(credential: UpstreamCredential, client: Pick<BitbucketClient, 'get'>, signal?: AbortSignal): Promise<void>;
}

export interface SharedCredentialLivenessOptions {
  store: SharedStore;
  /** Key of the hashes (`SKIPTOKEN_SECRET`): the same on every replica, so they find each other's records. */
  secret: Buffer;
  recheckSeconds: number;
  now?: () => number;
  logger?: Logger;
}

export class SharedCredentialLiveness implements CredentialCheck {
  readonly #store: SharedStore;
  readonly #secret: Buffer;
  readonly #recheckSeconds: number;
  readonly #now: () => number;
  /** The in-process check with no trust of its own (recheck 0): it asks Bitbucket and maps its refusal to 401. */
  readonly #ask: CredentialLiveness;
  readonly #logger: Logger | undefined;

  constructor(options: SharedCredentialLivenessOptions) {
    this.#store = options.store;
    this.#secret = options.secret;
    this.#recheckSeconds = options.recheckSeconds;
    this.#now = options.now ?? Date.now;
    this.#ask = new CredentialLiveness(0, this.#now);
    this.#logger = options.logger;
  }

  async confirm(credential: UpstreamCredential): Promise<void> {
    if (this.#recheckSeconds <= 0) return;
    // Unrecorded, the next snapshot page asks Bitbucket itself: dearer by one call, never less safe.
    await this.#store.set(this.#keyOf(credential), Buffer.from(String(this.#now())), this.#recheckSeconds).catch((error: unknown) => this.#warn('confirm', error));
  }

  async assertLive(credential: UpstreamCredential, client: Pick<BitbucketClient, 'get'>, signal?: AbortSignal): Promise<void> {
    const recorded = await this.#store.get(this.#keyOf(credential)).catch((error: unknown) => this.#warn('check', error));
    const at = recorded === undefined ? Number.NaN : Number(recorded.toString());
    // The record's own time decides, not only its lifetime: a store that rounds lifetimes up never stretches trust.
    if (Number.isFinite(at) && this.#now() - at < this.#recheckSeconds * 1000) return;
    await this.#ask.assertLive(credential, client, signal);
    await this.confirm(credential);
  }

  #warn(operation: string, error: unknown): undefined {
    this.#logger?.warn('credential liveness store failed', { operation, error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }

  #keyOf(credential: UpstreamCredential): string {
    const text = credential.kind === 'bearer' ? `bearer:${credential.token}` : credential.kind === 'basic' ? `basic:${credential.username}:${credential.password}` : 'none';
    return `live:${createHmac('sha256', this.#secret).update('credential liveness\0').update(text).digest('base64url')}`;
  }
}
