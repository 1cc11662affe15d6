/**
 * The embedded default SharedStore: one process, bounded. Values live in an LRU bounded by bytes (lru-cache's
 * `maxSize` with `sizeCalculation`), so the response cache cannot grow past `maxBytes` whatever it is asked to keep;
 * counters (a few per principal and minute) live in an LRU bounded by entries. Both honour per-entry lifetimes.
 */
import { LRUCache } from 'lru-cache';
import type { SharedStore } from './shared-store';

export interface MemoryStoreOptions {
  /** Bytes of all values together (keys count too); the least recently used go first. */
  maxBytes: number;
  /** Counters kept at once; the least recently used go first (a counter dropped early under-counts, see README). */
  maxCounters?: number;
  /** Epoch milliseconds; specs pass a clock they move. */
  now?: () => number;
}

interface Counter {
  value: number;
}

export class MemoryStore implements SharedStore {
  readonly kind = 'memory' as const;
  readonly #values: LRUCache<string, Buffer>;
  readonly #counters: LRUCache<string, Counter>;

  constructor(options: MemoryStoreOptions) {
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

  async close(): Promise<void> {
    this.#values.clear();
    this.#counters.clear();
  }
}
