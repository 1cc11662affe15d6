/**
 * The store the configuration asks for: Redis when `REDIS_URL` is set (replicas share budgets and the cache), else the
 * bounded in-process one.
 */
import { MemoryStore } from './memory-store';
import { RedisStore } from './redis-store';
import type { SharedStore } from './shared-store';

export interface StoreSettings {
  redisUrl?: string;
  /** Bytes the in-memory store may hold (`UPSTREAM_CACHE_MAX_BYTES`). */
  memoryMaxBytes: number;
}

export function createStore(settings: StoreSettings, now?: () => number): SharedStore {
  if (settings.redisUrl !== undefined && settings.redisUrl !== '') return new RedisStore({ url: settings.redisUrl });
  return new MemoryStore({ maxBytes: settings.memoryMaxBytes, ...(now ? { now } : {}) });
}
