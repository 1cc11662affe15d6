/**
 * SharedStore on Redis or Valkey (`REDIS_URL`), so that several gateway replicas share the budget per principal,
 * the upstream response cache, revocations and gateway keys. Keys are prefixed (`bbodata:` by default) and hold
 * hashes, never a credential; the one credential a value holds (a gateway key's renewed tokens,
 * src/credentials/shared-key-tokens.ts) is sealed under SESSION_KEYS first.
 *
 * Two kinds of keys, for Redis's eviction (redis.io/docs/latest/develop/reference/eviction/):
 * - Values (the response cache, the list memo, paging snapshots) always get a lifetime (SET … EX): losing one costs
 *   Bitbucket calls, so Redis may evict them. So do counts (addToTallyOrCount: a hash with a lifetime), where the
 *   budget counts the calls of a credential Bitbucket has not accepted yet: anyone can make those up. A count lives
 *   beside its tally under the `{records}` hash tag, lifetime and all, so that one script moves it into the tally
 *   (openTally) on a Redis Cluster too.
 * - Records (the security state: sign-outs, revoked keys, key lists, sealed renewed tokens) never get one: a
 *   revocation Redis evicted would let a revoked key or a signed-out session in again on replicas that did not revoke
 *   it. Nor do tallies (the budget's counter per principal and minute, HINCRBY on a hash like a record's): a count
 *   Redis evicted would let the gateway spend calls of the hour it had already counted, with only Bitbucket's 429 left
 *   to stop it. Each field's expiry is a score in one sorted set (`{records}:deadlines`, on Redis's clock, as EXPIRE
 *   is), read with the field; each write removes up to PRUNE_PER_WRITE expired fields of any record or tally, so they
 *   stay bounded by what is live (a budget counts a write per call, a new field per principal and minute). Each change
 *   of a tally is one script (adding, setting, taking one back, opening it with its count), so replicas changing it at
 *   once never interleave inside one (spec/budget/budget-across-replicas.spec.ts).
 * The policy that goes with it is `maxmemory-policy volatile-lru` (or `volatile-ttl`), which evicts "only keys with
 * an expire set" (redis.conf), so records stay however much room the cache wants. With `allkeys-*` Redis may evict
 * records too (eviction-policy-check.ts warns); with `noeviction`, or a `volatile-*` policy when only records are
 * left, a write is refused (OOM): the response cache then serves without keeping, while the budget and a revocation
 * fail the request loudly (StoreUnavailable, answered 503 with Retry-After).
 * All records and their index share the `{records}` hash tag, so their scripts also run on a Redis Cluster.
 *
 * Client: ioredis (github.com/redis/ioredis), which reconnects by itself; a command that fails rejects, and the callers
 * treat a failing store as a failing dependency (the request fails loudly), never as "no budget used". Every failure is
 * a StoreUnavailable naming the server by host and port (never REDIS_URL's password) and what failed.
 */
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';

/**
 * ioredis, loaded when the first RedisStore is made: a gateway without `REDIS_URL` never loads it. Loading it costs
 * ~110 ms of CPU in a fresh process, which every spec file that builds an app paid (Jest loads modules per file),
 * Redis or not, since the storage index exports this class.
 */
type IoRedis = typeof import('ioredis');
let ioredis: IoRedis | undefined;
function loadIoredis(): IoRedis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (ioredis ??= require('ioredis') as IoRedis);
}
import type { IfAbsentEntry, SharedStore } from './shared-store';
import { redisLocation, StoreUnavailable } from './store-unavailable';

/**
 * Longest wait for one command. A Redis that accepts the connection but does not answer (paused, swapping, a long
 * script elsewhere) would otherwise hold every request that counts a call or checks a revocation until its deadline.
 */
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

/** Expired record fields one write removes (more than one, so a backlog shrinks faster than writes add to it). */
const PRUNE_PER_WRITE = 64;

/**
 * Suffix of a tally counter's deadline field, kept beside the counter (INCREMENT_FIELD). Field names never hold a NUL
 * (they are ids, hashes, minutes), so it names no field of a record. `_LUA` is the same, spelled for a Lua script.
 */
