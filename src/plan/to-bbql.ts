/**
 * Translate the parts of a `$filter` that Bitbucket can evaluate into BBQL (`q=`).
 *
 * The rule (STYLE.md §2, "pushdown narrows, the residual decides"): what goes up must select a SUPERSET of the rows
 * the OData filter selects, and the whole filter is always re-checked here. `exact` reports whether the superset is
 * the exact set, which is what lets `$count`, `$skip` and page sizes be taken from Bitbucket.
 *
 * - A top-level `and` is split into conjuncts; untranslatable conjuncts are dropped (dropping a conjunct widens).
 * - An `or` goes up only when both sides translate (otherwise it is dropped whole).
 * - `contains`/`startswith`/`endswith` go up as `~` (case-insensitive contains): a superset, never exact.
 * - `not` never goes up: BBQL has no unary NOT, and negating null comparisons differs between the two languages.
 * - A date-time literal with digits beyond the millisecond goes up as a millisecond bound on the widening side
 *   (`millisecond-bounds.ts`), never exact.
 */
import type { ComparisonOperator, Expr } from '../odata/ast';
import type { EntitySetDefinition, PropertyDefinition } from '../entity-sets/model';
import { bbqlLiteral, bbqlString } from './bbql-literal';
import { millisecondBounds } from './millisecond-bounds';
import { isRefused } from './pushdown-refusals';
import { conjuncts } from '../odata/conjuncts';

export interface BbqlTranslation {
  /** BBQL text for `q=`, or undefined when nothing could be pushed. */
  q?: string;
  /** True when `q` selects exactly the rows the filter selects. */
  exact: boolean;
  /**
   * The conjuncts ANDed into `q`, each with the BBQL fields it names: what the executor withdraws one by one when
   * Bitbucket refuses `q` (`execute-query.ts`). Absent when nothing was pushed.
   */
  conjuncts?: BbqlConjunct[];
}

export interface BbqlConjunct {
  text: string;
  fields: string[];
}

interface Piece {
  text: string;
  exact: boolean;
  fields: string[];
}

const BBQL_OPERATOR: Record<ComparisonOperator, string> = { eq: '=', ne: '!=', gt: '>', ge: '>=', lt: '<', le: '<=' };
const MIRRORED: Record<ComparisonOperator, ComparisonOperator> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };

/** Bitbucket refused this property's field in `q` before (`pushdown-refusals.ts`): it stays here. */
function refusedField(def: EntitySetDefinition, property: PropertyDefinition): boolean {
  return property.filter !== undefined && isRefused(def.name, 'q', property.filter.field);
}

function findProperty(def: EntitySetDefinition, expr: Expr): PropertyDefinition | undefined {
  return expr.kind === 'property' ? def.properties.find((p) => p.name === expr.name) : undefined;
}

function translateComparison(def: EntitySetDefinition, expr: Extract<Expr, { kind: 'compare' }>): Piece | undefined {
  let { op, left, right } = expr;
  if (left.kind === 'literal' && right.kind === 'property') {
    [left, right] = [right, left];
    op = MIRRORED[op];
  }
  const property = findProperty(def, left);
  if (!property?.filter || right.kind !== 'literal' || refusedField(def, property)) return undefined;
  const literalTypeFits = right.type === 'null' || right.type === property.type || (property.type === 'Edm.Int64' && right.type === 'Edm.Int32');
  if (!literalTypeFits) return undefined;
  // Only equality with null has a BBQL form (`= null`, `!= null`). An order comparison with null is false in OData
  // unless both sides are null (`ge`/`le`: null equals itself, Part 2 §5.1.1.1.4), and Bitbucket refuses it
  // (`id >= null` → 400): such a conjunct stays here.
  if (right.type === 'null' && op !== 'eq' && op !== 'ne') return undefined;
  if (property.type === 'Edm.DateTimeOffset' && typeof right.value === 'string') return translateDateTime(property, op, right.value);
  const literal = bbqlLiteral(right.type === 'null' ? 'null' : property.type, right.value);
  if (literal === undefined) return undefined;
  const fields = [property.filter.field];
  if (property.filter.exact.includes(op)) return { text: `${property.filter.field} ${BBQL_OPERATOR[op]} ${literal}`, exact: true, fields };
  // Equality implies case-insensitive containment, so `~` is a superset of `eq` for a non-null string.
  if (op === 'eq' && property.filter.containsSuperset && typeof right.value === 'string') {
    return { text: `${property.filter.field} ~ ${bbqlString(right.value)}`, exact: false, fields };
  }
  return undefined;
}

