/**
 * The embedded default SharedStore: one process, bounded. Values live in an LRU bounded by bytes (lru-cache's
 * `maxSize` with `sizeCalculation`), so the response cache cannot grow past `maxBytes` whatever it is asked to keep;
 * tallies (the budget's counter per principal and minute) live in an LRU bounded by counters, and records (the
 * security state: revocations, gateway-key lists, renewed tokens) in one bounded by entries, so filling the cache never
 * pushes a count or a record out, nor many principals' counts a record. All honour per-entry lifetimes; a record's
 * fields and a tally's counters each have their own.
 */
import { LRUCache } from 'lru-cache';
import type { IfAbsentEntry, SharedStore } from './shared-store';

export interface MemoryStoreOptions {
  /** Bytes of all values together (keys count too); the least recently used go first. */
  maxBytes: number;
  /** Tally counters kept at once, all tallies together; the least recently used tallies go first beyond it (a count dropped early under-counts, see README). */
  maxCounters?: number;
  /** Records (putField) kept at once, apart from the values' bytes; the least recently used go first beyond it. */
  maxRecords?: number;
  /** Epoch milliseconds; specs pass a clock they move. */
  now?: () => number;
}

/** A tally's counter: its count and when it expires (epoch ms). */
interface Count {
  value: number;
  until: number;
}

/** A record's field: its value and when it expires (epoch ms). */
interface Field {
  value: Buffer;
  until: number;
}

export class MemoryStore implements SharedStore {
  readonly kind = 'memory' as const;
  readonly #values: LRUCache<string, Buffer>;
  readonly #tallies: LRUCache<string, Map<string, Count>>;
  readonly #records: LRUCache<string, Map<string, Field>>;
  readonly #now: () => number;

