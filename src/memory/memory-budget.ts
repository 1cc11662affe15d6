/**
 * One memory budget for the whole process, in rows (`MAX_ROWS_IN_MEMORY`): every answer that must hold a whole set
 * at once (an order Bitbucket cannot sort, read whole and sorted here) and every paging snapshot count against it.
 * A streamed answer holds a page at most and is not counted (its size is bounded by `MAX_PAGE_SIZE`).
 *
 * Without it, nothing bounds the sum: eight concurrent `Commits?$orderby=Hash` on 100,000 commits each held their
 * set at once and aborted V8 in a 256 MB heap (issue #11.3), whatever the snapshot limits said. With it, a request
 * that cannot get its share is refused early with 503 and `Retry-After` (RFC 9110 §15.6.4: the condition is
 * temporary; §10.2.3 Retry-After), never a crash; a request that alone needs more than the whole budget is refused
 * with 400 naming what to narrow, since retrying cannot help.
 *
 * Snapshots are a cache: when a request needs rows, idle snapshots are reclaimed first (`reclaim`, set by
 * `PageSnapshots`); a snapshot whose walk is under way is not.
 */
import { ODataError } from '../odata/errors';

/** Seconds a refused request is told to wait: about the time a large whole-set read takes to be served and freed. */
export const MEMORY_RETRY_AFTER_SECONDS = 10;

/** Rows a lease takes from the budget at once, so that holding a row is a counter increment, not a budget call. */
const LEASE_STEP = 256;

/** Every budget alive in the process (one per OData router: one in production), read by the metrics' gauge. */
const liveBudgets = new Set<WeakRef<RowBudget>>();

/** Rows held now by every budget of the process, and their capacity (`bitbucket_odata_rows_in_memory`). */
export function rowsInMemory(): { held: number; capacity: number } {
  let held = 0;
  let capacity = 0;
  for (const ref of liveBudgets) {
    const budget = ref.deref();
    if (!budget) liveBudgets.delete(ref);
    else {
      held += budget.held;
      capacity += budget.capacity;
    }
  }
  return { held, capacity };
}

export class RowBudget {
  private heldRows = 0;
  /** Frees at least `rows` rows of idle snapshots if it can (set by the snapshot store sharing this budget). */
  reclaim?: (rows: number) => void;

  constructor(readonly capacity: number) {
    liveBudgets.add(new WeakRef(this));
  }

  get held(): number {
    return this.heldRows;
  }

  /** Take `rows` if they fit (after reclaiming idle snapshots); false, taking nothing, when they do not. */
  tryHold(rows: number): boolean {
    if (rows <= 0) return true;
    if (this.heldRows + rows > this.capacity) this.reclaim?.(this.heldRows + rows - this.capacity);
    if (this.heldRows + rows > this.capacity) return false;
    this.heldRows += rows;
    return true;
  }

  release(rows: number): void {
    this.heldRows = Math.max(0, this.heldRows - rows);
  }

  /** A request's share, taken as its rows accumulate and given back all at once when it is done. */
  lease(): RowLease {
    return new RowLease(this);
  }
}

/** The rows one request holds; `hold` throws the 503 (or 400) that answers the request when they do not fit. */
export class RowLease {
  private taken = 0;
  private used = 0;
  private ended = false;

  constructor(private readonly budget: RowBudget) {}

  get rows(): number {
    return this.used;
  }

  hold(rows: number): void {
    // A request that has answered may still have reads under way (the other streams of a fan-out whose first
    // failure answered it): they take nothing more, and stop.
    if (this.ended) throw new ODataError('MemoryBusy', { limit: this.budget.capacity, retryAfter: MEMORY_RETRY_AFTER_SECONDS });
    this.used += rows;
    if (this.used <= this.taken) return;
    const want = Math.max(this.used - this.taken, LEASE_STEP);
    if (this.budget.tryHold(want)) {
      this.taken += want;
      return;
    }
    // The last step may not fit where the rows themselves do.
    if (this.budget.tryHold(this.used - this.taken)) {
      this.taken = this.used;
      return;
    }
    const limit = this.budget.capacity;
    if (this.used > limit) throw new ODataError('TooManyRowsInMemory', { limit });
    throw new ODataError('MemoryBusy', { limit, retryAfter: MEMORY_RETRY_AFTER_SECONDS }, { headers: { 'Retry-After': String(MEMORY_RETRY_AFTER_SECONDS) } });
  }

  /** Give back every row taken (they now live elsewhere, such as in a snapshot, or are gone). */
  release(): void {
    this.budget.release(this.taken);
    this.taken = 0;
    this.used = 0;
  }

  /** The request is over: give back every row and refuse any later `hold`. */
  end(): void {
    this.ended = true;
    this.release();
  }
}
