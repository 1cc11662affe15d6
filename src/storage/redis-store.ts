/**
 * SharedStore on Redis or Valkey (`REDIS_URL`), so that several gateway replicas share the budget per principal,
 * the upstream response cache, revocations and gateway keys. Keys are prefixed (`bbodata:` by default) and hold
 * hashes, never a credential; the one credential a value holds (a gateway key's renewed tokens,
 * src/credentials/shared-key-tokens.ts) is sealed under SESSION_KEYS first.
 *
 * Two kinds of keys, for Redis's eviction (redis.io/docs/latest/develop/reference/eviction/):
 * - Values and counters (the response cache, the list memo, paging snapshots, budgets) always get a lifetime (SET …
 *   EX, EXPIRE NX): losing one costs Bitbucket calls (a budget counter, an under-count: README), so Redis may evict
 *   them.
 * - Records (the security state: sign-outs, revoked keys, key lists, sealed renewed tokens) never get one: a
 *   revocation Redis evicted would let a revoked key or a signed-out session in again on replicas that did not revoke
 *   it. Each field's expiry is a score in one sorted set (`{records}:deadlines`, on Redis's clock, as EXPIRE is), read
 *   with the field; each write removes up to PRUNE_PER_WRITE expired fields, so records stay bounded by what is live.
 * The policy that goes with it is `maxmemory-policy volatile-lru` (or `volatile-ttl`), which evicts "only keys with
 * an expire set" (redis.conf), so records stay however much room the cache wants. With `allkeys-*` Redis may evict
 * records too (eviction-policy-check.ts warns); with `noeviction`, or a `volatile-*` policy when only records are
 * left, a write is refused (OOM): the response cache then serves without keeping, while the budget and a revocation
 * fail the request loudly.
 * All records and their index share the `{records}` hash tag, so their scripts also run on a Redis Cluster.
 *
 * Client: ioredis (github.com/redis/ioredis), which reconnects by itself; a command that fails rejects, and the callers
 * treat a failing store as a failing dependency (the request fails loudly), never as "no budget used".
 */
import Redis from 'ioredis';
import type { SharedStore } from './shared-store';

/** Expired record fields one write removes (more than one, so a backlog shrinks faster than writes add to it). */
const PRUNE_PER_WRITE = 64;

/** Redis's clock in ms (TIME): every replica's fields expire by one clock, as Redis's own lifetimes do. */
const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * putField. KEYS: the record, the deadlines; ARGV: the record's prefix (to name pruned records), the record's name,
 * field, value, lifetime in ms. Prunes first (a field expired elsewhere), then sets the field and its deadline.
 */
const PUT_FIELD = `${NOW}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, ${PRUNE_PER_WRITE})) do
  local cut = string.find(member, '\\0', 1, true)
  if cut then redis.call('HDEL', ARGV[1] .. string.sub(member, 1, cut - 1), string.sub(member, cut + 1)) end
  redis.call('ZREM', KEYS[2], member)
end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[2] .. '\\0' .. ARGV[3])
return 1
`;

/** fields. KEYS: the record, the deadlines; ARGV: the record's name. The live fields, flat (field, value, …). */
const FIELDS = `${NOW}
local all = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #all, 2 do
  local deadline = redis.call('ZSCORE', KEYS[2], ARGV[1] .. '\\0' .. all[i])
  if deadline and tonumber(deadline) > now then
    live[#live + 1] = all[i]
    live[#live + 1] = all[i + 1]
  end
end
return live
`;

/** field. KEYS: the record, the deadlines; ARGV: the record's name, the field. The value, or nil when expired. */
const FIELD = `${NOW}
local deadline = redis.call('ZSCORE', KEYS[2], ARGV[1] .. '\\0' .. ARGV[2])
if not deadline or tonumber(deadline) <= now then return false end
return redis.call('HGET', KEYS[1], ARGV[2])
`;

const RECORDS = '{records}:';
const DEADLINES = `${RECORDS}deadlines`;

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
    // A record's deadlines stay behind and are pruned when they pass (removing a field that is gone does nothing).
    // Two commands, not one DEL of both: on a Redis Cluster they may be in different slots.
    await Promise.all([this.#redis.del(this.#prefix + key), this.#redis.del(this.#record(key))]);
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
    const ttlMs = Math.max(1000, Math.ceil(ttlSeconds * 1000));
    await this.#redis.eval(PUT_FIELD, 2, this.#record(key), this.#prefix + DEADLINES, this.#prefix + RECORDS, key, field, value, ttlMs);
  }

  async field(key: string, field: string): Promise<Buffer | undefined> {
    const value: unknown = await this.#redis.callBuffer('EVAL', [FIELD, 2, this.#record(key), this.#prefix + DEADLINES, key, field]);
    return Buffer.isBuffer(value) ? value : undefined;
  }

  async fields(key: string): Promise<Map<string, Buffer>> {
    const flat: unknown = await this.#redis.callBuffer('EVAL', [FIELDS, 2, this.#record(key), this.#prefix + DEADLINES, key]);
    const fields = new Map<string, Buffer>();
    if (!Array.isArray(flat)) return fields;
    for (let index = 0; index + 1 < flat.length; index += 2) fields.set(String(flat[index]), flat[index + 1] as Buffer);
    return fields;
  }

  async deleteField(key: string, field: string): Promise<boolean> {
    const results = await this.#redis.multi().hdel(this.#record(key), field).zrem(this.#prefix + DEADLINES, `${key}\0${field}`).exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('Redis did not answer HDEL');
    return Number(results[0][1]) > 0;
  }

  /** Where record `key` lives: under the `{records}` hash tag, beside the deadlines. */
  #record(key: string): string {
    return this.#prefix + RECORDS + key;
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
