/**
 * SharedStore on Redis or Valkey (`REDIS_URL`), so that several gateway replicas share the budget per principal,
 * the upstream response cache and the gateway-key list (records are Redis hashes). Every key gets a lifetime
 * (SET … EX, EXPIRE NX/GT), so Redis never keeps anything the gateway would not; give the server a `maxmemory` with an
 * LRU policy (`allkeys-lru`) to bound it as the memory store is bounded. Keys are prefixed (`bbodata:` by default) and
 * hold hashes, never a credential; the one credential a value holds (a gateway key's renewed tokens,
 * src/credentials/shared-key-tokens.ts) is sealed under SESSION_KEYS first.
 *
 * Client: ioredis (github.com/redis/ioredis), which reconnects by itself; a command that fails rejects, and the callers
 * treat a failing store as a failing dependency (the request fails loudly), never as "no budget used".
 */
import Redis from 'ioredis';
import type { SharedStore } from './shared-store';

export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key (several gateways may share one server). */
  prefix?: string;
}

export class RedisStore implements SharedStore {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.prefix ?? 'bbodata:';
    // A command while disconnected fails after one reconnect attempt instead of queueing for ever: a request waits
    // seconds at most, then fails loudly.
    this.#redis = new Redis(options.url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
    // ioredis emits 'error' on every failed reconnect; without a listener Node would print each one. Commands reject.
    this.#redis.on('error', () => undefined);
  }

  /**
   * The connection and the key prefix, for stores built on Redis's own structures (sorted sets, scripts): the paging
   * snapshots replicas share (src/paging/redis-page-snapshots.ts). Their keys start with `prefix` too.
   */
  get connection(): { redis: Redis; prefix: string } {
    return { redis: this.#redis, prefix: this.#prefix };
  }

  async get(key: string): Promise<Buffer | undefined> {
    const value = await this.#redis.getBuffer(this.#prefix + key);
    return value ?? undefined;
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    await this.#redis.set(this.#prefix + key, value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async delete(key: string): Promise<void> {
    await this.#redis.del(this.#prefix + key);
  }

  async increment(key: string, by: number, ttlSeconds: number): Promise<number> {
    const full = this.#prefix + key;
    // INCRBY and EXPIRE NX in one transaction: the lifetime counts from the counter's creation, as in the memory store.
    const results = await this.#redis.multi().incrby(full, by).expire(full, Math.max(1, Math.ceil(ttlSeconds)), 'NX').exec();
    const first = results?.[0];
    if (!first || first[0]) throw first?.[0] ?? new Error('Redis did not answer INCRBY');
    return Number(first[1]);
  }

  async counters(keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const values = await this.#redis.mget(...keys.map((key) => this.#prefix + key));
    return values.map((value) => (value === null ? 0 : Number(value)));
  }

  async putField(key: string, field: string, value: Buffer, ttlSeconds: number): Promise<void> {
    const full = this.#prefix + key;
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    // EXPIRE NX gives a new record its lifetime, EXPIRE GT lengthens an existing one and never shortens it (Redis 7.0).
    const results = await this.#redis.multi().hset(full, field, value).expire(full, ttl, 'NX').expire(full, ttl, 'GT').exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('Redis did not answer HSET');
  }

  async fields(key: string): Promise<Map<string, Buffer>> {
    return new Map(Object.entries(await this.#redis.hgetallBuffer(this.#prefix + key)));
  }

  async deleteField(key: string, field: string): Promise<boolean> {
    return (await this.#redis.hdel(this.#prefix + key, field)) > 0;
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
