/**
 * What the gateway keeps between requests (the upstream response cache, the budget per upstream principal, the
 * revocations and gateway keys) and, with Redis, shares between replicas. Small on purpose: byte values with a
 * lifetime, which may be evicted (they only save calls), records of fields with a lifetime each, which never are (the
 * security state), and tallies (records of counters: the budget's rolling hour), which Redis never evicts either: an
 * in-process LRU (memory-store.ts) or Redis (redis-store.ts). Keys never hold a credential: callers put hashes in them
 * (src/budget/upstream-principal.ts), and what must reach every replica of a credential is sealed first.
 */
/** A key to create with `value` for `ttlSeconds` where it holds none (`SharedStore.setAllIfAbsent`). */
export interface IfAbsentEntry {
  key: string;
  value: Buffer;
  ttlSeconds: number;
}

export interface SharedStore {
  /** `memory` or `redis`, for logs and /health-style reports. */
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<Buffer | undefined>;
  /** Stores `value` for `ttlSeconds` (≥ 1). A value too large for the store is not kept (never an error). */
  set(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
  /**
   * For each entry, in their order: the value its key holds; when it holds none, the entry's value, stored for its
   * `ttlSeconds` (Redis `SET NX`, then `GET`: of two callers creating a key at once, both get the one that was kept).
   * Values that may be evicted, as `set`'s; for marks whose absence must never read as an old value
   * (src/bitbucket/notice-trust.ts). One round trip for all (one MULTI on Redis: a covered read's three marks cost one
   * exchange, not three); each entry on its own, the entries are not one atomic unit.
   */
  setAllIfAbsent(entries: readonly IfAbsentEntry[]): Promise<Buffer[]>;
  /** Removes the value, tally or record `key`. */
  delete(key: string): Promise<void>;
  /**
   * Adds `by` (an integer) to the counter `field` of the tally `key` (both created at 0) and returns the new value; the
   * counter lives `ttlSeconds` from its creation (a later add does not extend it; one added after it expired starts
   * again at 0). Concurrent adds, from several replicas too, all count.
   *
   * Tallies are the budget per principal's rolling hour (a counter per minute): a count lost under memory pressure
   * would let the gateway spend calls it has already counted (issue #14), so, like records, Redis keeps them in keys
   * without a lifetime (never evicted under `volatile-*` policies) and forgets expired counters itself. The memory
   * store keeps them apart from the values' bytes and from the records, bounded by counters (`maxCounters`).
   */
  incrementField(key: string, field: string, by: number, ttlSeconds: number): Promise<number>;
  /** The counters `fields` of the tally `key`, in the order asked: 0 for one missing or expired. */
  fieldCounts(key: string, fields: readonly string[]): Promise<number[]>;
  /**
   * Sets the counter `field` of the tally `key` to `value`, living `ttlSeconds` from now (a later set starts it again).
   * With `ifOpen`, only in a tally `openTally` has opened (true when set): the budget keeps there what Bitbucket said
   * of a credential it accepted (a learned `X-RateLimit-Limit`, a 429's block), never evicted either.
   */
  setCounter(key: string, field: string, value: number, ttlSeconds: number, ifOpen: boolean): Promise<boolean>;
  /**
   * Adds to the counter `field` of the tally `key` what its counters `fields` lack to sum to `atLeast` (nothing when
   * they reach it), in one step, and returns what it added; with `ifOpen`, only in a tally `openTally` has opened (else
   * nothing). Concurrent raises to one floor add its gap once (a read, then an add, would add it once per reader).
   */
  raiseTally(key: string, fields: readonly string[], field: string, atLeast: number, ttlSeconds: number, ifOpen: boolean): Promise<number>;
  /**
   * Takes one from the first of `fields` (in the order given) whose counter in the tally `key` is above 0, in one step,
   * and returns that field; undefined when none is. Concurrent takes, from several replicas too, never take the same
   * one twice, and no reader ever sees a counter below 0.
   */
  takeOne(key: string, fields: readonly string[]): Promise<string | undefined>;
  /**
   * Adds `by` to the counter `field` of the tally `key` when `openTally` has opened it, else to the same counter of
   * the count `countKey` (both created at 0), in one step, and returns the new value. Unlike a tally, a count is a
   * value: it lives `ttlSeconds` from its creation as a whole and may be evicted like the cache (each counter keeps its
   * own deadline for the move). The budget counts in one the calls of a credential Bitbucket has not accepted yet:
   * anyone can make up credentials, and what they leave must be state Redis may drop (src/budget/principal-budget.ts).
   */
  addToTallyOrCount(key: string, countKey: string, field: string, by: number, ttlSeconds: number): Promise<number>;
  /**
   * Opens the tally `key` for `ttlSeconds` from now and moves every counter of the count `countKey` into it (added to
   * the tally's counter of the same name; one it creates lives what was left of the count's), in one step: no add in
   * between goes to the count after the move (nor is lost), and of two openers at once the second moves nothing.
   */
  openTally(key: string, countKey: string, ttlSeconds: number): Promise<void>;
  /** The counters `fields` of the count `key`, in the order asked: 0 for one missing (or the count evicted). */
  countsOf(key: string, fields: readonly string[]): Promise<number[]>;
  /**
   * Sets one field of the record `key` (created empty); the field lives `ttlSeconds` from now (a later put of the same
   * field sets its lifetime again). Fields change one by one, so two replicas adding fields at once both keep theirs
   * (a whole value read, changed and written back would lose one).
   *
   * Records are the security state (revocations, gateway-key lists, sealed renewed tokens): unlike values (the
   * response cache, the list memo: things whose loss costs calls), they are never evicted to make room.
   * The memory store keeps them apart from the values' bytes; Redis keeps them in keys without a lifetime, which its
   * `volatile-*` eviction policies never evict, and forgets expired fields itself (redis-store.ts).
   */
  putField(key: string, field: string, value: Buffer, ttlSeconds: number): Promise<void>;
  /** One field of the record `key`, if it is there and has not expired. */
  field(key: string, field: string): Promise<Buffer | undefined>;
  /** Every field of the record `key` that has not expired (empty when there is none). */
  fields(key: string): Promise<Map<string, Buffer>>;
  /** Removes one field; true when it was there (of two callers removing the same field at once, one gets true). */
  deleteField(key: string, field: string): Promise<boolean>;
  /**
   * Why the store cannot be used right now (Redis unreachable since its last socket error), or undefined when it can:
   * cheap (no round trip), for /health. A command that fails rejects with StoreUnavailable (store-unavailable.ts).
   */
  unavailable(): string | undefined;
  /** Releases connections (Redis); the memory store just forgets. */
  close(): Promise<void>;
}
