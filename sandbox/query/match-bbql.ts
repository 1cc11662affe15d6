import type { BbqlComparisonOperator, BbqlExpr, BbqlLiteral } from './bbql-ast';
import { compareCodePoints } from './compare-strings';
import { parseIsoInstant } from './iso-instant';
import { describeLiteral } from './describe-literal';
import { queryErrors } from './query-errors';
import { resolvePath } from './resolve-path';

export interface BbqlFieldOptions {
  /**
   * Which dotted paths the endpoint lets clients filter on. Bitbucket accepts "in principle every element" of the
   * item's schema but rejects others with 400; an endpoint passes its list here. Without it every path is allowed
   * and a path the item does not have is simply absent (null).
   */
  fieldAllowed?: (path: string) => boolean;
}

/** Throws 400 `Field ".x" does not support filtering` for the first path in `expr` that `allowed` rejects. */
export function validateBbqlFields(expr: BbqlExpr, allowed: (path: string) => boolean): void {
  if (expr.kind === 'and' || expr.kind === 'or') {
    for (const operand of expr.operands) validateBbqlFields(operand, allowed);
  } else if (!allowed(expr.path)) {
    throw queryErrors.fieldNotFilterable(expr.path);
  }
}

/**
 * Whether `item` satisfies `expr`. Semantics (README.md, "Evaluation"):
 * - a path that crosses an array matches when ANY element matches (SQL-join semantics);
 * - `!=`, `!~` and `NOT IN` are the exact complement of `=`, `~` and `IN`: a null value or an array with no
 *   matching element satisfies them (Django's `exclude()` semantics, which Bitbucket Cloud is built on);
 * - a null/absent value satisfies only `= null`, `IN (..., null)` and the negative operators;
 * - `~` is a case-insensitive substring test; `=` on strings is exact; strings order by code point;
 * - datetimes compare as instants with microsecond precision;
 * - a literal of the wrong type for a non-null value is a 400, checked lazily, value by value.
 */
export function matchesBbql(expr: BbqlExpr, item: unknown, options: BbqlFieldOptions = {}): boolean {
  if (options.fieldAllowed) validateBbqlFields(expr, options.fieldAllowed);
  return evaluate(expr, item);
}

function evaluate(expr: BbqlExpr, item: unknown): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.operands.every((operand) => evaluate(operand, item));
    case 'or':
      return expr.operands.some((operand) => evaluate(operand, item));
    case 'in': {
      const { candidates } = resolvePath(item, expr.path);
      // Every list value is checked against each candidate (no short-circuit), so a mixed-type list such as
      // ("OPEN", 1) is a 400 whether or not an earlier value matched.
      const found = candidates.some((candidate) =>
        expr.values.map((value) => holds(expr.path, '=', candidate, value)).includes(true),
      );
      return expr.negated ? !found : found;
    }
    case 'comparison': {
      const { candidates } = resolvePath(item, expr.path);
      const positive = POSITIVE_OF[expr.operator];
      const found = candidates.some((candidate) => holds(expr.path, positive ?? expr.operator, candidate, expr.value));
      return positive ? !found : found;
    }
  }
}

/** The negative operators, mapped to the positive operator they complement. */
const POSITIVE_OF: Partial<Record<BbqlComparisonOperator, BbqlComparisonOperator>> = { '!=': '=', '!~': '~' };

type PositiveOperator = '=' | '~' | '>' | '>=' | '<' | '<=';

/** One candidate value against one literal, for a positive operator. */
function holds(path: string, operator: BbqlComparisonOperator, candidate: unknown, literal: BbqlLiteral): boolean {
  const op = operator as PositiveOperator;
  if (literal.type === 'null') return op === '=' && candidate === null;
  if (candidate === null) return false;
  switch (literal.type) {
    case 'string': {
      const text = expectType(path, candidate, 'string', literal);
      if (op === '~') return text.toLowerCase().includes(literal.value.toLowerCase());
      return ordered(op, compareCodePoints(text, literal.value));
    }
    case 'number':
      return ordered(op, Math.sign(expectType(path, candidate, 'number', literal) - literal.value));
    case 'boolean':
      return expectType(path, candidate, 'boolean', literal) === literal.value;
    case 'datetime': {
      const text = expectType(path, candidate, 'string', literal);
      const instant = parseIsoInstant(text);
      if (instant === undefined) {
        throw queryErrors.typeMismatch(path, `it holds text such as ${JSON.stringify(text)}, which cannot be compared with ${describeLiteral(literal)}`);
      }
      return ordered(op, Math.sign(instant - literal.epochMicros));
    }
  }
}

function ordered(op: PositiveOperator, order: number): boolean {
  switch (op) {
    case '=':
      return order === 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '~':
      return false;
  }
}

type TypeName = 'string' | 'number' | 'boolean';
type TypeOf<T extends TypeName> = T extends 'string' ? string : T extends 'number' ? number : boolean;

function expectType<T extends TypeName>(path: string, candidate: unknown, type: T, literal: BbqlLiteral): TypeOf<T> {
  if (typeof candidate === type) return candidate as TypeOf<T>;
  throw queryErrors.typeMismatch(path, `it holds ${describeValueType(candidate)}, which cannot be compared with ${describeLiteral(literal)}`);
}

function describeValueType(value: unknown): string {
  if (Array.isArray(value)) return 'lists';
  if (typeof value === 'object') return 'objects';
  if (typeof value === 'string') return 'text';
  return `${typeof value}s`;
}
