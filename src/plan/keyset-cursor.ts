/**
 * Keyset continuation: where a page ends, as the last served row's values of the answer's total order (`$orderby`,
 * then the key). The next page is "the same query, rows strictly after this cursor", which the executor can start
 * at directly instead of re-reading and discarding every row before it (`$skip` = rows served would).
 * Values are kept exactly as the rows hold them (strings, numbers, booleans, null; date-times as their ISO text), so
 * the cursor compares with `compareRows` exactly as the row did.
 */
import type { LiteralValue, OrderByItem, Row } from '../odata/ast';
import type { EntitySetDefinition } from '../entity-sets/model';
import { totalOrder } from './plan-query';

/** The cursor of `row` under the total order of `orderby` on `def`. */
export function cursorOf(def: EntitySetDefinition, orderby: OrderByItem[], row: Row): LiteralValue[] {
  return totalOrder(orderby, def.key).map((item) => row[item.property] ?? null);
}

/** The cursor as a row holding just the order's properties, or undefined when it does not fit this order. */
export function rowAtCursor(def: EntitySetDefinition, orderby: OrderByItem[], cursor: readonly LiteralValue[]): Row | undefined {
  const order = totalOrder(orderby, def.key);
  if (cursor.length !== order.length) return undefined;
  const row: Row = {};
  order.forEach((item, index) => {
    row[item.property] = cursor[index];
  });
  return row;
}
