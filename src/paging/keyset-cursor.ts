/**
 * Keyset continuation: where a page ends, as the last served row's values of the answer's order (`answerOrder`:
 * `$orderby`, then the key; or the stream's route values, then the row's position in its stream). The next page is
 * "the same query, rows strictly after this cursor", which the executor can start at directly instead of re-reading
 * and discarding every row before it (`$skip` = rows served would).
 * Values are kept exactly as the rows hold them (strings, numbers, booleans, null; date-times as their ISO text), so
 * the cursor compares with `compareRows` exactly as the row did. An upstream position is a whole number, last.
 *
 * Ordered by upstream position, a row delivered on a later page of its stream also gives where Bitbucket's paging
 * stood (`UpstreamPageLocation`): that page's request target and the row's index in it follow the position, so the
 * next page opens the stream there rather than re-reading it from its start (which grows with every page of a long
 * repository). They are left out when the token could not hold them (the cursor then re-reads, as before).
 *
 * A position alone does not name a row for long: a commit pushed between two pages moves every commit one place
 * down Bitbucket's newest-first list, and the next page would repeat the last row. So the cursor also carries the
 * row's remaining key values (a commit's `Hash`), last, and the executor continues after that row wherever it now is
 * (`src/plan/row-stream.ts`, the cursor's own stream). Cursors without them (issued before) are still read, by position.
 */
import type { LiteralValue, OrderByItem, Row } from '../odata/ast';
import type { EntitySetDefinition } from '../entity-sets/model';
import { answerOrder } from '../plan/plan-query';
import { recordUpstreamPage, recordUpstreamPosition, upstreamPageOf, upstreamPositionOf } from '../plan/upstream-position';

export interface CursorLimits {
  /**
   * Most bytes of JSON a cursor carrying a page location may take; longer, the location is left out (the cursor then
   * re-reads the stream from its start). The token that carries the cursor decides it (`skiptoken.ts`).
   */
  maxLocatedBytes?: number;
}

/**
 * The cursor of `row` under the order of `orderby` on `def`; undefined when `row` does not carry its upstream
 * position (a copy, such as a paging snapshot's row): that page then continues by offset, which is correct too.
 */
export function cursorOf(def: EntitySetDefinition, orderby: OrderByItem[], row: Row, limits: CursorLimits = {}): LiteralValue[] | undefined {
  const order = answerOrder(def, orderby);
  const values = order.items.map((item) => row[item.property] ?? null);
  if (!order.byUpstreamPosition) return values;
  const position = upstreamPositionOf(row);
  if (position === undefined) return undefined;
  const key = restOfKey(def, order.items).map((property) => row[property] ?? null);
  const cursor = [...values, position, ...key];
  const location = upstreamPageOf(row);
  if (location === undefined) return cursor;
  const located = [...values, position, location.target, location.index, ...key];
  return limits.maxLocatedBytes === undefined || Buffer.byteLength(JSON.stringify(located)) <= limits.maxLocatedBytes ? located : cursor;
}

/** The key properties an order by upstream position leaves out (a commit's `Hash`): what names the cursor's row. */
function restOfKey(def: EntitySetDefinition, items: OrderByItem[]): string[] {
  return def.key.filter((property) => !items.some((item) => item.property === property));
}

/**
 * The key values the cursor of an order by upstream position names its row by (`cursorOf`), as a row; undefined for
 * a cursor without them.
 */
export function cursorKeyOf(row: Row): Row | undefined {
  return cursorKeys.get(row);
}

const cursorKeys = new WeakMap<Row, Row>();

const isWholeNumber = (value: LiteralValue | undefined): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * The cursor as a row holding just the order's values (and, ordered by upstream position, the position and any page
 * location beside it), or undefined when it does not fit this order. Whether a page location names this stream's own
 * list is the executor's to check: only it knows the path.
 */
export function rowAtCursor(def: EntitySetDefinition, orderby: OrderByItem[], cursor: readonly LiteralValue[]): Row | undefined {
  const order = answerOrder(def, orderby);
  const length = order.items.length;
  const keyNames = order.byUpstreamPosition ? restOfKey(def, order.items) : [];
  // With the key (this version) or without it (cursors issued before); the key's length tells them apart.
  const withKey = keyNames.length > 0 && (cursor.length === length + 1 + keyNames.length || cursor.length === length + 3 + keyNames.length);
  const extra = withKey ? keyNames.length : 0;
  const fits = order.byUpstreamPosition ? cursor.length === length + 1 + extra || cursor.length === length + 3 + extra : cursor.length === length;
  if (!fits) return undefined;
  const row: Row = {};
  order.items.forEach((item, index) => {
    row[item.property] = cursor[index];
  });
  if (order.byUpstreamPosition) {
    const position = cursor[length];
    if (!isWholeNumber(position)) return undefined;
    recordUpstreamPosition(row, position);
    if (withKey) {
      const key: Row = {};
      keyNames.forEach((name, index) => {
        key[name] = cursor[cursor.length - extra + index];
      });
      cursorKeys.set(row, key);
    }
    if (cursor.length === length + 3 + extra) {
      const [target, index] = cursor.slice(length + 1);
      // The row's index in its page cannot exceed its position in the stream: the page would start before the stream.
      // -1: the target is the page after the row's, which ended with it (`row-stream.ts`).
      if (typeof target !== 'string' || typeof index !== 'number' || !(index === -1 || isWholeNumber(index)) || index > position) return undefined;
      recordUpstreamPage(row, { target, index });
    }
  }
  return row;
}
