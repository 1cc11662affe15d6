/**
 * Paging snapshots that replicas share (issue #14 item 4): with `REDIS_URL`, the rest of an answer sorted in-process
 * is kept in Redis, so a nextLink served by another replica continues from the snapshot instead of reading the set
 * again. The rules are those of the in-process store (`page-snapshots.ts`), held across replicas:
 *
 * - **Bound to the token.** A snapshot is stored under a hash of the token's binding (itself a keyed hash of the
 *   resource, the query and the credential, `bindingHash`) and the snapshot's random id, and holds the binding to
 *   compare: a token of another query or credential names another key. Redis holds no credential and no id a token
 *   carries.
 * - **Bounded.** A snapshot of at most `maxRows` rows is kept; all of them together hold at most `maxTotalRows` rows
 *   and `maxTotalBytes` bytes (what Redis stores, compressed: `snapshot-codec.ts`); one not read for `ttlSeconds` is
 *   dropped (and every key carries that lifetime, refreshed by each read, so Redis forgets it even if no gateway
 *   sweeps).
 * - **Evicted fairly.** Admission, eviction and the idle sweep run in one Lua script, atomic across replicas: the
 *   least recently read go first, and a snapshot whose walk is under way (read within `WALK_PROTECTION_MS`) is never
 *   evicted for another; a snapshot that would need that is not kept (its walk continues by cursor).
 * - **Rows on the wire only.** Nothing here holds rows in the process once kept, so these snapshots take nothing from
 *   `MAX_ROWS_IN_MEMORY`; a page decodes the one or two chunks it serves.
 *
 * A miss is never an error and never short: a snapshot evicted by Redis itself (`maxmemory`), a chunk missing or not
 * decoding, a binding that differs, all answer `undefined`, and the token's cursor continues on live data. A Redis
 * that fails or cannot be reached is logged (warn) and treated the same way: a snapshot only saves Bitbucket calls,
 * so the answer stays right (the first page is served, later pages read by cursor), only dearer, and the log says
 * why. (The budget, which must not under-count, fails the request instead.)
 *
 * Keys (after the store's prefix, `bbodata:`): `{psnap}:index` (sorted set: snapshot → last read, ms),
 * `{psnap}:info` (hash: snapshot → "rows bytes walked"), `{psnap}:s:<hash>` (hash: `binding`, `base`, `rows`,
 * `chunkRows`, `columns`, `c0`, `c1`, …). The `{psnap}` hash tag keeps them in one slot, so the scripts also run on a
 * Redis Cluster.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PagingSnapshotLimits } from '../config';
import type { Logger } from '../logger';
import type { Row } from '../odata/ast';
import type { RedisStore } from '../storage';
import { WALK_PROTECTION_MS, type PageSnapshotStats, type PagingSnapshotStore } from './page-snapshots';
import { decodeChunk, encodeChunk, SNAPSHOT_CHUNK_ROWS } from './snapshot-codec';

/** Bytes of all snapshots in Redis together when the setting does not say (`PAGING_SNAPSHOT_MAX_TOTAL_BYTES`). */
export const DEFAULT_MAX_TOTAL_BYTES = 256 * 1024 * 1024;

/** Removes one snapshot (its data, index entry and size); `prefix .. key` is its data key. */
const REMOVE = `
local function remove(key)
  redis.call('DEL', ARGV[1] .. key)
  redis.call('ZREM', KEYS[1], key)
  redis.call('HDEL', KEYS[2], key)
end
`;

/**
 * Admission (KEYS: index, info; ARGV: data prefix, key, rows, bytes, walked 0/1, now, ttl ms, protect ms, max total
 * rows, max total bytes). The data is already written; refused, it is deleted. Returns 1 when kept, 0 when not.
 */
const ADMIT = `${REMOVE}
local key, rows, bytes, walked = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local now, ttl, protect = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local maxRows, maxBytes = tonumber(ARGV[9]), tonumber(ARGV[10])
for _, idle in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - ttl)) do remove(idle) end
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local heldRows, heldBytes, freeRows, freeBytes = 0, 0, 0, 0
local evictable = {}
for i = 1, #entries, 2 do
  local other, lastRead = entries[i], tonumber(entries[i + 1])
  local info = redis.call('HGET', KEYS[2], other) or ''
  local r, b, w = string.match(info, '^(%d+) (%d+) (%d)$')
  r, b = tonumber(r) or 0, tonumber(b) or 0
  heldRows, heldBytes = heldRows + r, heldBytes + b
  if not (w == '1' and now - lastRead < protect) then
    evictable[#evictable + 1] = { other, r, b }
    freeRows, freeBytes = freeRows + r, freeBytes + b
  end
end
local overRows, overBytes = heldRows + rows - maxRows, heldBytes + bytes - maxBytes
if overRows > freeRows or overBytes > freeBytes then
  redis.call('DEL', ARGV[1] .. key)
  return 0
end
local i = 1
while (overRows > 0 or overBytes > 0) and i <= #evictable do
  remove(evictable[i][1])
  overRows, overBytes = overRows - evictable[i][2], overBytes - evictable[i][3]
  i = i + 1
end
redis.call('ZADD', KEYS[1], now, key)
redis.call('HSET', KEYS[2], key, string.format('%d %d %s', rows, bytes, walked))
return 1
`;

