/**
 * `$filter` as a row predicate. "Only items where the expression evaluates to true are included in the response.
 * Resources for which the expression evaluates to false or to null … are omitted" (OData 4.01 Part 2 §5.1.1
 * System Query Option $filter) — so a null (unknown) result excludes the row.
 */
import type { Expr, Row } from '../ast';
import type { EdmEntitySet } from '../edm';
import { ODataError } from '../errors';
import { compileExpression } from './compile-expression';
import { describeExpr, describeTyped } from './describe-expr';
import { inferType, sampleLiteral } from './infer-type';
import { callsNow, someNode } from '../some-node';
import type { EvaluationContext } from './types';

/** Throws a TypeMismatch unless the expression is Boolean (the `null` literal counts: it filters out every row). */
export function requireBooleanFilter(expr: Expr, entity: EdmEntitySet): void {
  const type = inferType(expr, entity);
  if (type === 'Edm.Boolean' || type === 'null') return;
  throw new ODataError(
    'TypeMismatch',
    {
      reason:
        `The $filter expression must be Edm.Boolean, but got ${describeTyped(expr, type)}. ` +
        `Compare it with a value, e.g. $filter=${describeExpr(expr)} eq ${sampleLiteral(type)}.`,
    },
    { target: expr.kind === 'property' ? expr.name : '$filter' },
  );
}

export function compileFilter(
  expr: Expr,
  entity: EdmEntitySet,
  context?: EvaluationContext,
): (row: Row) => boolean {
  const reusable = Object.isFrozen(expr);
  if (reusable) {
    const found = compiled.get(entity)?.get(expr);
    if (found) return found;
  }
  requireBooleanFilter(expr, entity);
  const evaluate = compileExpression(expr, entity, context);
  const predicate = (row: Row) => evaluate(row) === true;
  if (reusable && !readsNow(expr)) {
    let forEntity = compiled.get(entity);
    if (!forEntity) compiled.set(entity, (forEntity = new WeakMap()));
    forEntity.set(expr, predicate);
  }
  return predicate;
}

/**
 * Predicates compiled already, per entity set and tree: a frozen tree (`parseFilterCached` hands the same one out for
 * the same `$filter` text) cannot change, and a predicate that does not call `now()` reads nothing of the request, so
 * the next request with that filter takes it as it is. Compiling a two-conjunct filter cost 13.5 µs of an answer's CPU
 * under load (issue #15: CPU per answer page). A tree that calls `now()` is compiled per request: `now()` is the
 * request's (Part 2 §5.1.1.8).
 */
const compiled = new WeakMap<EdmEntitySet, WeakMap<Expr, (row: Row) => boolean>>();

/** Calls `now()` anywhere. */
function readsNow(expr: Expr): boolean {
  return someNode(expr, callsNow);
}
