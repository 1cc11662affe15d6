/**
 * The window of one page (OData 4.01 Part 1 §11.2.6.7 server-driven paging): a response holds at most
 * `pageSize` rows; the rest is reached through `@odata.nextLink`, whose `$skiptoken` says where the next page starts
 * (`skiptoken.ts`): after a keyset cursor, so a page does not re-read the rows before it where Bitbucket can start
 * after the cursor (key order over a fan-out: about one read of the set for the whole walk). Orders Bitbucket cannot
 * produce (an in-process sort, commits by hash, an order merged across repositories) make a page read and sort the
 * whole set; the rest of that answer is then kept as a paging snapshot (`page-snapshots.ts`, `restOfAnswer`) and the
 * later pages are sliced from it, falling back to the cursor when the snapshot is gone.
 */
import type { ODataQuery, Row } from '../odata/ast';
import type { PageContinuation } from './skiptoken';

export interface PageWindow {
  /**
   * The query to execute for this page: skip and top cover this page plus one look-ahead row. On a page after a
   * cursor, it is to be executed for the rows after that cursor.
   */
  query: ODataQuery;
  /** Rows of this page at most. */
  pageSize: number;
  /** Rows of the answer served before this page (by earlier pages). */
  served: number;
  /** Rows of the answer from this page's first on: `$top` less the rows served, Infinity without `$top`. */
  remaining: number;
}

/** The executor query for the first page (no continuation) or the page a `$skiptoken` continues with. */
export function pageWindow(query: ODataQuery, continuation: PageContinuation | undefined, pageSize: number): PageWindow {
  const served = continuation?.served ?? 0;
  const remaining = query.top === undefined ? Infinity : Math.max(0, query.top - served);
  const take = Math.min(remaining, pageSize);
  // One row more than the page tells whether another page exists, without a second count query.
  const top = remaining > pageSize ? take + 1 : take;
  // After a cursor, `$skip` was consumed by the first page; without one the page starts `served` rows further.
  const skip = continuation?.cursor ? undefined : served > 0 ? (query.skip ?? 0) + served : query.skip;
  // The count is the first page's, carried in the token; counting again would cost a read of the whole set.
  const count = query.count && continuation?.count === undefined && !continuation?.cursor;
  return { query: { ...query, skip, top, count }, pageSize: take, served, remaining };
}

/**
 * The rows of the answer after this page, from `ordered`: every row the page's executor query matched, in the total
 * order, before its `$skip` and `$top` (what the executor reports when it read the whole set). They start at
 * `window.served + window.pageSize` in the answer.
 */
export function restOfAnswer(window: PageWindow, ordered: readonly Row[]): Row[] {
  const start = window.query.skip ?? 0;
  const end = window.remaining === Infinity ? undefined : start + window.remaining;
  return ordered.slice(start + window.pageSize, end);
}