/**
 * A read (KEYS: index, info; ARGV: data prefix, key, now, ttl ms, served, count): the chunks holding rows `served` to
 * `served + count` of the answer, after marking the snapshot read (walked, last read now, lifetime renewed). Returns
 * false on a miss, else [binding, columns, start, stop, first chunk index, rows per chunk, chunk, chunk, …].
 */
const READ = `${REMOVE}
local key, now, ttl = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local served, count = tonumber(ARGV[5]), tonumber(ARGV[6])
local data = ARGV[1] .. key
local lastRead = redis.call('ZSCORE', KEYS[1], key)
if not lastRead then
  redis.call('DEL', data)
  return false
end
if now - tonumber(lastRead) >= ttl then
  remove(key)
  return false
end
local head = redis.call('HMGET', data, 'binding', 'columns', 'base', 'rows', 'chunkRows')
if not head[1] or not head[5] then
  remove(key)
  return false
end
local base, rows, chunkRows = tonumber(head[3]), tonumber(head[4]), tonumber(head[5])
local start = served - base
if start < 0 or start > rows then return false end
local stop = math.min(rows, start + count)
local first = math.floor(start / chunkRows)
local chunks = {}
if stop > start then
  local fields = {}
  for c = first, math.floor((stop - 1) / chunkRows) do fields[#fields + 1] = 'c' .. c end
  chunks = redis.call('HMGET', data, unpack(fields))
  for _, chunk in ipairs(chunks) do
    if not chunk then
      remove(key)
      return false
    end
  end
end
redis.call('ZADD', KEYS[1], now, key)
local info = redis.call('HGET', KEYS[2], key)
if info then
  local walked = string.gsub(info, '%d$', '1')
  redis.call('HSET', KEYS[2], key, walked)
end
redis.call('PEXPIRE', data, ttl)
return { head[1], head[2], tostring(start), tostring(stop), tostring(first), head[5], unpack(chunks) }
`;

export interface RedisPageSnapshotsOptions {
  store: RedisStore;
  limits: PagingSnapshotLimits;
  now?: () => number;
  /** Where a failing Redis is reported (the snapshot is then not kept, or not found). */
  logger?: Logger;
}

export class RedisPageSnapshots implements PagingSnapshotStore {
  readonly #store: RedisStore;
  readonly #limits: PagingSnapshotLimits;
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #largest: number;
  readonly #maxTotalBytes: number;
  readonly #logger: Logger | undefined;

  constructor(options: RedisPageSnapshotsOptions) {
    this.#store = options.store;
    this.#limits = options.limits;
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.limits.ttlSeconds * 1000;
    this.#largest = Math.min(options.limits.maxRows, options.limits.maxTotalRows);
    this.#maxTotalBytes = options.limits.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
    this.#logger = options.logger;
  }

  accepts(rows: number): boolean {
    return this.#ttlMs > 0 && this.#maxTotalBytes > 0 && rows > 0 && rows <= this.#largest;
  }

  async keep(binding: string, base: number, columns: readonly string[], rows: readonly Row[], options: { walked?: boolean } = {}): Promise<string | undefined> {
    if (!this.accepts(rows.length)) return undefined;
    return this.#failingAsMiss('keep', () => this.#keep(binding, base, columns, rows, options));
  }

  async read(id: string, binding: string, served: number, count: number): Promise<Row[] | undefined> {
    return this.#failingAsMiss('read', () => this.#read(id, binding, served, count));
  }

  /** Redis failed: a snapshot not kept, or not found (the cursor continues), and a warning saying why. */
  async #failingAsMiss<T>(operation: string, run: () => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      this.#logger?.warn('paging snapshot store failed', { operation, error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }

