import type { BbqlExpr, BbqlLiteral } from './bbql-ast';

/**
 * Expression rewrites and reads behind the BBQL quirks (sandbox/quirks.ts); pure, so the query library stays free of
 * switches.
 */

/** Every field path `expr` names, in order of appearance. */
export function bbqlPaths(expr: BbqlExpr): string[] {
  return expr.kind === 'and' || expr.kind === 'or' ? expr.operands.flatMap(bbqlPaths) : [expr.path];
}

/**
 * `bbql-millisecond-dates`: the official filtering docs promise datetimes to milliseconds ("milliseconds ...
 * optional"), so a literal's 4th to 6th fraction digits may be dropped. Dropping fraction digits moves the instant
 * back to the start of its millisecond, before 1970 too (the fraction counts forward from the whole second).
 */
export function truncateDatetimeLiteralsToMilliseconds(expr: BbqlExpr): BbqlExpr {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return { ...expr, operands: expr.operands.map(truncateDatetimeLiteralsToMilliseconds) };
    case 'in':
      return { ...expr, values: expr.values.map(truncateLiteral) };
    case 'comparison':
      return { ...expr, value: truncateLiteral(expr.value) };
  }
}

function truncateLiteral(literal: BbqlLiteral): BbqlLiteral {
  return literal.type === 'datetime' ? { ...literal, epochMicros: Math.floor(literal.epochMicros / 1000) * 1000 } : literal;
}
