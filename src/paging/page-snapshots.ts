/**
 * Paging snapshots: the ordered rows of an answer that had to be read and sorted whole in-process (an `$orderby`
 * Bitbucket cannot sort, commits by hash, an order merged across repositories), kept in memory so that the later
 * pages of the same walk are served without reading the set again. Without them, following every
 * `@odata.nextLink` of such an answer reads the whole set once per page (quadratic upstream calls).
 *
 * A snapshot is found only through its id, 128 random bits carried inside a signed `$skiptoken`, and only for the
 * binding it was made for (the token's binding hash: resource, query options and keyed credential hash), checked
 * again here so that no token can reach another caller's rows. A miss (expired, evicted, another replica, a restart)
 * is never an error: the token's keyset cursor continues the walk on live data.
 *
 * Memory is bounded by `PagingSnapshotLimits`: idle expiry, a largest snapshot and a total over all snapshots, the
 * least recently read dropped first; and by the process's row budget (`memory-budget.ts`), shared with the requests
 * that read whole sets, which may reclaim idle snapshots.
 *
 * Eviction is fair under concurrency (issue #11.7): a snapshot whose walk is under way (it has served a page, or was
 * made by a later page of its walk, within `WALK_PROTECTION_MS`) is never evicted to make room for another. Before,
 * concurrent walks larger than the total evicted each other in turn, and each re-read the set for every page (2.25–9×
 * the calls of one read each). Now a snapshot that would need such an eviction is not admitted: its walk continues by
 * cursor, and each later page (which reads the set again) asks again, so it is kept as soon as a walk ends or idles.
 * The walks admitted cost one read each, whatever runs beside them. Expired snapshots are swept on every access (the map is kept in LRU order, so
 * the sweep stops at the first live one); no timer is needed. Rows are packed into one flat array of values under a
 * shared column list: an executor row is an object with one slot per property (about 0.3 kB for a 24-property pull
 * request row, `npm run bench:rows`), while packed values cost 8 bytes each plus the strings they hold, and only the
 * columns later pages need are kept (`npm run bench:paging`, column B/row). Unpacked rows live for one page only.
 */
import { randomBytes } from 'node:crypto';
import type { PagingSnapshotLimits } from '../config';
import type { LiteralValue, Row } from '../odata/ast';
import type { RowBudget } from '../memory/memory-budget';

interface Snapshot {
  /** The binding hash of the token that may read it. */
  binding: string;
  /** Rows of the answer served before the first row kept. */
  base: number;
  columns: readonly string[];
  /** Row after row, `columns.length` values each, in chunks of CHUNK_ROWS rows (V8 caps one array's length). */
  chunks: LiteralValue[][];
  /** What `keepValue` kept (no columns, no chunks): read only by `readValue`. */
  value?: object;
  rows: number;
  lastRead: number;
  /** A page of its walk came after it was made (or it was made by such a page): the walk is under way. */
  walked: boolean;
}

/**
 * How long after its last page a walk counts as under way, protected from eviction: Power BI and Excel read the
 * next page as soon as the last one arrived, so a minute without a page means the walk was abandoned (or stalls),
 * and its snapshot becomes an ordinary least-recently-read candidate until its TTL.
 */
export const WALK_PROTECTION_MS = 60_000;

export interface PageSnapshotStats {
  snapshots: number;
  rows: number;
}

/**
 * What the paging handler asks of a snapshot store: this in-process one (the default), or the one replicas share in
 * Redis (`redis-page-snapshots.ts`, with `REDIS_URL`), whose operations are network calls. The contract is the same:
 * a read answers only the binding the snapshot was kept for, and a miss is never an error (the cursor continues).
 */
export interface PagingSnapshotStore {
  accepts(rows: number): boolean;
  keep(binding: string, base: number, columns: readonly string[], rows: readonly Row[], options?: { walked?: boolean }): string | undefined | Promise<string | undefined>;
  read(id: string, binding: string, served: number, count: number): Row[] | undefined | Promise<Row[] | undefined>;
  drop(id: string, binding: string): void | Promise<void>;
  /**
   * A store in this process may also keep a value as it is, counted as `rows` rows like a snapshot of that many, for
   * `readValue` under the same binding (a value is never read as rows, nor rows as a value). Held pages go this way
   * (`held-pages.ts`): a store that must serialize (Redis) has no such methods and keeps them as rows.
   */
  keepValue?(binding: string, value: object, rows: number): string | undefined;
  readValue?(id: string, binding: string): object | undefined;
}