  async #keep(binding: string, base: number, columns: readonly string[], rows: readonly Row[], options: { walked?: boolean }): Promise<string | undefined> {
    const id = randomBytes(16).toString('base64url');
    const key = dataKeyOf(binding, id);
    const fields: (string | Buffer)[] = ['binding', binding, 'columns', JSON.stringify(columns), 'base', String(base), 'rows', String(rows.length), 'chunkRows', String(SNAPSHOT_CHUNK_ROWS)];
    let bytes = 0;
    for (let first = 0, chunk = 0; first < rows.length; first += SNAPSHOT_CHUNK_ROWS, chunk++) {
      const encoded = await encodeChunk(columns, rows.slice(first, first + SNAPSHOT_CHUNK_ROWS));
      bytes += encoded.length;
      // Over the whole allowance by itself: never kept, so nothing is sent.
      if (bytes > this.#maxTotalBytes) return undefined;
      fields.push(`c${chunk}`, encoded);
    }
    const { redis, prefix } = this.#store.connection;
    const data = `${prefix}${DATA}${key}`;
    // The data first, with its lifetime; the script then admits it (or deletes it) atomically with every replica's
    // admissions and evictions. No token names it before it is admitted.
    await redis.multi().hset(data, ...fields).pexpire(data, this.#ttlMs).exec().then(failOnError);
    const admitted = await redis.call('EVAL', ADMIT, 2, ...this.#keys(), `${prefix}${DATA}`, key, rows.length, bytes, options.walked === true ? 1 : 0, this.#now(), this.#ttlMs, WALK_PROTECTION_MS, this.#limits.maxTotalRows, this.#maxTotalBytes);
    return Number(admitted) === 1 ? id : undefined;
  }

  async #read(id: string, binding: string, served: number, count: number): Promise<Row[] | undefined> {
    const { redis, prefix } = this.#store.connection;
    const key = dataKeyOf(binding, id);
    const wanted = Number.isFinite(count) ? Math.max(0, Math.floor(count)) : Number.MAX_SAFE_INTEGER;
    const reply = await redis.callBuffer('EVAL', [READ, 2, ...this.#keys(), `${prefix}${DATA}`, key, this.#now(), this.#ttlMs, served, wanted]);
    if (!Array.isArray(reply)) return undefined;
    const [keptFor, columnsText, startText, stopText, firstText, chunkRowsText, ...chunks] = reply as Buffer[];
    if (keptFor.toString() !== binding) return undefined;
    const start = Number(startText.toString());
    const stop = Number(stopText.toString());
    const firstChunk = Number(firstText.toString());
    // The snapshot's own chunk size (a replica of another version may have written it), never this one's constant.
    const chunkRows = Number(chunkRowsText.toString());
    let columns: string[];
    const rows: Row[] = [];
    try {
      columns = JSON.parse(columnsText.toString()) as string[];
      for (const chunk of chunks) rows.push(...(await decodeChunk(columns, chunk)));
    } catch {
      return undefined;
    }
    const offset = start - firstChunk * chunkRows;
    const slice = rows.slice(offset, offset + (stop - start));
    // Never a short answer: the chunks must hold every row asked for.
    return slice.length === stop - start ? slice : undefined;
  }

  async drop(id: string, binding: string): Promise<void> {
    const { redis, prefix } = this.#store.connection;
    const key = dataKeyOf(binding, id);
    const [index, info] = this.#keys();
    await redis.multi().del(`${prefix}${DATA}${key}`).zrem(index, key).hdel(info, key).exec().then(failOnError);
  }

  /** Snapshots and rows held in Redis by every replica (for specs and reports). */
  async stats(): Promise<PageSnapshotStats> {
    const [, info] = this.#keys();
    const values = await this.#store.connection.redis.hvals(info);
    return { snapshots: values.length, rows: values.reduce((sum, value) => sum + (Number(value.split(' ')[0]) || 0), 0) };
  }

  #keys(): [string, string] {
    const { prefix } = this.#store.connection;
    return [`${prefix}${INDEX}`, `${prefix}${INFO}`];
  }
}

const INDEX = '{psnap}:index';
const INFO = '{psnap}:info';
const DATA = '{psnap}:s:';

/** Where a snapshot lives: a hash of the binding (already keyed with SKIPTOKEN_SECRET) and the id together. */
function dataKeyOf(binding: string, id: string): string {
  return createHash('sha256').update(binding).update('\0').update(id).digest('base64url');
}

/** MULTI/EXEC resolves with each command's error beside its result: one failed command fails the whole. */
function failOnError(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('Redis did not run the transaction');
  const failed = results.find(([error]) => error !== null);
  if (failed) throw failed[0];
}