/**
 * A date-time comparison, its literal cut to milliseconds (Bitbucket's documented precision). When the literal has
 * digits beyond the millisecond, the bound widens to the millisecond on each side: `lt`/`le` → `<= ceil`, `gt`/`ge`
 * → `>= floor`, `eq` → both (a range); `ne` does not go up. Inclusive operators on purpose: they stay supersets
 * whether Bitbucket compares its stored microseconds exactly or cuts them to milliseconds too (`> floor` would
 * lose a row stored within `floor`'s millisecond if it cut them).
 */
function translateDateTime(property: PropertyDefinition, op: ComparisonOperator, value: string): Piece | undefined {
  const filter = property.filter;
  const bounds = millisecondBounds(value);
  if (!filter || !bounds) return undefined;
  const compare = (bbqlOp: ComparisonOperator, text: string): string | undefined => {
    const literal = bbqlLiteral('Edm.DateTimeOffset', text);
    return literal === undefined ? undefined : `${filter.field} ${BBQL_OPERATOR[bbqlOp]} ${literal}`;
  };
  if (!bounds.widened) {
    const text = filter.exact.includes(op) ? compare(op, bounds.floor) : undefined;
    return text === undefined ? undefined : { text, exact: true, fields: [filter.field] };
  }
  const lower = filter.exact.includes('ge') ? compare('ge', bounds.floor) : undefined;
  const upper = filter.exact.includes('le') ? compare('le', bounds.ceil) : undefined;
  // `eq` becomes a range only on a property that declares `eq` exact: the range is that comparison, widened.
  const pieces = op === 'lt' || op === 'le' ? [upper] : op === 'gt' || op === 'ge' ? [lower] : op === 'eq' && filter.exact.includes('eq') ? [lower, upper] : [];
  if (pieces.length === 0 || pieces.some((piece) => piece === undefined)) return undefined;
  return joinPieces(pieces.map((text) => ({ text: text as string, exact: false, fields: [filter.field] })), 'AND');
}

function translateCall(def: EntitySetDefinition, expr: Extract<Expr, { kind: 'call' }>): Piece | undefined {
  if (!['contains', 'startswith', 'endswith'].includes(expr.name) || expr.args.length !== 2) return undefined;
  const [subject, needle] = expr.args;
  const property = findProperty(def, subject);
  if (!property?.filter?.containsSuperset || needle.kind !== 'literal' || typeof needle.value !== 'string' || refusedField(def, property)) return undefined;
  return { text: `${property.filter.field} ~ ${bbqlString(needle.value)}`, exact: false, fields: [property.filter.field] };
}

function translateIn(def: EntitySetDefinition, expr: Extract<Expr, { kind: 'in' }>): Piece | undefined {
  const pieces = expr.list.map((item) => translateComparison(def, { kind: 'compare', op: 'eq', left: expr.operand, right: item }));
  if (pieces.length === 0 || pieces.some((piece) => piece === undefined)) return undefined;
  return joinPieces(pieces as Piece[], 'OR');
}

function joinPieces(pieces: Piece[], joiner: 'AND' | 'OR'): Piece {
  if (pieces.length === 1) return pieces[0];
  return { text: `(${pieces.map((p) => p.text).join(` ${joiner} `)})`, exact: pieces.every((p) => p.exact), fields: [...new Set(pieces.flatMap((p) => p.fields))] };
}

/** Translate one expression completely, or not at all. */
function translateWhole(def: EntitySetDefinition, expr: Expr): Piece | undefined {
  switch (expr.kind) {
    case 'compare':
      return translateComparison(def, expr);
    case 'call':
      return translateCall(def, expr);
    case 'in':
      return translateIn(def, expr);
    case 'and': {
      const left = translateWhole(def, expr.left);
      const right = translateWhole(def, expr.right);
      return left && right ? joinPieces([left, right], 'AND') : undefined;
    }
    case 'or': {
      const left = translateWhole(def, expr.left);
      const right = translateWhole(def, expr.right);
      return left && right ? joinPieces([left, right], 'OR') : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Translate `filter` for `def`. `skip` lists conjuncts already honoured another way (route path parameters), which
 * count as exact without going into `q`.
 */
export function toBbql(def: EntitySetDefinition, filter: Expr | undefined, skip: ReadonlySet<Expr> = new Set()): BbqlTranslation {
  let exact = true;
  const pieces: Piece[] = [];
  for (const conjunct of conjuncts(filter)) {
    if (skip.has(conjunct)) continue;
    const piece = def.list?.supportsQuery ? translateWhole(def, conjunct) : undefined;
    if (!piece) {
      exact = false;
      continue;
    }
    exact &&= piece.exact;
    pieces.push(piece);
  }
  if (pieces.length === 0) return { exact };
  return { q: pieces.map((p) => p.text).join(' AND '), exact, conjuncts: pieces.map(({ text, fields }) => ({ text, fields })) };
}