const CHUNK_ROWS = 4096;

const ID_BYTES = 16;
/** Ids cut from one `randomBytes` call (4 KiB). */
const POOLED_IDS = 256;
let idPool = Buffer.alloc(0);
let idAt = 0;

/**
 * A snapshot id: 16 random bytes in base64url (128 bits, `isSnapshotId` in skiptoken.ts), cut from a pool of random
 * bytes filled 256 ids at a time, as Node's `randomUUID` pools its entropy: one `randomBytes(16)` per id (a job
 * object and a buffer each) cost ~35 µs of a 100-row walk page's CPU under load, one in a walk's every page (its held
 * pages' id, issue #15). Each id's bytes are handed out once; the pool is as random as the call.
 */
export function snapshotId(): string {
  if (idAt + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * POOLED_IDS);
    idAt = 0;
  }
  const id = idPool.toString('base64url', idAt, idAt + ID_BYTES);
  idAt += ID_BYTES;
  return id;
}

function pack(columns: readonly string[], rows: readonly Row[]): LiteralValue[][] {
  const chunks: LiteralValue[][] = [];
  for (let first = 0; first < rows.length; first += CHUNK_ROWS) {
    const chunkRows = rows.slice(first, first + CHUNK_ROWS);
    const values = new Array<LiteralValue>(chunkRows.length * columns.length);
    let at = 0;
    for (const row of chunkRows) for (const column of columns) values[at++] = row[column] ?? null;
    chunks.push(values);
  }
  return chunks;
}

function unpack(snapshot: Snapshot, from: number, to: number): Row[] {
  const { columns, chunks } = snapshot;
  const width = columns.length;
  // Each row starts as a copy of one blank row holding every column, as `rowFromItem` builds rows (see its RowBuilder
  // for why): adding 20 or more properties one by one would put every row in V8's slower dictionary mode.
  const byKey: Row = {};
  for (const column of columns) byKey[column] = null;
  const blank: Row = { ...byKey };
  const rows: Row[] = new Array<Row>(Math.max(0, to - from));
  for (let index = from; index < to; index++) {
    const values = chunks[Math.floor(index / CHUNK_ROWS)];
    const at = (index % CHUNK_ROWS) * width;
    const row: Row = { ...blank };
    for (let offset = 0; offset < width; offset++) row[columns[offset]] = values[at + offset];
    rows[index - from] = row;
  }
  return rows;
}

export class PageSnapshots implements PagingSnapshotStore {
  /** Least recently read first: a Map iterates in insertion order, and every read re-inserts. */
  private readonly entries = new Map<string, Snapshot>();
  private heldRows = 0;
  private readonly ttlMs: number;
  private readonly largest: number;

  constructor(
    private readonly limits: PagingSnapshotLimits,
    private readonly now: () => number = Date.now,
    private readonly budget?: RowBudget,
  ) {
    this.ttlMs = limits.ttlSeconds * 1000;
    this.largest = Math.min(limits.maxRows, limits.maxTotalRows, budget?.capacity ?? Infinity);
    if (budget) budget.reclaim = (rows) => this.reclaim(rows);
  }

  /** Whether a snapshot of this many rows would be kept (snapshots on, something to keep, within the limit). */
  accepts(rows: number): boolean {
    return this.ttlMs > 0 && rows > 0 && rows <= this.largest;
  }

  /**
   * Keep `rows`, the rest of an answer after its first `base` rows, for the token of `binding`, with the values of
   * `columns` only. `walked`: made by a later page of its walk (a re-read after a miss), so already under way.
   * Returns the snapshot's id, or undefined when it is not kept: not `accepts`ed, or there is no room without
   * evicting a walk under way (`WALK_PROTECTION_MS`), or the row budget has no room.
   */
  keep(binding: string, base: number, columns: readonly string[], rows: readonly Row[], options: { walked?: boolean } = {}): string | undefined {
    const now = this.now();
    if (!this.admit(rows.length, now)) return undefined;
    return this.add({ binding, base, columns: [...columns], chunks: pack(columns, rows), rows: rows.length, lastRead: now, walked: options.walked === true });
  }

