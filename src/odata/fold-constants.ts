/**
 * Constant predicates of a `$filter`, folded away: a pure simplification over our AST that selects exactly the same
 * rows (OData 4.01 Part 2 §5.1.1: `and`/`or`/`not` in three-valued logic, `eq` as code-point equality).
 *
 * - A Boolean subtree that reads no property and does not call `now()` is evaluated once (`1 eq 2` → false,
 *   `1 eq 1` → true); one that fails (`1 div 0 eq 1`) stays, so its error still shows where a row needs it.
 * - `x and false` → false, `x and true` → x, `x or true` → true, `x or false` → x, `not true` → false: only when `x`
 *   cannot fail (no `div`/`mod`, no `substring`), since OData evaluates it first and its error must not be hidden.
 * - Top-level conjuncts that fix one property to disjoint sets of values (`State eq 'OPEN' and State eq 'MERGED'`,
 *   `Id eq 1 and Id in (2,3)`) are false: `eq` is false for null too, so no row can hold both. Only for literal types
 *   whose equality is their JavaScript value's (strings by code point, integers, Booleans); a date-time or a GUID can
 *   be spelled two ways for one value, so they are never compared here.
 *
 * The answer: the simplified filter; `undefined` when it is constant true (no filter); the literal `false` when no
 * row can match (`isConstantFalse`), which the planner answers without asking anyone.
 */
import type { Expr, LiteralValue } from './ast';
import type { EdmEntitySet } from './edm';
import { compileExpression } from './evaluate';
import { conjuncts } from './conjuncts';
import { deepFreeze } from './deep-freeze';
import { callsNow, someNode } from './some-node';

const FALSE: Expr = { kind: 'literal', type: 'Edm.Boolean', value: false };
const TRUE: Expr = { kind: 'literal', type: 'Edm.Boolean', value: true };

/** Literal types whose values are equal exactly when their JavaScript values are (see above). */
const COMPARABLE_BY_VALUE = new Set(['Edm.String', 'Edm.Int32', 'Edm.Int64', 'Edm.Boolean']);

export function isConstantFalse(expr: Expr | undefined): boolean {
  return expr?.kind === 'literal' && expr.value === false;
}

function isBooleanLiteral(expr: Expr, value: boolean): boolean {
  return expr.kind === 'literal' && expr.value === value;
}

/** Reads no property (so it has one value for every row) and does not depend on the request's time. */
function isClosed(expr: Expr): boolean {
  return !someNode(expr, (node) => node.kind === 'property' || node.kind === 'path' || callsNow(node));
}

/** May raise an error when evaluated (a zero divisor, a negative substring length; `divby` never fails). */
function mayFail(expr: Expr): boolean {
  return someNode(expr, (node) => (node.kind === 'arith' && (node.op === 'div' || node.op === 'mod')) || (node.kind === 'call' && node.name === 'substring'));
}

function evaluateClosed(expr: Expr, entity: EdmEntitySet): Expr {
  if (expr.kind === 'literal' || !isClosed(expr)) return expr;
  try {
    const value = compileExpression(expr, entity, { now: new Date(0) })({});
    return value === true ? TRUE : value === false ? FALSE : expr;
  } catch {
    return expr;
  }
}

function fold(expr: Expr, entity: EdmEntitySet): Expr {
  switch (expr.kind) {
    case 'and': {
      const left = fold(expr.left, entity);
      const right = fold(expr.right, entity);
      if (isBooleanLiteral(left, true) && !mayFail(right)) return right;
      if (isBooleanLiteral(right, true) && !mayFail(left)) return left;
      if ((isBooleanLiteral(left, false) && !mayFail(right)) || (isBooleanLiteral(right, false) && !mayFail(left))) return FALSE;
      return left === expr.left && right === expr.right ? expr : { kind: 'and', left, right };
    }
    case 'or': {
      const left = fold(expr.left, entity);
      const right = fold(expr.right, entity);
      if (isBooleanLiteral(left, false) && !mayFail(right)) return right;
      if (isBooleanLiteral(right, false) && !mayFail(left)) return left;
      if ((isBooleanLiteral(left, true) && !mayFail(right)) || (isBooleanLiteral(right, true) && !mayFail(left))) return TRUE;
      return left === expr.left && right === expr.right ? expr : { kind: 'or', left, right };
    }
    case 'not': {
      const operand = fold(expr.operand, entity);
      if (operand.kind === 'literal' && typeof operand.value === 'boolean') return operand.value ? FALSE : TRUE;
      return operand === expr.operand ? expr : { kind: 'not', operand };
    }
    default:
      return evaluateClosed(expr, entity);
  }
}

