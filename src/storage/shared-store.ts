/**
 * What the gateway keeps between requests (the upstream response cache, the budget per upstream principal) and, with
 * Redis, shares between replicas. Small on purpose: byte values with a lifetime, and counters with a lifetime, which
 * both an in-process LRU (memory-store.ts) and Redis (redis-store.ts) do natively. Keys never hold a credential:
 * callers put keyed hashes in them (src/budget/upstream-principal.ts).
 */
export interface SharedStore {
  /** `memory` or `redis`, for logs and /health-style reports. */
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<Buffer | undefined>;
  /** Stores `value` for `ttlSeconds` (≥ 1). A value too large for the store is not kept (never an error). */
  set(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Adds `by` to the counter (created at 0) and returns the new value; the counter lives `ttlSeconds` from its creation. */
  increment(key: string, by: number, ttlSeconds: number): Promise<number>;
  /** Counters in the order asked, 0 for a missing one. */
  counters(keys: readonly string[]): Promise<number[]>;
  /** Releases connections (Redis); the memory store just forgets. */
  close(): Promise<void>;
}
