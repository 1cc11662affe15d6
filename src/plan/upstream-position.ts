/**
 * A row's position within its upstream stream: its index in the list as Bitbucket delivered it (0 for the first item
 * of the stream's first page). It orders the rows of a list read in Bitbucket's own order (`defaultOrder: 'upstream'`)
 * and is the last value of such an answer's keyset cursor (`src/paging/keyset-cursor.ts`).
 *
 * Kept beside the row's properties, never among them: a row's own keys are exactly its entity's properties, all of
 * which the serializer may write, and the position is not one of them (it is in a symbol-keyed slot, `UPSTREAM_PLACE`).
 * A copy of a row (a projection, a paging snapshot) has no position.
 */
import type { BitbucketPage } from '../bitbucket';
import type { Row } from '../odata/ast';

/**
 * What is known of one row's place upstream, in one object per row: its position and page location, and the page it
 * came on (issue #15.3: two maps and a location object per row were about 5 % of the gateway's CPU on a 100,000-commit
 * read). `row` is the row it was recorded for: a copy of that row (a projection by spread) carries the same object in
 * its slot, and is told apart by it, so that a copy still has no position.
 */
class UpstreamPlace {
  constructor(
    public row: Row,
    public position: number | undefined,
    public target: string | undefined,
    public index: number,
    public source: PageSource | undefined = undefined,
  ) {}
}

/**
 * The slot of a row that holds its place, in every row `rowFromItem` makes (row-from-item.ts puts it in the blank row,
 * so it is part of the rows' one hidden class). A symbol: no serializer, `Object.keys`, `for…in` or `JSON.stringify`
 * sees it, so a row's own keys are still exactly its entity's properties.
 *
 * Measured (issue #15): every row's place was an entry of a WeakMap, whose entries are ephemerons, traced by the
 * garbage collector in a pass of its own; each set also ran the ephemeron write barrier (WeakCollectionSet,
 * CombinedGenerationalAndSharedEphemeronBarrierSlow, GetIdentityHash, EphemeronHashTable Rehash: some 3.5 % of the
 * gateway's CPU on 100,000 commits in one response, perf, plus ClearOldEphemerons in every scavenge). A store into a
 * slot every row already has is a plain field store. (A private field stamped on the row instead, measured earlier,
 * adds a property to the row: 3.9-4.3 µs per row in a loop, against 0.7-1.0 µs for the map.) In-process, 136 commit
 * pages made into rows (/tmp micro-benchmark, node 20, the process's CPU with its GC threads): 3.0-3.2 -> 0.32-0.35 µs
 * per row. The gateway with this and the encoder cuts of issue #15 (entity-encoder.ts) against the same tree without
 * them, side by side under the same load and asked in turn, medians of 5 (main thread + other threads): 100,000
 * commits in one response 11.8 + 2.0 -> 9.5 + 1.4 µs per row (every pair lower), `$select=Hash,Date` 6.9 + 0.4 ->
 * 6.7 + 0.4 (within the noise). Rows made elsewhere (a cursor row from a token, a row read by key, specs' rows) have
 * no slot: their places stay in the map.
 */
export const UPSTREAM_PLACE: unique symbol = Symbol('upstream place');

type Slotted = Row & { [UPSTREAM_PLACE]?: UpstreamPlace };

const places = new WeakMap<Row, UpstreamPlace>();

function placeOf(row: Row): UpstreamPlace | undefined {
  if (UPSTREAM_PLACE in row) {
    const place = (row as Slotted)[UPSTREAM_PLACE];
    return place !== undefined && place.row === row ? place : undefined;
  }
  return places.get(row);
}

function setPlace(row: Row, place: UpstreamPlace): void {
  if (UPSTREAM_PLACE in row) (row as Slotted)[UPSTREAM_PLACE] = place;
  else places.set(row, place);
}

export function recordUpstreamPosition(row: Row, position: number): void {
  const place = placeOf(row);
  if (place) place.position = position;
  else setPlace(row, new UpstreamPlace(row, position, undefined, 0));
}