/** The values `expr` allows for one property (`P eq v`, `v eq P`, `P in (…)`), when they compare by value. */
function allowedValues(expr: Expr): { property: string; values: LiteralValue[] } | undefined {
  const comparable = (item: Expr): item is Extract<Expr, { kind: 'literal' }> => item.kind === 'literal' && item.value !== null && COMPARABLE_BY_VALUE.has(item.type);
  if (expr.kind === 'compare' && expr.op === 'eq') {
    const [property, literal] = expr.left.kind === 'property' ? [expr.left, expr.right] : [expr.right, expr.left];
    if (property.kind === 'property' && comparable(literal)) return { property: property.name, values: [literal.value] };
  }
  if (expr.kind === 'in' && expr.operand.kind === 'property' && expr.list.every(comparable)) {
    return { property: expr.operand.name, values: expr.list.map((item) => (item as { value: LiteralValue }).value) };
  }
  return undefined;
}

/** Top-level conjuncts that no row can satisfy together (disjoint allowed values for one property). */
function contradicts(parts: Expr[]): boolean {
  if (parts.some(mayFail)) return false;
  const allowed = new Map<string, { values: LiteralValue[]; types: Set<string> }>();
  for (const part of parts) {
    const found = allowedValues(part);
    if (!found) continue;
    const types = literalTypes(part);
    const known = allowed.get(found.property);
    if (!known) {
      allowed.set(found.property, { values: found.values, types });
      continue;
    }
    // Values of different literal types (an Int32 and an Int64 spelling) are not compared: no fold.
    if ([...types].some((type) => !known.types.has(type)) || [...known.types].some((type) => !types.has(type))) continue;
    known.values = known.values.filter((value) => found.values.includes(value));
    if (known.values.length === 0) return true;
  }
  return false;
}

function literalTypes(expr: Expr): Set<string> {
  const items = expr.kind === 'in' ? expr.list : expr.kind === 'compare' ? [expr.left, expr.right] : [];
  return new Set(items.filter((item) => item.kind === 'literal').map((item) => (item as { type: string }).type));
}

/**
 * Folded filters per entity set and tree. A frozen tree (`parseFilterCached` hands the same one out for the same
 * `$filter` text) cannot change, and folding reads nothing of the request (`now()` is never folded), so the next
 * request with that filter takes the same answer, frozen in turn: the planner folds on every read, and a constant
 * filter (`1 eq 2`) is evaluated by compiling it, 5–13 µs of an answer's CPU under load (issue #15).
 */
const foldedTrees = new WeakMap<EdmEntitySet, WeakMap<Expr, { folded: Expr | undefined }>>();

export function foldConstants(filter: Expr | undefined, entity: EdmEntitySet): Expr | undefined {
  if (!filter) return undefined;
  if (!Object.isFrozen(filter)) return foldOnce(filter, entity);
  let forEntity = foldedTrees.get(entity);
  if (!forEntity) foldedTrees.set(entity, (forEntity = new WeakMap()));
  let known = forEntity.get(filter);
  if (!known) forEntity.set(filter, (known = { folded: deepFreeze(foldOnce(filter, entity)) }));
  return known.folded;
}

function foldOnce(filter: Expr, entity: EdmEntitySet): Expr | undefined {
  const folded = fold(filter, entity);
  if (isBooleanLiteral(folded, true)) return undefined;
  if (contradicts(conjuncts(folded))) return FALSE;
  return folded;
}
