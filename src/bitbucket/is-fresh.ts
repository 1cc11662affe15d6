/**
 * Whether what the gateway kept from Bitbucket may be served again without asking it: the one rule the response cache
 * (an answer, response-cache.ts) and the list memo (a list read to its end, list-memo.ts) both judge by.
 *
 * - Ordinarily: younger than the window (`UPSTREAM_CACHE_SECONDS`), and no write through the gateway to its scope since
 *   it was read (the scope's generation is the one read before that fetch).
 * - Content that cannot change (a commit by its full hash): younger than its own window; a write does not touch it.
 * - With change notices (notice-trust.ts): what was kept under a trust token and is looked up with one is judged by the
 *   token alone (a notice or a write changes it, even within the window), up to the trust time; past the ordinary
 *   window only while Bitbucket accepted the same credential within it, so a credential revoked in Bitbucket reads its
 *   kept answers no longer than without notices.
 */

/** What was kept with an answer or a list when it was read. */
export interface KeptMarks {
  /** When it was read or last confirmed (ms, the cache's clock). */
  storedAt: number;
  /** The generation of its scope read before that fetch. */
  generation: string;
  /** Its trust token, when it was read under one. */
  trust?: string;
  /** Content a write cannot change: judged by its own window alone, never trusted longer. */
  immutable?: boolean;
}

/** The same marks read now, and the windows they are judged by. */
export interface FreshnessNow {
  /** The clock now (ms). */
  at: number;
  /** The generation of the scope read now. */
  generation: string;
  /** The ordinary window (or, for immutable content, its own), in seconds. */
  windowSeconds: number;
  /** The trust token read now, when notices cover the path and this replica knows the receiver alive. */
  trust?: {
    token: string;
    /** `WEBHOOK_TRUST_SECONDS`. */
    seconds: number;
    /** Whether Bitbucket accepted the credential within the ordinary window (a store read: asked only when needed). */
    accepted: () => Promise<boolean>;
  };
}

export async function isFresh(kept: KeptMarks, now: FreshnessNow): Promise<boolean> {
  const age = now.at - kept.storedAt;
  // Stored "in the future": the clock went back, or another replica's runs ahead. Nothing tells how old it is.
  if (age < 0) return false;
  const withinWindow = age < now.windowSeconds * 1000;
  const trust = now.trust;
  if (trust !== undefined && kept.trust !== undefined && !kept.immutable) {
    return kept.trust === trust.token && age < trust.seconds * 1000 && (withinWindow || (await trust.accepted()));
  }
  return withinWindow && (kept.immutable === true || kept.generation === now.generation);
}