  /**
   * Keep `value` as it is, counted as `rows` rows (`PagingSnapshotStore.keepValue`): held pages are kept so, instead of
   * as one JSON text per Bitbucket item made by one page and parsed by the next (issue #15: a commits walk in 100-row
   * pages, 9.0 → 7.9 ms of gateway CPU per page under load, medians of 10 interleaved rounds). What is kept must not
   * change afterwards: its readers share it.
   */
  keepValue(binding: string, value: object, rows: number): string | undefined {
    const now = this.now();
    if (!this.admit(rows, now)) return undefined;
    return this.add({ binding, base: 0, columns: [], chunks: [], value, rows, lastRead: now, walked: false });
  }

  /** What `keepValue` kept for `binding`; undefined on a miss, or for a snapshot of rows. */
  readValue(id: string, binding: string): object | undefined {
    const now = this.now();
    this.sweep(now);
    const snapshot = this.entries.get(id);
    if (!snapshot || snapshot.binding !== binding || snapshot.value === undefined) return undefined;
    this.touch(id, snapshot, now);
    return snapshot.value;
  }

  /**
   * Whether `rows` more rows may be kept now: `accepts`ed, with room made by evicting only snapshots not being walked
   * (least recently read first, and only if that makes room), and room in the row budget (held from here on).
   */
  private admit(rows: number, now: number): boolean {
    if (!this.accepts(rows)) return false;
    this.sweep(now);
    const over = this.heldRows + rows - this.limits.maxTotalRows;
    // Nothing to evict (a walk's usual case: its previous page's held pages were dropped): no list of candidates.
    if (over > 0) {
      const evictable = [...this.entries].filter(([, snapshot]) => !this.protectedAt(snapshot, now));
      const freeable = evictable.reduce((sum, [, snapshot]) => sum + snapshot.rows, 0);
      if (over > freeable) return false;
      let freed = 0;
      for (const [oldest, snapshot] of evictable) {
        if (freed >= over) break;
        freed += snapshot.rows;
        this.remove(oldest, snapshot);
      }
    }
    return !this.budget || this.budget.tryHold(rows);
  }

  private add(snapshot: Snapshot): string {
    const id = snapshotId();
    this.entries.set(id, snapshot);
    this.heldRows += snapshot.rows;
    return id;
  }

  private touch(id: string, snapshot: Snapshot, now: number): void {
    snapshot.lastRead = now;
    snapshot.walked = true;
    this.entries.delete(id);
    this.entries.set(id, snapshot);
  }

  /**
   * Rows `served` to `served + count` of the answer (fewer at its end), holding the kept columns; undefined on a
   * miss: no such snapshot for this binding, expired, or not holding that position.
   */
  read(id: string, binding: string, served: number, count: number): Row[] | undefined {
    const now = this.now();
    this.sweep(now);
    const snapshot = this.entries.get(id);
    if (!snapshot || snapshot.binding !== binding || snapshot.value !== undefined) return undefined;
    const start = served - snapshot.base;
    if (start < 0 || start > snapshot.rows) return undefined;
    this.touch(id, snapshot, now);
    return unpack(snapshot, start, Math.min(snapshot.rows, start + Math.max(0, count)));
  }

  /** Forget a snapshot whose walk has ended (its last page was served). */
  drop(id: string, binding: string): void {
    const snapshot = this.entries.get(id);
    if (snapshot && snapshot.binding === binding) this.remove(id, snapshot);
  }

  stats(): PageSnapshotStats {
    return { snapshots: this.entries.size, rows: this.heldRows };
  }

  /** Whether the snapshot's walk is under way: it may not be evicted for another snapshot or a request's rows. */
  private protectedAt(snapshot: Snapshot, now: number): boolean {
    return snapshot.walked && now - snapshot.lastRead < WALK_PROTECTION_MS;
  }

  /** Drop idle snapshots (least recently read first) until `rows` rows are freed or none is left to drop. */
  private reclaim(rows: number): void {
    const now = this.now();
    this.sweep(now);
    let freed = 0;
    for (const [id, snapshot] of [...this.entries]) {
      if (freed >= rows) break;
      if (this.protectedAt(snapshot, now)) continue;
      freed += snapshot.rows;
      this.remove(id, snapshot);
    }
  }

  private sweep(now: number): void {
    for (const [id, snapshot] of this.entries) {
      if (now - snapshot.lastRead < this.ttlMs) break;
      this.remove(id, snapshot);
    }
  }

  private remove(id: string, snapshot: Snapshot): void {
    this.entries.delete(id);
    this.heldRows -= snapshot.rows;
    this.budget?.release(snapshot.rows);
  }
}