  constructor(options: MemoryStoreOptions) {
    this.#now = options.now ?? Date.now;
    const perf = options.now ? { now: options.now } : undefined;
    this.#values = new LRUCache<string, Buffer>({
      maxSize: Math.max(1, options.maxBytes),
      // A value larger than the whole store is simply not kept.
      maxEntrySize: Math.max(1, options.maxBytes),
      sizeCalculation: (value, key) => value.length + key.length,
      // A default lifetime turns lru-cache's TTL tracking on; every set() gives its own.
      ttl: 60_000,
      ttlResolution: 0,
      ...(perf ? { perf } : {}),
    });
    // Sized by counters, not tallies: a tally is set again after each change, so its size follows its counters.
    const maxCounters = Math.max(1, options.maxCounters ?? 100_000);
    this.#tallies = new LRUCache<string, Map<string, Count>>({ maxSize: maxCounters, maxEntrySize: maxCounters, sizeCalculation: (tally) => Math.max(1, tally.size), ttl: 60_000, ttlResolution: 0, ...(perf ? { perf } : {}) });
    // Bounded by a size of 1 per record, not by `max`: with `max`, lru-cache allocates its arrays for every slot at
    // once (100,000 of them: 19-27 ms per store made, against 0.02 ms), in every app a spec builds; the bound is the same.
    const maxRecords = Math.max(1, options.maxRecords ?? 100_000);
    this.#records = new LRUCache<string, Map<string, Field>>({ maxSize: maxRecords, maxEntrySize: maxRecords, sizeCalculation: () => 1, ttl: 60_000, ttlResolution: 0, ...(perf ? { perf } : {}) });
  }

  async get(key: string): Promise<Buffer | undefined> {
    return this.#values.get(key);
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    this.#values.set(key, value, { ttl: ttlSeconds * 1000 });
  }

  async setAllIfAbsent(entries: readonly IfAbsentEntry[]): Promise<Buffer[]> {
    // One synchronous step per entry, in their order: nothing runs between the check and the set.
    return entries.map(({ key, value, ttlSeconds }) => {
      const held = this.#values.get(key);
      if (held !== undefined) return held;
      this.#values.set(key, value, { ttl: ttlSeconds * 1000 });
      return value;
    });
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
    this.#tallies.delete(key);
    this.#records.delete(key);
  }

  async incrementField(key: string, field: string, by: number, ttlSeconds: number): Promise<number> {
    const now = this.#now();
    const tally = this.#tallies.get(key) ?? new Map<string, Count>();
    // Expired counters go as the tally changes (a tally holds about an hour of minutes), as a record's fields do.
    dropExpired(tally, now);
    const count = tally.get(field) ?? { value: 0, until: now + ttlSeconds * 1000 };
    count.value += by;
    tally.set(field, count);
    this.#tallies.set(key, tally, { ttl: lifetimeOf(tally, now) });
    return count.value;
  }

  async fieldCounts(key: string, fields: readonly string[]): Promise<number[]> {
    const now = this.#now();
    const tally = this.#tallies.get(key);
    return fields.map((field) => {
      const count = tally?.get(field);
      return count !== undefined && count.until > now ? count.value : 0;
    });
  }

  async setCounter(key: string, field: string, value: number, ttlSeconds: number, ifOpen: boolean): Promise<boolean> {
    const now = this.#now();
    const tally = this.#tallies.get(key) ?? new Map<string, Count>();
    if (ifOpen && !isOpen(tally, now)) return false;
    dropExpired(tally, now);
    tally.set(field, { value, until: now + ttlSeconds * 1000 });
    this.#tallies.set(key, tally, { ttl: lifetimeOf(tally, now) });
    return true;
  }

  async raiseTally(key: string, fields: readonly string[], field: string, atLeast: number, ttlSeconds: number, ifOpen: boolean): Promise<number> {
    const now = this.#now();
    const tally = this.#tallies.get(key);
    if (ifOpen && !isOpen(tally, now)) return 0;
    const sum = fields.reduce((total, name) => {
      const count = tally?.get(name);
      return total + (count !== undefined && count.until > now ? count.value : 0);
    }, 0);
    const gap = Math.trunc(atLeast) - sum;
    if (gap <= 0) return 0;
    await this.incrementField(key, field, gap, ttlSeconds);
    return gap;
  }

  async takeOne(key: string, fields: readonly string[]): Promise<string | undefined> {
    const now = this.#now();
    const tally = this.#tallies.get(key);
    const found = fields.find((field) => {
      const count = tally?.get(field);
      return count !== undefined && count.until > now && count.value > 0;
    });
    if (found !== undefined) (tally?.get(found) as Count).value -= 1;
    return found;
  }

  async addToTallyOrCount(key: string, countKey: string, field: string, by: number, ttlSeconds: number): Promise<number> {
    if (isOpen(this.#tallies.get(key), this.#now())) return this.incrementField(key, field, by, ttlSeconds);
    // A value among the cache's (bounded by bytes, evicted with it), as Redis keeps it: its counters as JSON.
    const counters = this.#countOf(countKey);
    const remaining = this.#values.has(countKey) ? this.#values.getRemainingTTL(countKey) : ttlSeconds * 1000;
    const count = counters[field] ?? { value: 0, until: this.#now() + ttlSeconds * 1000 };
    count.value += Math.trunc(by);
    counters[field] = count;
    if (remaining > 0) this.#values.set(countKey, Buffer.from(JSON.stringify(counters)), { ttl: remaining });
    return count.value;
  }

  async openTally(key: string, countKey: string, ttlSeconds: number): Promise<void> {
    // One synchronous step (no await in between): nothing else runs until the count is moved and the tally open.
    const now = this.#now();
    const counters = this.#countOf(countKey);
    this.#values.delete(countKey);
    const tally = this.#tallies.get(key) ?? new Map<string, Count>();
    dropExpired(tally, now);
    for (const [field, { value, until }] of Object.entries(counters)) {
      if (value === 0 || until <= now) continue;
      const count = tally.get(field) ?? { value: 0, until };
      count.value += value;
      tally.set(field, count);
    }
    tally.set(OPEN, { value: 1, until: now + ttlSeconds * 1000 });
    this.#tallies.set(key, tally, { ttl: lifetimeOf(tally, now) });
  }

  async countsOf(key: string, fields: readonly string[]): Promise<number[]> {
    const counters = this.#countOf(key);
    return fields.map((field) => counters[field]?.value ?? 0);
  }

  #countOf(key: string): Record<string, Count> {
    const stored = this.#values.get(key);
    if (stored === undefined) return {};
    const parsed: unknown = JSON.parse(stored.toString());
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, Count>) : {};
  }

  async putField(key: string, field: string, value: Buffer, ttlSeconds: number): Promise<void> {
    const now = this.#now();
    const record = this.#records.get(key) ?? new Map<string, Field>();
    // Expired fields go as the record changes, so a record holds what is live and little more.
    dropExpired(record, now);
    record.set(field, { value, until: now + ttlSeconds * 1000 });
    this.#records.set(key, record, { ttl: lifetimeOf(record, now) });
  }

  async field(key: string, field: string): Promise<Buffer | undefined> {
    const found = this.#records.get(key)?.get(field);
    return found !== undefined && found.until > this.#now() ? found.value : undefined;
  }

  async fields(key: string): Promise<Map<string, Buffer>> {
    const now = this.#now();
    const live = new Map<string, Buffer>();
    for (const [name, { value, until }] of this.#records.get(key) ?? []) if (until > now) live.set(name, value);
    return live;
  }

  async deleteField(key: string, field: string): Promise<boolean> {
    return this.#records.get(key)?.delete(field) ?? false;
  }

  /** In the process: always there. */
  unavailable(): undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.#values.clear();
    this.#tallies.clear();
    this.#records.clear();
  }
}

/** The counter that marks a tally open (openTally): a NUL names no counter the callers use (minutes, ids). */
const OPEN = '\0open';

function isOpen(tally: Map<string, Count> | undefined, now: number): boolean {
  return (tally?.get(OPEN)?.until ?? 0) > now;
}

/** Removes the entries of a record or tally whose deadline (`until`, epoch ms) has passed. */
function dropExpired(entries: Map<string, { until: number }>, now: number): void {
  for (const [name, { until }] of entries) if (until <= now) entries.delete(name);
}

/** A record or tally lives as long as its longest-lived entry: its lifetime in ms from `now` (at least 1). */
function lifetimeOf(entries: Map<string, { until: number }>, now: number): number {
  let last = now;
  for (const { until } of entries.values()) last = Math.max(last, until);
  return Math.max(1, last - now);
}
