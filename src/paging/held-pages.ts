/**
 * Bitbucket pages held from one answer page of a walk to the next (issue #15): an answer page that ends in the middle
 * of a Bitbucket page (a repository of 455 commits does not end on a multiple of 100) has read items it did not
 * serve, and its look-ahead row may have opened the next Bitbucket page or the next repository's first page. The next
 * answer page would read those pages again: about one call per answer page, 2,113 calls instead of 1,114 for 100,000
 * commits in 100-row pages. So the page that held the answer's last row, and the page of its look-ahead row, are kept
 * in the paging snapshot store (`page-snapshots.ts`, Redis with `REDIS_URL` so that another replica continues too)
 * under an id the next token carries, and the next answer page serves them as read instead of asking Bitbucket again.
 *
 * Why not answer pages aligned to Bitbucket's instead? That would be legal (`odata.maxpagesize` asks for no more than
 * that many items per page, OData 4.01 Part 1 §8.2.8.3, and the service decides its page size, §11.2.6.7; Power BI
 * follows nextLinks whatever their size), but a page ending on a Bitbucket page still needs its look-ahead row to know
 * whether a nextLink is due, and that row opens the next Bitbucket page, read again by the next answer page (or a
 * nextLink would be sent that may lead to an empty page); a filter that passes few rows, or several repositories in
 * one answer page, put the boundaries anywhere; and every page size the walks' clients see would change. Held pages
 * change no answer: the rows, the page sizes and the tokens' cursors are what they were, only fewer calls are made.
 *
 * Sound because each held page is exactly what Bitbucket answered this walk's credential for this query moments
 * before (the snapshot is bound to the token's binding: resource, query and keyed credential hash, never the
 * credential), and a page is held only when the pages after it can be read live after it (`mayReplay`: a `next` by
 * opaque cursor, or the list's end; items pushed since that the next page repeats are passed over, `row-stream.ts`).
 * A miss (expired, evicted, another replica without Redis, a token of an earlier version) only costs the call: the
 * cursor's page location re-reads the page, as before.
 *
 * Stored as rows of two text columns in a store that must serialize them (Redis), so that it bounds them like any
 * snapshot: one row per held page (`page`: where it was read, its `next`, its first item's position, the page's fields
 * but `values`) followed by one row per item (`item`: the item's JSON as Bitbucket sent it, already narrowed by
 * `fields=`). The in-process store keeps the pages as read (`heldPagesValue`), counted as the same number of rows:
 * one JSON text per item made by one answer page and parsed by the next cost ~0.9 ms of gateway CPU per 100-row page
 * of a commits walk under load (issue #15; 8 % of its CPU by perf). They are shared, never changed: the rows built
 * from them are copies (`rowFromItem`), and a stream only reads a page's `values` (`row-stream.ts`).
 */
import { canonicalTarget, mayReplay, type BitbucketPage } from '../bitbucket';
import type { Row } from '../odata/ast';
import { readPageOf, type HeldPages, type ReadPage } from '../plan/upstream-position';

export const HELD_PAGE_COLUMNS: readonly string[] = ['page', 'item'];

/** The snapshot binding of held pages: never the binding of an answer's rows, so neither is read as the other. */
export function heldPagesBinding(snapshotKey: string): string {
  return `held:${snapshotKey}`;
}

/**
 * The pages a walk's next answer page may take instead of reading them: the page of `last` (the answer page's last
 * row, where the next one continues) and that of `lookAhead` (the row read to know that another page follows), each
 * once, when it may be replayed.
 */
export function pagesToHold(last: Row, lookAhead: Row | undefined): { cursorPage?: ReadPage; others: ReadPage[] } {
  const lastPage = readPageOf(last);
  const aheadPage = lookAhead ? readPageOf(lookAhead) : undefined;
  const replayable = (page: ReadPage | undefined): page is ReadPage => page !== undefined && mayReplay(page.page, page.target, page.nextTarget);
  return {
    ...(replayable(lastPage) ? { cursorPage: lastPage } : {}),
    // The look-ahead row is usually on the last row's page: that page is not asked about twice (`mayReplay` parses
    // both targets' queries).
    others: aheadPage !== lastPage && replayable(aheadPage) ? [aheadPage] : [],
  };
}