/**
 * A row as its stream delivers it: its position (when its order needs one), its page location and the page it came
 * on (shared by every row of that page), in one object.
 */
export function recordUpstream(row: Row, position: number | undefined, location: UpstreamPageLocation | undefined, source?: PageSource): void {
  if (position === undefined && location === undefined) return;
  setPlace(row, new UpstreamPlace(row, position, location?.target, location?.index ?? 0, source));
}

export function upstreamPositionOf(row: Row): number | undefined {
  return placeOf(row)?.position;
}

/** Earlier in the stream first. A row without a position is a planner bug, not data: it must not sort silently. */
export function compareUpstreamPositions(a: Row, b: Row): number {
  const left = placeOf(a)?.position;
  const right = placeOf(b)?.position;
  if (left === undefined || right === undefined) throw new Error('A row ordered by its upstream position has none');
  return left - right;
}

/**
 * Where in Bitbucket's paging a row was delivered: the request target of its upstream page (path + query relative to
 * the configured base URL, exactly as Bitbucket's `next` link gave it) and its index among that page's `values`.
 * A continuation can open its stream again at that page instead of at the stream's start
 * (`src/paging/keyset-cursor.ts`). Recorded only for rows of a page reached by following `next` (or of a page opened
 * that way): a row of the stream's first page is as cheap to reach again from the start, in one call.
 */
export interface UpstreamPageLocation {
  target: string;
  index: number;
}

export function recordUpstreamPage(row: Row, location: UpstreamPageLocation): void {
  const place = placeOf(row);
  if (place) {
    place.target = location.target;
    place.index = location.index;
  } else setPlace(row, new UpstreamPlace(row, undefined, location.target, location.index));
}

export function upstreamPageOf(row: Row): UpstreamPageLocation | undefined {
  const place = placeOf(row);
  return place?.target === undefined ? undefined : { target: place.target, index: place.index };
}

/**
 * One Bitbucket page exactly as a stream read it, kept beside its rows so that the paging handler can hold it for the
 * next page of the walk (`src/paging/held-pages.ts`, issue #15): an answer page that ends in the middle of a Bitbucket
 * page would otherwise read that page again.
 */
export interface ReadPage {
  /** Its request target relative to the base URL, as read (`LocatedPage.target`). */
  target: string;
  page: BitbucketPage<unknown>;
  /** Where Bitbucket's `next` leads, relative to the base URL (`LocatedPage.nextTarget`). */
  nextTarget?: string;
  /** The stream position of its first item, as its rows were given them. */
  firstPosition: number;
  /** The stream's first page (its rows carry no page location). */
  first: boolean;
}

/**
 * What the rows of one page share: the page, until its stream reads the next one. A stream lets go of its previous
 * page then (`release`), so a read holds at most one raw page per stream beside its rows, never a whole set's pages
 * (rows are what `MAX_ROWS_IN_MEMORY` counts); the handler only ever holds the pages of an answer's last two rows.
 */
export class PageSource {
  constructor(public read: ReadPage | undefined) {}

  release(): void {
    this.read = undefined;
  }
}

/** The Bitbucket page a row came on, when its stream recorded it and is still on it (or ended with it). */
export function readPageOf(row: Row): ReadPage | undefined {
  return placeOf(row)?.source?.read;
}

/**
 * Pages a continuation may take instead of reading them again (the previous answer page read them, and its walk kept
 * them): the page that held the cursor's row, for the cursor's own stream, and others by canonical request target
 * (`canonicalTarget`).
 */
export interface HeldPages {
  cursorPage?: ReadPage;
  byTarget: ReadonlyMap<string, ReadPage>;
}

const heldPages = new WeakMap<Row, HeldPages>();

/** Held pages travel with the cursor row they continue after (`ExecuteOptions.after`). */
export function holdPagesFor(cursorRow: Row, pages: HeldPages): void {
  heldPages.set(cursorRow, pages);
}

export function heldPagesOf(cursorRow: Row): HeldPages | undefined {
  return heldPages.get(cursorRow);
}
