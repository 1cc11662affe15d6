/**
 * Where an upstream stream's rows lie relative to a keyset cursor (`src/paging/keyset-cursor.ts`), from the values
 * that are constant within the stream (its route parameters: Workspace, RepositorySlug…). Two uses, both only where
 * exactly implied by "row comes after the cursor in the total order" (which the executor still checks on every row):
 * - a stream whose constants sort before the cursor's holds no row after it: skip it without any upstream call;
 * - otherwise the first order item that varies within the stream gives a bound every row after the cursor meets
 *   (`Id gt 42` in the cursor's own repository under key order, `CreatedOn le …` under `CreatedOn desc`), which the
 *   executor may push into BBQL `q` when the property declares the operator exact.
 * An order completed by upstream positions (`answerOrder`) has only constant items: the cursor's own stream holds the
 * rows after the cursor's position, with no bound Bitbucket could evaluate.
 *
 * Order semantics are compareRows' (OData 4.01 Part 1 §11.2.6.2): nulls first ascending and last descending.
 */
import type { Expr, LiteralValue, OrderByItem, Row } from '../odata/ast';
import type { EdmEntitySet } from '../odata/edm';
import { compareRows } from '../odata/evaluate';
import type { EntitySetDefinition, PropertyDefinition } from '../entity-sets/model';

export type StreamPosition =
  /** Every row the stream can hold is at or before the cursor. */
  | { kind: 'before' }
  /** Rows after the cursor may be in the stream; each of them satisfies `bound`, when there is one. */
  | { kind: 'after'; bound?: Expr };

const BEFORE: StreamPosition = { kind: 'before' };
/** No row of the stream can follow the cursor (a descending order whose cursor already reached the nulls). */
const NOTHING_AFTER = Symbol('nothing after');

const NULL_LITERAL: Expr = { kind: 'literal', type: 'null', value: null };

function comparison(op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', property: PropertyDefinition, value: LiteralValue): Expr {
  const right: Expr = value === null ? NULL_LITERAL : { kind: 'literal', type: property.type, value };
  return { kind: 'compare', op, left: { kind: 'property', name: property.name }, right };
}

/**
 * A date-time cut to whole seconds, down (`floor`) or up (`ceil`), as ISO text; undefined when it is not ISO text.
 * Bounds on date-times are widened to whole seconds so that they stay supersets even if Bitbucket compared at a
 * coarser precision than the microseconds it prints (its documentation does not say).
 */
function wholeSecond(value: string, direction: 'floor' | 'ceil'): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!match) return undefined;
  const [, minutes, seconds = ':00', fraction = '', offset] = match;
  const floor = `${minutes}${seconds}${offset}`;
  if (direction === 'floor' || !/[1-9]/.test(fraction)) return floor;
  const instant = Date.parse(floor);
  return Number.isNaN(instant) ? undefined : new Date(instant + 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * What every row after the cursor satisfies on `item`, when the rows tie with the cursor on every item before it:
 * `strict` when a tie on `item` too would put the row at or before the cursor.
 */
function boundOn(property: PropertyDefinition, item: OrderByItem, value: LiteralValue, strict: boolean): Expr | undefined | typeof NOTHING_AFTER {
  const dateTime = property.type === 'Edm.DateTimeOffset';
  if (item.direction === 'asc') {
    // Ascending, nulls first: after a null cursor come the other nulls (ties) and every non-null value.
    if (value === null) return strict ? comparison('ne', property, null) : undefined;
    if (!dateTime) return comparison(strict ? 'gt' : 'ge', property, value);
    const floor = typeof value === 'string' ? wholeSecond(value, 'floor') : undefined;
    return floor === undefined ? undefined : comparison('ge', property, floor);
  }
  // Descending, nulls last: after a null cursor come only nulls.
  if (value === null) return strict ? NOTHING_AFTER : comparison('eq', property, null);
  let bound: Expr | undefined;
  if (!dateTime) bound = comparison(strict ? 'lt' : 'le', property, value);
  else {
    const ceil = typeof value === 'string' ? wholeSecond(value, 'ceil') : undefined;
    bound = ceil === undefined ? undefined : comparison('le', property, ceil);
  }
  if (bound === undefined || !property.nullable) return bound;
  return { kind: 'or', left: bound, right: comparison('eq', property, null) };
}

/**
 * The positioner for one cursor: give it the constants of a stream (property → value, typed like the rows; a
 * partially resolved stream gives the constants known so far) and it says where that stream lies.
 */
export function positionAfterCursor(
  def: EntitySetDefinition,
  edm: EdmEntitySet,
  order: OrderByItem[],
  after: Row,
  byUpstreamPosition = false,
): (constants: Row) => StreamPosition {
  const onItem = order.map((item) => compareRows([item], [], edm));
  const properties = order.map((item) => def.properties.find((property) => property.name === item.property));
  return (constants) => {
    const known = (item: OrderByItem) => Object.hasOwn(constants, item.property);
    for (let index = 0; index < order.length; index++) {
      const item = order[index];
      if (known(item)) {
        const position = onItem[index](constants, after);
        if (position < 0) return BEFORE;
        if (position > 0) return { kind: 'after' };
        continue;
      }
      // The first item that varies within the stream, every earlier one tied with the cursor. A tie on it too is
      // "after" only if the remaining items (all constant) put the stream after the cursor, or tie with it where
      // upstream positions follow (rows later in the cursor's own stream).
      const rest = order.slice(index + 1);
      const restOrder = rest.every(known) ? compareRows(rest, [], edm)(constants, after) : undefined;
      const strict = restOrder !== undefined && (restOrder < 0 || (restOrder === 0 && !byUpstreamPosition));
      const property = properties[index];
      const bound = property ? boundOn(property, item, after[item.property] ?? null, strict) : undefined;
      return bound === NOTHING_AFTER ? BEFORE : { kind: 'after', bound };
    }
    // Every order item is constant and ties with the cursor: this is the cursor's stream. Ordered by upstream
    // position, its rows after the cursor's position follow; otherwise it holds at most the cursor's own row.
    return byUpstreamPosition ? { kind: 'after' } : BEFORE;
  };
}
