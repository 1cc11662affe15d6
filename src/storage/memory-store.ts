/**
 * The embedded default SharedStore: one process, bounded. Values live in an LRU bounded by bytes (lru-cache's
 * `maxSize` with `sizeCalculation`), so the response cache cannot grow past `maxBytes` whatever it is asked to keep;
 * counters (a few per principal and minute) and records (the security state: revocations, gateway-key lists, renewed
 * tokens) live in LRUs bounded by entries, so filling the cache never pushes a record out. All honour per-entry
 * lifetimes; a record's fields each have their own.
 */
import { LRUCache } from 'lru-cache';
import type { SharedStore } from './shared-store';

export interface MemoryStoreOptions {
  /** Bytes of all values together (keys count too); the least recently used go first. */
  maxBytes: number;
  /** Counters kept at once; the least recently used go first (a counter dropped early under-counts, see README). */
  maxCounters?: number;
  /** Records (putField) kept at once, apart from the values' bytes; the least recently used go first beyond it. */
  maxRecords?: number;
  /** Epoch milliseconds; specs pass a clock they move. */
  now?: () => number;
}

interface Counter {
  value: number;
}

/** A record's field: its value and when it expires (epoch ms). */
interface Field {
  value: Buffer;
  until: number;
}

export class MemoryStore implements SharedStore {
  readonly kind = 'memory' as const;
  readonly #values: LRUCache<string, Buffer>;
  readonly #counters: LRUCache<string, Counter>;
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
    this.#counters = new LRUCache<string, Counter>({ max: options.maxCounters ?? 100_000, ttl: 60_000, ttlResolution: 0, ...(perf ? { perf } : {}) });
    this.#records = new LRUCache<string, Map<string, Field>>({ max: options.maxRecords ?? 100_000, ttl: 60_000, ttlResolution: 0, ...(perf ? { perf } : {}) });
  }

  async get(key: string): Promise<Buffer | undefined> {
    return this.#values.get(key);
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    this.#values.set(key, value, { ttl: ttlSeconds * 1000 });
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
    this.#counters.delete(key);
    this.#records.delete(key);
  }

  async increment(key: string, by: number, ttlSeconds: number): Promise<number> {
    const counter = this.#counters.get(key);
    if (counter) {
      counter.value += by;
      return counter.value;
    }
    this.#counters.set(key, { value: by }, { ttl: ttlSeconds * 1000 });
    return by;
  }

  async counters(keys: readonly string[]): Promise<number[]> {
    return keys.map((key) => this.#counters.get(key)?.value ?? 0);
  }

  async putField(key: string, field: string, value: Buffer, ttlSeconds: number): Promise<void> {
    const now = this.#now();
    const record = this.#records.get(key) ?? new Map<string, Field>();
    // Expired fields go as the record changes, so a record holds what is live and little more.
    for (const [name, { until }] of record) if (until <= now) record.delete(name);
    record.set(field, { value, until: now + ttlSeconds * 1000 });
    // The record lives as long as its longest-lived field.
    let last = now;
    for (const { until } of record.values()) last = Math.max(last, until);
    this.#records.set(key, record, { ttl: Math.max(1, last - now) });
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
    this.#counters.clear();
    this.#records.clear();
  }
}
