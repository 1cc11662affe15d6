/**
 * Gateway-key revocations that every replica honours (issues #11, #14): the revoked key ids (`gateway-keys.ts`) kept
 * in the app's shared store as well (in-process, or Redis with `REDIS_URL`), each until the moment the key would
 * have expired anyway, as sign-out keeps its session ids (`shared-signed-out-sessions.ts`). A replica that did not
 * see the DELETE finds the revocation there on the key's next use, instead of serving it until its sealed access
 * token expires. The store's key is a hash of the key id; the key itself (the credential) is never stored.
 *
 * A store that cannot be read (Redis away) fails the request rather than accept a key that may have been revoked.
 * This process's own revocations are also kept in its memory, so the memory store evicting them changes nothing.
 */
import { createHash } from 'node:crypto';
import type { SharedStore } from '../storage';
import { SignedOutSessions } from './signed-out-sessions';

const KEY_PREFIX = 'revoked-key:';

export class SharedRevokedKeys {
  /** The same bounded list of ids sign-out uses, here of key ids. */
  readonly #local: SignedOutSessions;

  constructor(
    private readonly store: SharedStore | undefined,
    private readonly now: () => number,
  ) {
    this.#local = new SignedOutSessions(now);
  }

  async add(keyId: string, expiresAt: number): Promise<void> {
    this.#local.add(keyId, expiresAt);
    const ttlSeconds = Math.ceil((expiresAt - this.now()) / 1000);
    if (this.store && ttlSeconds >= 1) await this.store.set(storeKeyOf(keyId), Buffer.from('1'), ttlSeconds);
  }

  async has(keyId: string): Promise<boolean> {
    if (this.#local.has(keyId)) return true;
    if (!this.store) return false;
    return (await this.store.get(storeKeyOf(keyId))) !== undefined;
  }
}

function storeKeyOf(keyId: string): string {
  return `${KEY_PREFIX}${createHash('sha256').update(keyId).digest('base64url')}`;
}