const TALLY_DEADLINE = '\0deadline';
const TALLY_DEADLINE_LUA = '\\0deadline';

/** Redis's clock in ms (TIME): every replica's fields expire by one clock, as Redis's own lifetimes do. */
const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * Removes up to PRUNE_PER_WRITE expired fields (KEYS[2]: the deadlines; ARGV[1]: the records' prefix), oldest first,
 * with a tally counter's own deadline field (TALLY_DEADLINE: a record has none).
 */
const PRUNE = `
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, ${PRUNE_PER_WRITE})) do
  local cut = string.find(member, '\\0', 1, true)
  if cut then
    local field = string.sub(member, cut + 1)
    redis.call('HDEL', ARGV[1] .. string.sub(member, 1, cut - 1), field, field .. '${TALLY_DEADLINE_LUA}')
  end
  redis.call('ZREM', KEYS[2], member)
end
`;

/**
 * putField. KEYS: the record, the deadlines; ARGV: the record's prefix (to name pruned records), the record's name,
 * field, value, lifetime in ms. Prunes first (a field expired elsewhere), then sets the field and its deadline.
 */
const PUT_FIELD = `${NOW}${PRUNE}
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[2] .. '\\0' .. ARGV[3])
return 1
`;

/**
 * Adds to a tally's counter (a Lua function; `now` from NOW): tally, deadlines, the tally's name, field, amount,
 * lifetime in ms. A counter whose deadline has passed (not pruned yet) starts again at 0; the deadline is set when the
 * counter is created, so it lives its lifetime from its creation (as EXPIRE NX did for a counter key). The deadline is
 * kept twice: in the deadlines, so that any write prunes it, and beside the counter in the tally (TALLY_DEADLINE), so
 * that a read is one HGETALL and no script (`fieldCounts`): the budget reads two tallies per Bitbucket call.
 */
const INCREMENT = `
local function increment(tally, deadlines, name, field, by, lifetime)
  local own = field .. '${TALLY_DEADLINE_LUA}'
  local deadline = redis.call('HGET', tally, own)
  if deadline and tonumber(deadline) <= now then
    redis.call('HDEL', tally, field, own)
    deadline = false
  end
  local value = redis.call('HINCRBY', tally, field, by)
  if not deadline then
    local ends = now + lifetime
    redis.call('HSET', tally, own, ends)
    redis.call('ZADD', deadlines, ends, name .. '\\0' .. field)
  end
  return value
end
`;

/**
 * The counter that marks a tally open (openTally), with its deadline beside it as a counter's. Field names never hold
 * a NUL, so it names no counter; PRUNE removes it when its deadline passes, like any counter.
 */
const OPEN_LUA = '\\0open';
const IS_OPEN = `
local function isOpen(tally)
  local deadline = redis.call('HGET', tally, '${OPEN_LUA}${TALLY_DEADLINE_LUA}')
  return deadline and tonumber(deadline) > now
end
`;

/** incrementField. KEYS: the tally, the deadlines; ARGV: the records' prefix, the tally's name, field, amount, lifetime in ms. */
const INCREMENT_FIELD = `${NOW}${PRUNE}${INCREMENT}
return increment(KEYS[1], KEYS[2], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]))
`;

/**
 * setCounter. KEYS: the tally, the deadlines; ARGV: the records' prefix, the tally's name, field, value, lifetime in
 * ms, '1' to set it only in an open tally. 1 when set.
 */
const SET_COUNTER = `${NOW}${IS_OPEN}
if ARGV[6] == '1' and not isOpen(KEYS[1]) then return 0 end
${PRUNE}
local ends = now + tonumber(ARGV[5])
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4], ARGV[3] .. '${TALLY_DEADLINE_LUA}', ends)
redis.call('ZADD', KEYS[2], ends, ARGV[2] .. '\\0' .. ARGV[3])
return 1
`;

/**
 * raiseTally. KEYS: the tally, the deadlines; ARGV: the records' prefix, the tally's name, the field added to, the
 * floor, lifetime in ms, '1' to raise only an open tally, then the fields summed. What was added.
 */
const RAISE_TALLY = `${NOW}${IS_OPEN}${INCREMENT}
if ARGV[6] == '1' and not isOpen(KEYS[1]) then return 0 end
local sum = 0
for i = 7, #ARGV do
  local deadline = redis.call('HGET', KEYS[1], ARGV[i] .. '${TALLY_DEADLINE_LUA}')
  if deadline and tonumber(deadline) > now then sum = sum + tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') end
end
local gap = tonumber(ARGV[4]) - sum
if gap <= 0 then return 0 end
${PRUNE}
increment(KEYS[1], KEYS[2], ARGV[2], ARGV[3], gap, tonumber(ARGV[5]))
return gap
`;

/** takeOne. KEYS: the tally; ARGV: the fields, in order. The field one was taken from, or nil. */
const TAKE_ONE = `${NOW}
for _, field in ipairs(ARGV) do
  local deadline = redis.call('HGET', KEYS[1], field .. '${TALLY_DEADLINE_LUA}')
  if deadline and tonumber(deadline) > now and tonumber(redis.call('HGET', KEYS[1], field) or '0') > 0 then
    redis.call('HINCRBY', KEYS[1], field, -1)
    return field
  end
end
return false
`;

/**
 * addToTallyOrCount. KEYS: the tally, the deadlines, the count; ARGV: the records' prefix, the tally's name, field,
 * amount, lifetime in ms. In the tally when it is open (pruning first, as any tally write); else in the count: a hash
 * with a lifetime (PEXPIRE NX: from its creation), so `volatile-*` policies may evict it like the cache, and each
 * counter's deadline beside it (TALLY_DEADLINE), which openTally keeps.
 */
const ADD_TO_TALLY_OR_COUNT = `${NOW}${IS_OPEN}${INCREMENT}
if isOpen(KEYS[1]) then
  ${PRUNE}
  return increment(KEYS[1], KEYS[2], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]))
end
local value = redis.call('HINCRBY', KEYS[3], ARGV[3], ARGV[4])
redis.call('HSETNX', KEYS[3], ARGV[3] .. '${TALLY_DEADLINE_LUA}', now + tonumber(ARGV[5]))
redis.call('PEXPIRE', KEYS[3], ARGV[5], 'NX')
return value
`;

/**
 * openTally. KEYS: the tally, the deadlines, the count; ARGV: the records' prefix, the tally's name, the lifetime of
 * the opening in ms. Moves the count's live counters (each a counter of the tally, created with what was left of its
 * own lifetime), removes the count and opens the tally: one script, so nothing runs in between.
 */
const OPEN_TALLY = `${NOW}${PRUNE}${INCREMENT}
local count = redis.call('HGETALL', KEYS[3])
redis.call('DEL', KEYS[3])
local deadlines = {}
for i = 1, #count, 2 do deadlines[count[i]] = count[i + 1] end
for i = 1, #count, 2 do
  local field = count[i]
  local ends = tonumber(deadlines[field .. '${TALLY_DEADLINE_LUA}'] or '0')
  local by = tonumber(count[i + 1])
  if not string.find(field, '\\0', 1, true) and by ~= 0 and ends > now then
    increment(KEYS[1], KEYS[2], ARGV[2], field, by, ends - now)
  end
end
local ends = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], '${OPEN_LUA}', 1, '${OPEN_LUA}${TALLY_DEADLINE_LUA}', ends)
redis.call('ZADD', KEYS[2], ends, ARGV[2] .. '\\0' .. '${OPEN_LUA}')
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
  /** Longest wait for one command before it fails as a timeout (DEFAULT_COMMAND_TIMEOUT_MS). */
  commandTimeoutMs?: number;
}

export class RedisStore implements SharedStore {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;
  readonly #prefix: string;
  /** `Redis at host:port`: what messages name (REDIS_URL may hold a password). */
  readonly #location: string;
  readonly #commandTimeoutMs: number;
  /** Why the connection is down (the last socket error), from its loss until it is ready again; /health says it. */
  #connectionProblem: string | undefined;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.prefix ?? 'bbodata:';
    this.#location = redisLocation(options.url);
    this.#commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    // A command while disconnected fails after one reconnect attempt instead of queueing for ever: a request waits
    // seconds at most, then fails loudly.
    // disconnectTimeout: ioredis ends the socket and destroys it after this wait unless it closes first; a socket that
    // was already closed (Redis away) never closes again, so close() would leave that timer holding the process (2 s
    // by default).
    this.#redis = new (loadIoredis().default)(options.url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      lazyConnect: false,
      disconnectTimeout: 200,
      // A backstop for the commands sent on the connection itself (paging snapshots, redis-page-snapshots.ts, which
      // treat a failure as a miss): none waits for ever on a Redis that does not answer. #run answers sooner.
      commandTimeout: 2 * this.#commandTimeoutMs,
    });
    // ioredis emits 'error' on every failed reconnect; without a listener Node would print each one. Commands reject.
    // Its message (`connect ECONNREFUSED 127.0.0.1:6379`) is what a failing command and /health report.
    this.#redis.on('error', (error: Error) => {
      this.#connectionProblem = error.message;
    });
    this.#redis.on('close', () => {
      this.#connectionProblem ??= 'the connection was closed';
    });
    this.#redis.on('ready', () => {
      this.#connectionProblem = undefined;
    });
  }

  unavailable(): string | undefined {
    if (this.#connectionProblem === undefined || this.#redis.status === 'ready') return undefined;
    return `the shared store (${this.#location}) could not be reached: ${this.#connectionProblem}`;
  }

  /**
   * The connection and the key prefix, for stores built on Redis's own structures (sorted sets, scripts): the paging
   * snapshots replicas share (src/paging/redis-page-snapshots.ts). Their keys start with `prefix` too.
   */
  get connection(): { redis: Redis; prefix: string } {
    return { redis: this.#redis, prefix: this.#prefix };
  }

  async get(key: string): Promise<Buffer | undefined> {
    const value = await this.#run('read', () => this.#redis.getBuffer(this.#prefix + key));
    return value ?? undefined;
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    await this.#run('write', () => this.#redis.set(this.#prefix + key, value, 'EX', Math.max(1, Math.ceil(ttlSeconds))));
  }

  async setAllIfAbsent(entries: readonly IfAbsentEntry[]): Promise<Buffer[]> {
    if (entries.length === 0) return [];
    // One MULTI for all: a SET NX and a GET per entry. On one Redis node (this client); a Cluster would refuse keys of
    // different slots (CROSSSLOT), loudly.
    const replies = await this.#transaction('SET', (multi) => {
      for (const { key, value, ttlSeconds } of entries) multi.set(this.#prefix + key, value, 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX').getBuffer(this.#prefix + key);
      return multi;
    });
    // A key evicted between its SET and GET (a volatile-* policy under memory pressure) answers the value this caller
    // made: a value nobody else holds never matches an old one.
    return entries.map(({ value }, index) => {
      const held = replies[2 * index + 1];
      return Buffer.isBuffer(held) ? held : value;
    });
  }

  async delete(key: string): Promise<void> {
    // A record's deadlines stay behind and are pruned when they pass (removing a field that is gone does nothing).
    // Two commands, not one DEL of both: on a Redis Cluster they may be in different slots.
    await this.#run('write', () => Promise.all([this.#redis.del(this.#prefix + key), this.#redis.del(this.#record(key))]));
  }

  async incrementField(key: string, field: string, by: number, ttlSeconds: number): Promise<number> {
    const ttlMs = Math.max(1000, Math.ceil(ttlSeconds * 1000));
    const value = await this.#run('write', () => this.#redis.eval(INCREMENT_FIELD, 2, this.#record(key), this.#prefix + DEADLINES, this.#prefix + RECORDS, key, field, Math.trunc(by), ttlMs));
    return Number(value);
  }

  async fieldCounts(key: string, fields: readonly string[]): Promise<number[]> {
    if (fields.length === 0) return [];
    // The whole tally (counters and their deadlines) in one read. No script: a read then runs while writes are paused
    // and costs Redis a few µs, where a script reading each deadline from the sorted set cost ~100 µs for an hour of
    // minutes; HGETALL, not HMGET, since a small hash is a list that HMGET scans once per field asked (84 µs for 120
    // fields, measured). Deadlines were set on Redis's clock and are read against this process's (asking Redis for
    // TIME too cost the gateway about as much CPU as the read): hosts' clocks seconds apart move a counter's end by
    // seconds, and the budget's counters outlive its hour by more (principal-budget.ts, BUCKET_TTL_SECONDS).
    const tally = await this.#hash(this.#record(key));
    const now = Date.now();
    return fields.map((field) => {
      const value = tally.get(field);
      return value !== undefined && Number(tally.get(field + TALLY_DEADLINE)) > now ? Number(value) : 0;
    });
  }

  async setCounter(key: string, field: string, value: number, ttlSeconds: number, ifOpen: boolean): Promise<boolean> {
    const ttlMs = Math.max(1000, Math.ceil(ttlSeconds * 1000));
    const set = await this.#run('write', () => this.#redis.eval(SET_COUNTER, 2, this.#record(key), this.#prefix + DEADLINES, this.#prefix + RECORDS, key, field, Math.trunc(value), ttlMs, ifOpen ? '1' : '0'));
    return Number(set) === 1;
  }

  async raiseTally(key: string, fields: readonly string[], field: string, atLeast: number, ttlSeconds: number, ifOpen: boolean): Promise<number> {
    const ttlMs = Math.max(1000, Math.ceil(ttlSeconds * 1000));
    const added = await this.#run('write', () => this.#redis.eval(RAISE_TALLY, 2, this.#record(key), this.#prefix + DEADLINES, this.#prefix + RECORDS, key, field, Math.trunc(atLeast), ttlMs, ifOpen ? '1' : '0', ...fields));
    return Number(added);
  }

  async takeOne(key: string, fields: readonly string[]): Promise<string | undefined> {
    if (fields.length === 0) return undefined;
    const taken = await this.#run('write', () => this.#redis.eval(TAKE_ONE, 1, this.#record(key), ...fields));
    return typeof taken === 'string' ? taken : undefined;
  }

  async addToTallyOrCount(key: string, countKey: string, field: string, by: number, ttlSeconds: number): Promise<number> {
    const ttlMs = Math.max(1000, Math.ceil(ttlSeconds * 1000));
    const value = await this.#run('write', () => this.#redis.eval(ADD_TO_TALLY_OR_COUNT, 3, this.#record(key), this.#prefix + DEADLINES, this.#record(countKey), this.#prefix + RECORDS, key, field, Math.trunc(by), ttlMs));
    return Number(value);
  }

  async openTally(key: string, countKey: string, ttlSeconds: number): Promise<void> {
    const ttlMs = Math.max(1000, Math.ceil(ttlSeconds * 1000));
    await this.#run('write', () => this.#redis.eval(OPEN_TALLY, 3, this.#record(key), this.#prefix + DEADLINES, this.#record(countKey), this.#prefix + RECORDS, key, ttlMs));
  }

  async countsOf(key: string, fields: readonly string[]): Promise<number[]> {
    if (fields.length === 0) return [];
    const count = await this.#hash(this.#record(key));
    return fields.map((field) => Number(count.get(field) ?? 0) || 0);
  }

  async putField(key: string, field: string, value: Buffer, ttlSeconds: number): Promise<void> {
    const ttlMs = Math.max(1000, Math.ceil(ttlSeconds * 1000));
    await this.#run('write', () => this.#redis.eval(PUT_FIELD, 2, this.#record(key), this.#prefix + DEADLINES, this.#prefix + RECORDS, key, field, value, ttlMs));
  }

  async field(key: string, field: string): Promise<Buffer | undefined> {
    const value: unknown = await this.#run('read', () => this.#redis.callBuffer('EVAL', [FIELD, 2, this.#record(key), this.#prefix + DEADLINES, key, field]));
    return Buffer.isBuffer(value) ? value : undefined;
  }

  async fields(key: string): Promise<Map<string, Buffer>> {
    const flat: unknown = await this.#run('read', () => this.#redis.callBuffer('EVAL', [FIELDS, 2, this.#record(key), this.#prefix + DEADLINES, key]));
    const fields = new Map<string, Buffer>();
    if (!Array.isArray(flat)) return fields;
    for (let index = 0; index + 1 < flat.length; index += 2) fields.set(String(flat[index]), flat[index + 1] as Buffer);
    return fields;
  }

  async deleteField(key: string, field: string): Promise<boolean> {
    const replies = await this.#transaction('HDEL', (multi) => multi.hdel(this.#record(key), field).zrem(this.#prefix + DEADLINES, `${key}\0${field}`));
    return Number(replies[0]) > 0;
  }

  /**
   * Runs `commands` as one MULTI … EXEC (a write) and returns their replies in order; a command Redis refused fails it
   * as StoreUnavailable, named by its own error reply (`first` names the transaction when Redis answers nothing).
   */
  async #transaction(first: string, commands: (multi: ChainableCommander) => ChainableCommander): Promise<unknown[]> {
    const results = await this.#run('write', () => commands(this.#redis.multi()).exec());
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw this.#failure('write', failed?.[0] ?? new Error(`Redis did not answer ${first}`));
    return results.map(([, reply]) => reply);
  }

  /** The hash `fullKey` (a tally or a count), read with one HGETALL: empty when it is missing. */
  async #hash(fullKey: string): Promise<Map<string, string>> {
    const flat = await this.#run('read', () => this.#redis.call('HGETALL', fullKey));
    const hash = new Map<string, string>();
    if (Array.isArray(flat)) for (let index = 0; index + 1 < flat.length; index += 2) hash.set(String(flat[index]), String(flat[index + 1]));
    return hash;
  }

  /**
   * Runs one command, and turns its failure into StoreUnavailable (refused, unreachable, or no answer within the
   * command timeout), so that callers and the http layer tell a failing dependency from a bug.
   */
  async #run<T>(operation: 'read' | 'write', command: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailable(this.#location, 'timeout', operation, `no answer within ${this.#commandTimeoutMs} ms`)), this.#commandTimeoutMs);
    });
    const running = command();
    // Its late failure, after the timeout answered, must not surface as an unhandled rejection.
    running.catch(() => undefined);
    try {
      return await Promise.race([running, timeout]);
    } catch (error) {
      throw this.#failure(operation, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Classified by type, not text: an error reply (ReplyError) is Redis refusing the command, and its first word is the
   * kind (`OOM`, `READONLY`, `NOAUTH`: redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors); anything
   * else (refused or reset socket, closed connection, ioredis giving up after maxRetriesPerRequest) means Redis could
   * not be reached, described by the last socket error. A refused command inside MULTI aborts the transaction
   * (EXECABORT); the command's own reply, in previousErrors, is the one worth showing.
   */
  #failure(operation: 'read' | 'write', error: unknown): StoreUnavailable {
    if (error instanceof StoreUnavailable) return error;
    if (error instanceof loadIoredis().ReplyError) {
      const previous = (error as { previousErrors?: unknown }).previousErrors;
      const cause = Array.isArray(previous) && previous[0] instanceof Error ? previous[0] : (error as Error);
      return new StoreUnavailable(this.#location, 'refused', operation, cause.message);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new StoreUnavailable(this.#location, 'unreachable', operation, this.#connectionProblem ?? message);
  }

  /** Where record (or tally) `key` lives: under the `{records}` hash tag, beside the deadlines. */
  #record(key: string): string {
    return this.#prefix + RECORDS + key;
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
