/**
 * Sessions signed out before their time. A session lives in a sealed cookie and the server keeps no session state,
 * so clearing the cookie in one browser would leave a copy of it (another tab's jar, a proxy log, a stolen cookie)
 * working until `SESSION_TTL_SECONDS` ends it. Sign-out therefore records the session's id here until the moment the
 * session would have ended anyway, and `SessionManager.resolve` refuses it (OWASP Session Management Cheat Sheet,
 * "Manual Session Expiration": the server side must invalidate the session, not only the cookie).
 *
 * Held in this process's memory. Sessions keep their sign-outs in the app's shared store too
 * (`shared-revocations.ts`), so that every replica refuses them; gateway keys keep their revocations there too.
 */
export class SignedOutSessions {
  /** Session id → epoch ms after which the session has ended by its age anyway (and the entry can go). */
  readonly #until = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  add(sessionId: string, endsAt: number): void {
    this.#prune();
    if (endsAt > this.now()) this.#until.set(sessionId, endsAt);
  }

  has(sessionId: string): boolean {
    const until = this.#until.get(sessionId);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.#until.delete(sessionId);
      return false;
    }
    return true;
  }

  get size(): number {
    return this.#until.size;
  }

  /** Entries of sessions that have ended by age need no memory: drop them (cheap; sign-outs are rare). */
  #prune(): void {
    const now = this.now();
    for (const [id, until] of this.#until) if (until <= now) this.#until.delete(id);
  }
}
