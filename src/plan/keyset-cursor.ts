/**
 * Keyset continuation: where a page ends, as the last served row's values of the answer's order (`answerOrder`:
 * `$orderby`, then the key; or the stream's route values, then the row's position in its stream). The next page is
 * "the same query, rows strictly after this cursor", which the executor can start at directly instead of re-reading
 * and discarding every row before it (`$skip` = rows served would).
 * Values are kept exactly as the rows hold them (strings, numbers, booleans, null; date-times as their ISO text), so
 * the cursor compares with `compareRows` exactly as the row did. An upstream position is a whole number, last.
 */
import type { LiteralValue, OrderByItem, Row } from '../odata/ast';
import type { EntitySetDefinition } from '../entity-sets/model';
import { answerOrder } from './plan-query';
import { recordUpstreamPosition, upstreamPositionOf } from './upstream-position';

/**
 * The cursor of `row` under the order of `orderby` on `def`; undefined when `row` does not carry its upstream
 * position (a copy, such as a paging snapshot's row): that page then continues by offset, which is correct too.
 */
export function cursorOf(def: EntitySetDefinition, orderby: OrderByItem[], row: Row): LiteralValue[] | undefined {
  const order = answerOrder(def, orderby);
  const values = order.items.map((item) => row[item.property] ?? null);
  if (!order.byUpstreamPosition) return values;
  const position = upstreamPositionOf(row);
  return position === undefined ? undefined : [...values, position];
}

/** The cursor as a row holding just the order's values, or undefined when it does not fit this order. */
export function rowAtCursor(def: EntitySetDefinition, orderby: OrderByItem[], cursor: readonly LiteralValue[]): Row | undefined {
  const order = answerOrder(def, orderby);
  if (cursor.length !== order.items.length + (order.byUpstreamPosition ? 1 : 0)) return undefined;
  const row: Row = {};
  order.items.forEach((item, index) => {
    row[item.property] = cursor[index];
  });
  if (order.byUpstreamPosition) {
    const position = cursor[order.items.length];
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) return undefined;
    recordUpstreamPosition(row, position);
  }
  return row;
}
