/**
 * A row's position within its upstream stream: its index in the list as Bitbucket delivered it (0 for the first item
 * of the stream's first page). It orders the rows of a list read in Bitbucket's own order (`defaultOrder: 'upstream'`)
 * and is the last value of such an answer's keyset cursor (`src/paging/keyset-cursor.ts`).
 *
 * Kept beside the row, never in it: a row's own keys are exactly its entity's properties, all of which the serializer
 * may write, and the position is not one of them. A copy of a row (a projection, a paging snapshot) has no position.
 */
import type { Row } from '../odata/ast';

const positions = new WeakMap<Row, number>();

export function recordUpstreamPosition(row: Row, position: number): void {
  positions.set(row, position);
}

export function upstreamPositionOf(row: Row): number | undefined {
  return positions.get(row);
}

/** Earlier in the stream first. A row without a position is a planner bug, not data: it must not sort silently. */
export function compareUpstreamPositions(a: Row, b: Row): number {
  const left = positions.get(a);
  const right = positions.get(b);
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

const locations = new WeakMap<Row, UpstreamPageLocation>();

export function recordUpstreamPage(row: Row, location: UpstreamPageLocation): void {
  locations.set(row, location);
}

export function upstreamPageOf(row: Row): UpstreamPageLocation | undefined {
  return locations.get(row);
}
