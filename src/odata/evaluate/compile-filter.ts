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
  requireBooleanFilter(expr, entity);
  const evaluate = compileExpression(expr, entity, context);
  return (row) => evaluate(row) === true;
}
