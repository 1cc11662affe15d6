/**
 * Reuse of Bitbucket GET responses between requests (issue #14 item 2), never across principals: an entry is keyed by
 * a keyed hash of the credential's principal (given by the caller, `principalKey`) and a hash of the request target,
 * so a second user can only ever find what their own credential fetched.
 *
 * - Fresh for `freshSeconds` (`UPSTREAM_CACHE_SECONDS`): answered without calling Bitbucket.
 * - Stale with an `ETag`: revalidated with `If-None-Match`; Bitbucket's 304 keeps the body (one call, no body).
 *   Bitbucket sends ETags on some resources (a 2020 community report shows them on branches); whether its 304 counts
 *   against the hourly limit is undocumented and reported both ways (sources: spec/fixtures/recorded-bitbucket/README.md,
 *   "ETags and 304s"), so the budget counts it unless `UPSTREAM_NOT_MODIFIED_COUNTS=false`.
 * - Content that cannot change (a commit by its full hash) is fresh for `immutableSeconds`.
 * - A write through the gateway marks its workspace (and everything outside workspaces) changed: an entry stored
 *   before the mark is stale at once, so the next read revalidates or reads again. The mark is a random generation
 *   token read before each fetch, so a read racing a write never stores pre-write data as current. A write made
 *   elsewhere (Bitbucket's web UI, another tool) shows after at most `freshSeconds`.
 * - With change notices (`notices`, notice-trust.ts: Bitbucket's webhooks of a declared workspace): an answer of a
 *   path some event announces is fresh up to `WEBHOOK_TRUST_SECONDS` while its trust token (trust epoch, workspace
 *   and repository marks, read before the fetch) is unchanged; a notice or a write changes it at once, even within
 *   `freshSeconds`. Past `freshSeconds`, a trusted answer is served only while Bitbucket accepted the same principal's
 *   credential within `freshSeconds` (any answer through this cache notes it): a credential revoked in Bitbucket
 *   reads its own cached answers no longer than without notices.
 * - Bounded by the store (an LRU by bytes in memory; Redis's maxmemory) and by `maxEntryBytes` per entry.
 *
 * The cache stores the raw (possibly compressed) body with its content type and encoding, so what the client decodes
 * is byte for byte what Bitbucket sent.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ByteStore } from './byte-store';
import { scopeGenerationKey } from './generation-keys';
import { isFresh } from './is-fresh';
import { ListMemo } from './list-memo';
import type { NoticeTrust } from './notice-trust';
import type { UpstreamCredential } from './upstream-credential';


export interface ResponseCacheOptions {
  store: ByteStore;
  /** A keyed hash naming whose credential this is (the caller's principal); never the credential itself. */
  principalKey: (credential: UpstreamCredential) => string;
  /** Answers younger than this are served without asking Bitbucket. */
  freshSeconds: number;
  /** A commit read by its full hash is served this long. */
  immutableSeconds: number;
  /** Stale entries with an ETag are kept this long for revalidation (default an hour). */
  revalidateKeepSeconds?: number;
  /** Larger bodies are not kept (default 1 MiB). */
  maxEntryBytes?: number;
  /** A repository's commit list read to its end is kept this long for incremental reads (list-memo.ts; default a day). */
  listKeepSeconds?: number;
  /** Change notices (WEBHOOK_SECRET with WEBHOOK_WORKSPACES): covered answers are trusted longer (notice-trust.ts). */
  notices?: NoticeTrust;
  now?: () => number;
}

export interface CachedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface CacheLookup {
  /** Store key of this request's entry. */
  key: string;
  /** Generation of the target's scope when the lookup ran: stored with the answer. */
  generation: string;
  /** The trust token of a path covered by change notices when the lookup ran (notice-trust.ts): stored with the answer. */
  trust?: string;
  /** With change notices: where a Bitbucket answer to this principal is noted (trusted answers need a recent one). */
  acceptedKey?: string;
  immutable: boolean;
  /** The entry found, if any; `fresh` entries are answered as they are. */
  entry?: CachedResponse & { fresh: boolean; etag?: string };
}

interface EntryMeta {
  status: number;
  storedAt: number;
  generation: string;
  trust?: string;
  etag?: string;
  contentType?: string;
  contentEncoding?: string;
  immutable: boolean;
}

export const cacheMetrics = {
  /** GETs answered from the cache without calling Bitbucket. */
  hits: 0,
  /** Stale entries Bitbucket confirmed with 304 Not Modified (one call each, no body). */
  revalidated: 0,
  /** GETs that found nothing usable and read Bitbucket. */
  misses: 0,
  /** Writes that marked a scope changed. */
  invalidations: 0,
  /** Answers and lists the store refused to keep (Redis out of memory with nothing to evict, or away): served, not kept. */
  unkept: 0,
  /** Marks a write could not leave after Bitbucket answered it (the one before it was written): see BitbucketClient.send. */
  invalidationsLost: 0,
};

