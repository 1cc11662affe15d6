/**
 * Revocations that every replica honours (issues #11, #14): ids that must no longer be accepted (signed-out session
 * ids, revoked gateway-key ids) kept in this process's memory (`signed-out-sessions.ts`) and in the app's shared store
 * as well (in-process, or Redis with `REDIS_URL`, as the budget per principal is), each until the moment the session
 * or key would have ended by age anyway. A replica that did not see the sign-out or the DELETE finds it there on the
 * credential's next use. They are one record per kind, a field per revoked id named by its hash (src/storage never
 * holds what a cookie or a key carries): a record, because records are never evicted to make room for the response
 * cache (shared-store.ts); an evicted revocation would let the credential in again on every other replica.
 *
 * A store that cannot be read (Redis away) fails the request rather than accept a credential that may have been
 * revoked. This process's own revocations are also in its memory, so the memory store evicting them changes nothing.
 */
import { createHash } from 'node:crypto';
import type { SharedStore } from '../storage';
import { SignedOutSessions } from './signed-out-sessions';

/** What is revoked, as the store's record name: one record per kind of credential. */
export type RevocationKind = 'signed-out' | 'revoked-key';

export class SharedRevocations {
  readonly #local: SignedOutSessions;

  constructor(
    private readonly kind: RevocationKind,
    private readonly store: SharedStore | undefined,
    private readonly now: () => number,
  ) {
    this.#local = new SignedOutSessions(now);
  }

  /** Revokes `id` until `endsAt` (ms since the epoch), when it would have ended anyway. */
  async add(id: string, endsAt: number): Promise<void> {
    this.#local.add(id, endsAt);
    const ttlSeconds = Math.ceil((endsAt - this.now()) / 1000);
    if (this.store && ttlSeconds >= 1) await this.store.putField(this.kind, this.#field(id), Buffer.from('1'), ttlSeconds);
  }

  async has(id: string): Promise<boolean> {
    if (this.#local.has(id)) return true;
    if (!this.store) return false;
    return (await this.store.field(this.kind, this.#field(id))) !== undefined;
  }

  #field(id: string): string {
    return createHash('sha256').update(id).digest('base64url');
  }
}
