/**
 * What the gateway keeps between requests (the upstream response cache, the budget per upstream principal, the list
 * of gateway keys) and, with Redis, shares between replicas. Small on purpose: byte values with a lifetime, counters
 * with a lifetime, and records of a few fields (a Redis hash), which both an in-process LRU (memory-store.ts) and
 * Redis (redis-store.ts) do natively. Keys never hold a credential: callers put hashes in them
 * (src/budget/upstream-principal.ts), and what must reach every replica of a credential is sealed first.
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
  /**
   * Sets one field of the record `key` (created empty), which then lives at least `ttlSeconds` more: a shorter
   * lifetime never cuts a longer one. Fields change one by one, so two replicas adding fields at once both keep theirs
   * (a whole value read, changed and written back would lose one). Unlike values, records are never evicted by the
   * memory store to make room for the response cache: they are what a user can still list and revoke.
   */
  putField(key: string, field: string, value: Buffer, ttlSeconds: number): Promise<void>;
  /** Every field of the record `key` (empty when there is none). */
  fields(key: string): Promise<Map<string, Buffer>>;
  /** Removes one field; true when it was there (of two callers removing the same field at once, one gets true). */
  deleteField(key: string, field: string): Promise<boolean>;
  /** Releases connections (Redis); the memory store just forgets. */
  close(): Promise<void>;
}