const DEFAULT_REVALIDATE_KEEP_SECONDS = 3600;
const DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;
/** A daily scheduled refresh (Power BI's usual) still meets the lists the previous one read. */
const DEFAULT_LIST_KEEP_SECONDS = 24 * 3600;
/** A commit by full hash (40 hex digits): its content is fixed by the hash. developer.atlassian.com/cloud/bitbucket/rest/api-group-commits/, "Get a commit". */
const COMMIT_BY_HASH = /^\/repositories\/[^/]+\/[^/]+\/commit\/[0-9a-f]{40}$/i;
/** Not cached: the identity check credential-liveness relies on must always reach Bitbucket. */
const NEVER_CACHED = new Set(['/user']);
const NO_GENERATION = '-';

export class ResponseCache {
  readonly #options: ResponseCacheOptions;
  readonly #now: () => number;
  /**
   * Incremental reads of commit lists (issue #14 item 3), in the same store and bound to the same principal. Its
   * answers are checked against the branch heads Bitbucket lists now, read through this cache, so they are never
   * staler than a cached answer.
   */
  readonly lists: ListMemo;

  constructor(options: ResponseCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.lists = new ListMemo({
      store: keepingIsBestEffort(options.store),
      principalKey: options.principalKey,
      keepSeconds: options.listKeepSeconds ?? DEFAULT_LIST_KEEP_SECONDS,
      freshSeconds: options.freshSeconds,
      generation: async (path) => (await options.store.get(scopeGenerationKey(path)))?.toString() ?? NO_GENERATION,
      ...(options.notices
        ? { trust: { token: (path: string) => options.notices!.token(path), seconds: options.notices.trustSeconds, accepted: (credential: UpstreamCredential) => this.accepted(credential) } }
        : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** The entry for a GET of `path` (relative to the API base, with its query), or undefined when it is never cached. */
  async lookup(credential: UpstreamCredential, path: string): Promise<CacheLookup | undefined> {
    if (credential.kind === 'none') return undefined;
    const pathOnly = path.split('?', 1)[0];
    if (NEVER_CACHED.has(pathOnly)) return undefined;
    const principal = this.#options.principalKey(credential);
    const key = `rc:${principal}:${createHash('sha256').update(path).digest('base64url')}`;
    const generationKey = scopeGenerationKey(pathOnly);
    const notices = this.#options.notices;
    // Read before the fetch, as the generation is: a notice racing this read leaves its answer stale.
    const [stored, generationValue, trust] = await Promise.all([this.#options.store.get(key), this.#options.store.get(generationKey), notices?.token(path)]);
    const generation = generationValue?.toString() ?? NO_GENERATION;
    const immutable = COMMIT_BY_HASH.test(pathOnly);
    const acceptedKey = notices ? acceptedKeyOf(principal) : undefined;
    const lookup: CacheLookup = { key, generation, immutable, ...(trust !== undefined ? { trust } : {}), ...(acceptedKey !== undefined ? { acceptedKey } : {}) };
    const decoded = stored === undefined ? undefined : decodeEntry(stored);
    if (decoded !== undefined) {
      const { meta, body } = decoded;
      // A trusted entry past the ordinary window is served only for a credential Bitbucket accepted within it (read at
      // most once, and only then): otherwise this read asks Bitbucket (a 304 where there is an ETag), which notes the
      // credential accepted again, or refuses it.
      const fresh = await isFresh(meta, {
        at: this.#now(),
        generation,
        windowSeconds: meta.immutable ? this.#options.immutableSeconds : this.#options.freshSeconds,
        ...(trust !== undefined && notices !== undefined && acceptedKey !== undefined
          ? { trust: { token: trust, seconds: notices.trustSeconds, accepted: () => this.#acceptedAt(acceptedKey) } }
          : {}),
      });
      const headers: Record<string, string> = {};
      if (meta.contentType !== undefined) headers['content-type'] = meta.contentType;
      if (meta.contentEncoding !== undefined) headers['content-encoding'] = meta.contentEncoding;
      if (meta.etag !== undefined) headers.etag = meta.etag;
      if (fresh || meta.etag !== undefined) lookup.entry = { status: meta.status, headers, body, fresh, ...(meta.etag !== undefined ? { etag: meta.etag } : {}) };
    }
    if (lookup.entry?.fresh) cacheMetrics.hits += 1;
    return lookup;
  }

  /** Keeps a 200 answer for later lookups. */
  async store(lookup: CacheLookup, response: CachedResponse): Promise<void> {
    await this.#accepted(lookup);
    if (response.status !== 200) return;
    if (response.body.length > (this.#options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES)) return;
    const etag = response.headers.etag;
    const meta: EntryMeta = { status: response.status, storedAt: this.#now(), generation: lookup.generation, immutable: lookup.immutable };
    if (lookup.trust !== undefined) meta.trust = lookup.trust;
    if (etag !== undefined) meta.etag = etag;
    if (response.headers['content-type'] !== undefined) meta.contentType = response.headers['content-type'];
    if (response.headers['content-encoding'] !== undefined) meta.contentEncoding = response.headers['content-encoding'];
    await keepingIsBestEffort(this.#options.store).set(lookup.key, encodeEntry(meta, response.body), this.#keepSeconds(meta));
  }

  /** Bitbucket answered 304 to the entry's ETag: it is fresh again from now. */
  async revalidated(lookup: CacheLookup): Promise<CachedResponse | undefined> {
    const entry = lookup.entry;
    if (entry === undefined) return undefined;
    cacheMetrics.revalidated += 1;
    await this.#accepted(lookup);
    const meta: EntryMeta = { status: entry.status, storedAt: this.#now(), generation: lookup.generation, immutable: lookup.immutable };
    if (lookup.trust !== undefined) meta.trust = lookup.trust;
    if (entry.etag !== undefined) meta.etag = entry.etag;
    if (entry.headers['content-type'] !== undefined) meta.contentType = entry.headers['content-type'];
    if (entry.headers['content-encoding'] !== undefined) meta.contentEncoding = entry.headers['content-encoding'];
    await keepingIsBestEffort(this.#options.store).set(lookup.key, encodeEntry(meta, entry.body), this.#keepSeconds(meta));
    return { status: entry.status, headers: entry.headers, body: entry.body };
  }

  missed(): void {
    cacheMetrics.misses += 1;
  }

  /**
   * A write to `path` (relative to the API base) was sent: every principal's entries of its workspace, and of
   * everything outside workspaces, are stale from now on.
   */
  async invalidate(path: string): Promise<void> {
    cacheMetrics.invalidations += 1;
    const pathOnly = path.split('?', 1)[0];
    // The mark only needs to outlive fresh (and trusted) entries: older ones are stale by age and revalidate anyway.
    const ttl = Math.max(this.#options.freshSeconds, this.#options.immutableSeconds, this.#options.notices?.markSeconds ?? 0) + 60;
    const keys = new Set([scopeGenerationKey(pathOnly), scopeGenerationKey('/')]);
    await Promise.all([...keys].map((key) => this.#options.store.set(key, Buffer.from(randomUUID()), ttl)));
  }

  /** A write's second mark was lost (see BitbucketClient.send): counted, never thrown. */
  countLostInvalidation(): void {
    cacheMetrics.invalidationsLost += 1;
  }

  /** Bitbucket answered this principal (2xx or 304): its trusted answers may be served for `freshSeconds` more. */
  async #accepted(lookup: CacheLookup): Promise<void> {
    if (lookup.acceptedKey !== undefined) await keepingIsBestEffort(this.#options.store).set(lookup.acceptedKey, Buffer.from('1'), Math.max(1, this.#options.freshSeconds));
  }

  /** Whether Bitbucket accepted this credential within `freshSeconds` (list-memo.ts serves trusted lists only then). */
  async accepted(credential: UpstreamCredential): Promise<boolean> {
    if (credential.kind === 'none') return false;
    return this.#acceptedAt(acceptedKeyOf(this.#options.principalKey(credential)));
  }

  /** Whether the note of a recent Bitbucket answer to a principal is there: the one read of it (lookup, `accepted`). */
  async #acceptedAt(acceptedKey: string): Promise<boolean> {
    return (await this.#options.store.get(acceptedKey)) !== undefined;
  }

  #keepSeconds(meta: EntryMeta): number {
    if (meta.immutable) return Math.max(1, this.#options.immutableSeconds);
    const fresh = Math.max(1, this.#options.freshSeconds, meta.trust !== undefined ? (this.#options.notices?.trustSeconds ?? 0) : 0);
    return meta.etag !== undefined ? Math.max(fresh, this.#options.revalidateKeepSeconds ?? DEFAULT_REVALIDATE_KEEP_SECONDS) : fresh;
  }
}

/**
 * What the cache keeps only ever saves calls: a store that refuses a write (Redis at `maxmemory` with nothing it may
 * evict answers OOM; Redis away) costs the next read its calls, never this answer, and is counted (`unkept`). Marks of
 * a write (invalidate) are not written through this: one lost would serve answers the write changed, so it fails.
 */
function keepingIsBestEffort(store: ByteStore): ByteStore {
  return {
    get: (key) => store.get(key),
    set: (key, value, ttlSeconds) =>
      store.set(key, value, ttlSeconds).catch(() => {
        cacheMetrics.unkept += 1;
      }),
  };
}

/** Where a recent Bitbucket answer to a principal is noted (a keyed hash of it, never the credential). */
function acceptedKeyOf(principal: string): string {
  return `rc-ok:${principal}`;
}

function encodeEntry(meta: EntryMeta, body: Buffer): Buffer {
  const header = Buffer.from(JSON.stringify(meta), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, body]);
}

function decodeEntry(stored: Buffer): { meta: EntryMeta; body: Buffer } | undefined {
  if (stored.length < 4) return undefined;
  const length = stored.readUInt32BE(0);
  if (stored.length < 4 + length) return undefined;
  try {
    const meta = JSON.parse(stored.subarray(4, 4 + length).toString('utf8')) as EntryMeta;
    if (typeof meta.storedAt !== 'number' || typeof meta.status !== 'number') return undefined;
    return { meta, body: stored.subarray(4 + length) };
  } catch {
    return undefined;
  }
}