interface PageHead {
  target: string;
  nextTarget?: string;
  firstPosition: number;
  first: boolean;
  cursor: boolean;
  /** The page's fields but `values` (`next`, `size`, `page`, `pagelen`). */
  head: Record<string, unknown>;
}

/** What `held` counts as, in rows of a snapshot (`heldPageRows`): one per page and one per item. */
export function heldPageRowCount(held: { cursorPage?: ReadPage; others: readonly ReadPage[] }): number {
  let rows = 0;
  if (held.cursorPage) rows += 1 + held.cursorPage.page.values.length;
  for (const page of held.others) rows += 1 + page.page.values.length;
  return rows;
}

/** `held` as a continuation takes it (`heldPagesFrom` of its rows, without the round trip through JSON). */
export function heldPagesValue(held: { cursorPage?: ReadPage; others: readonly ReadPage[] }): HeldPages {
  const byTarget = new Map<string, ReadPage>();
  for (const page of held.others) byTarget.set(canonicalTarget(page.target), page);
  return { ...(held.cursorPage ? { cursorPage: held.cursorPage } : {}), byTarget };
}

/** A value a store kept as it is (`heldPagesValue`); undefined for anything else (a miss). */
export function heldPagesOfValue(value: object | undefined): HeldPages | undefined {
  return value !== undefined && 'byTarget' in value && value.byTarget instanceof Map ? (value as HeldPages) : undefined;
}

/** The rows a snapshot keeps for `held`. */
export function heldPageRows(held: { cursorPage?: ReadPage; others: ReadPage[] }): Row[] {
  const rows: Row[] = [];
  const add = (page: ReadPage, cursor: boolean) => {
    const { values, ...head } = page.page;
    const described: PageHead = { target: page.target, ...(page.nextTarget !== undefined ? { nextTarget: page.nextTarget } : {}), firstPosition: page.firstPosition, first: page.first, cursor, head };
    rows.push({ page: JSON.stringify(described), item: null });
    for (const item of values) rows.push({ page: null, item: JSON.stringify(item) });
  };
  if (held.cursorPage) add(held.cursorPage, true);
  for (const page of held.others) add(page, false);
  return rows;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The held pages a snapshot's rows describe; undefined when they are not rows `heldPageRows` made (a miss). */
export function heldPagesFrom(rows: readonly Row[]): HeldPages | undefined {
  const pages: { head: PageHead; values: unknown[] }[] = [];
  try {
    for (const row of rows) {
      if (typeof row.page === 'string') {
        const head: unknown = JSON.parse(row.page);
        if (!isPageHead(head)) return undefined;
        pages.push({ head, values: [] });
      } else if (typeof row.item === 'string' && pages.length > 0) {
        pages[pages.length - 1].values.push(JSON.parse(row.item));
      } else return undefined;
    }
  } catch {
    return undefined;
  }
  if (pages.length === 0) return undefined;
  const byTarget = new Map<string, ReadPage>();
  let cursorPage: ReadPage | undefined;
  for (const { head, values } of pages) {
    const page: ReadPage = {
      target: head.target,
      page: { ...head.head, values } as BitbucketPage<unknown>,
      ...(head.nextTarget !== undefined ? { nextTarget: head.nextTarget } : {}),
      firstPosition: head.firstPosition,
      first: head.first,
    };
    if (head.cursor) cursorPage = page;
    else byTarget.set(canonicalTarget(head.target), page);
  }
  return { ...(cursorPage ? { cursorPage } : {}), byTarget };
}

function isPageHead(value: unknown): value is PageHead {
  if (!isObject(value) || !isObject(value.head) || 'values' in value.head) return false;
  const { target, nextTarget, firstPosition, first, cursor } = value;
  return (
    typeof target === 'string' &&
    (nextTarget === undefined || typeof nextTarget === 'string') &&
    typeof firstPosition === 'number' &&
    Number.isSafeInteger(firstPosition) &&
    typeof first === 'boolean' &&
    typeof cursor === 'boolean' &&
    (value.head.next === undefined || typeof value.head.next === 'string')
  );
}
