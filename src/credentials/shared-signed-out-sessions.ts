/**
 * Sign-outs that every replica honours: the session ids signed out (`signed-out-sessions.ts`) kept in the app's shared
 * store as well (in-process, or Redis with `REDIS_URL`, as the budget per principal is), each until the moment its
 * session would have ended by age anyway. A replica that did not see the sign-out finds it there on the cookie's next
 * use. The store's key is a hash of the session id (src/storage keys never carry what a cookie carries).
 *
 * A store that cannot be read (Redis away) fails the request rather than accept a session that may have been signed
 * out. This process's own sign-outs are also kept in its memory, so the memory store evicting them changes nothing.
 */
import { createHash } from 'node:crypto';
import type { SharedStore } from '../storage';
import { SignedOutSessions } from './signed-out-sessions';

const KEY_PREFIX = 'signed-out:';

export class SharedSignedOutSessions {
  readonly #local: SignedOutSessions;

  constructor(
    private readonly store: SharedStore | undefined,
    private readonly now: () => number,
  ) {
    this.#local = new SignedOutSessions(now);
  }

  async add(sessionId: string, endsAt: number): Promise<void> {
    this.#local.add(sessionId, endsAt);
    const ttlSeconds = Math.ceil((endsAt - this.now()) / 1000);
    if (this.store && ttlSeconds >= 1) await this.store.set(keyOf(sessionId), Buffer.from('1'), ttlSeconds);
  }

  async has(sessionId: string): Promise<boolean> {
    if (this.#local.has(sessionId)) return true;
    if (!this.store) return false;
    return (await this.store.get(keyOf(sessionId))) !== undefined;
  }
}

function keyOf(sessionId: string): string {
  return `${KEY_PREFIX}${createHash('sha256').update(sessionId).digest('base64url')}`;
}
