/**
 * A row's position within its upstream stream: its index in the list as Bitbucket delivered it (0 for the first item
 * of the stream's first page). It orders the rows of a list read in Bitbucket's own order (`defaultOrder: 'upstream'`)
 * and is the last value of such an answer's keyset cursor (`src/paging/keyset-cursor.ts`).
 *
 * Kept beside the row, never in it: a row's own keys are exactly its entity's properties, all of which the serializer
 * may write, and the position is not one of them. A copy of a row (a projection, a paging snapshot) has no position.
 */
import type { Row } from '../odata/ast';

/**
 * What is known of one row's place upstream, in one entry per row: every row of a long read has one, and each entry
 * of a WeakMap costs the garbage collector (its entries are ephemerons, traced in a pass of their own), so a row's
 * position and page location share one (issue #15.3: two maps and a location object per row were about 5 % of the
 * gateway's CPU on a 100,000-commit read).
 */
class UpstreamPlace {
  constructor(
    public position: number | undefined,
    public target: string | undefined,
    public index: number,
  ) {}
}

const places = new WeakMap<Row, UpstreamPlace>();

export function recordUpstreamPosition(row: Row, position: number): void {
  const place = places.get(row);
  if (place) place.position = position;
  else places.set(row, new UpstreamPlace(position, undefined, 0));
}

/** A row as its stream delivers it: its position (when its order needs one) and its page location, in one entry. */
export function recordUpstream(row: Row, position: number | undefined, location: UpstreamPageLocation | undefined): void {
  if (position === undefined && location === undefined) return;
  places.set(row, new UpstreamPlace(position, location?.target, location?.index ?? 0));
}

export function upstreamPositionOf(row: Row): number | undefined {
  return places.get(row)?.position;
}

/** Earlier in the stream first. A row without a position is a planner bug, not data: it must not sort silently. */
export function compareUpstreamPositions(a: Row, b: Row): number {
  const left = places.get(a)?.position;
  const right = places.get(b)?.position;
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
  const place = places.get(row);
  if (place) {
    place.target = location.target;
    place.index = location.index;
  } else places.set(row, new UpstreamPlace(undefined, location.target, location.index));
}

export function upstreamPageOf(row: Row): UpstreamPageLocation | undefined {
  const place = places.get(row);
  return place?.target === undefined ? undefined : { target: place.target, index: place.index };
}
