/**
 * Compiles an expression tree into nested closures once per request, so evaluating hundreds of thousands of rows
 * does not re-inspect the tree: each node's operator, types and key functions are chosen at compile time, and
 * subtrees without property references (literals, `now()`, arithmetic on them) are folded to constants.
 *
 * Semantics (OData 4.01 Part 2 §5.1.1):
 * - comparisons never yield null: `eq`/`ne` treat null as a value equal only to itself; `gt`/`lt` are false when
 *   either operand is null; `ge`/`le` are false when one operand is null and true when both are, because null is
 *   equal to itself. 4.01 writes `ge` as "See rules for gt and eq" (ge = gt or eq, and `null eq null` is true);
 *   4.0 says it outright: "If only one operand is null, the operator returns false. If both operands are null, it
 *   returns true because null is equal to itself" (4.0 Part 2 §5.1.1.1.4/§5.1.1.1.6, settled in OASIS issue
 *   ODATA-166 against V3's "false if one or both operands is null"). Both versions agree, so there is one rule;
 * - `and`/`or`/`not` use three-valued logic with null as unknown (`false and null` is false, `true or null` is
 *   true, `not null` is null);
 * - arithmetic and canonical functions return null when an operand is null;
 * - `div` of integers truncates toward zero and fails on a zero divisor, as does `div` of Edm.Decimal and any
 *   `mod` by zero; Edm.Double `div` gives INF/-INF/NaN; `divby` never fails.
 * Evaluation is left to right and short-circuits `and`/`or` and null operands, so a failure (division by zero,
 * negative substring length) surfaces only where the value is needed.
 *
 * Numbers are JavaScript doubles: Edm.Int64 values beyond ±2^53 lose precision (Bitbucket ids and counts fit).
 */
import type { ArithmeticOperator, ComparisonOperator, Expr, LiteralValue, Row } from '../ast';
import type { EdmEntitySet } from '../edm';
import { ODataError } from '../errors';
import { describeExpr } from './describe-expr';
import { FUNCTION_IMPLEMENTATIONS, type Argument } from './function-implementations';
import { inferType } from './infer-type';
import { memberPathError } from './member-path-error';
import {
  PICOS_PER_SECOND,
  addDurationToDate,
  dayNumberOf,
  durationPicosOf,
  formatDateTimeOffset,
  formatDuration,
  instantOf,
  parseDateTimeOffset,
} from './temporal';
import { INTEGER_TYPES, NUMERIC_TYPES, type EvaluationContext, type Evaluate, type ExprType } from './types';
import { comparisonKind, keyFunction, relationOnKeys, type ComparisonKey, type KeyKind } from './value-keys';

interface Node {
  type: ExprType;
  evaluate: Evaluate;
  /** True when the node reads no property, so its value is the same for every row. */
  constant: boolean;
}

interface Environment {
  entity: EdmEntitySet;
  /** `now()` as an ISO string, fixed for the request. */
  now: string;
}

const NO_ROW: Row = Object.freeze({}) as Row;

/** Compiles `expr` (type-checked first; throws ODataError) into a function from a row to the expression's value. */
export function compileExpression(
  expr: Expr,
  entity: EdmEntitySet,
  context: EvaluationContext = { now: new Date() },
): Evaluate {
  inferType(expr, entity);
  return compileNode(expr, { entity, now: context.now.toISOString() }).evaluate;
}

function compileNode(expr: Expr, env: Environment): Node {
  const node = buildNode(expr, env);
  if (!node.constant || expr.kind === 'literal') return node;
  try {
    const value = node.evaluate(NO_ROW);
    return { type: node.type, evaluate: () => value, constant: true };
  } catch {
    // A constant subtree that fails (e.g. `1 div 0`) fails only if a row actually needs it.
    return { ...node, constant: false };
  }
}

function buildNode(expr: Expr, env: Environment): Node {
  const type = inferType(expr, env.entity);
  switch (expr.kind) {
    case 'literal': {
      // A parser may keep Int64/Decimal literals as text to preserve digits; we compute on doubles (see above).
      const value = typeof expr.value === 'string' && NUMERIC_TYPES.has(type) ? Number(expr.value) : expr.value;
      return { type, evaluate: () => value, constant: true };
    }
    case 'property': {
      const name = expr.name;
      return { type, evaluate: (row) => row[name] ?? null, constant: false };
    }
    case 'path':
      // inferType above has refused it already; paths are never evaluated.
      throw memberPathError(expr.segments, env.entity);
    case 'compare':
      return compileComparison(expr.op, compileNode(expr.left, env), compileNode(expr.right, env));
    case 'and':
      return compileAnd(compileNode(expr.left, env), compileNode(expr.right, env));
    case 'or':
      return compileOr(compileNode(expr.left, env), compileNode(expr.right, env));
    case 'not': {
      const operand = compileNode(expr.operand, env).evaluate;
      return {
        type,
        evaluate: (row) => {
          const value = operand(row);
          return value === null ? null : !value;
        },
        constant: false,
      };
    }
    case 'negate':
      return compileNegate(compileNode(expr.operand, env), type);
    case 'arith':
      return compileArithmetic(expr, compileNode(expr.left, env), compileNode(expr.right, env), type);
    case 'in':
      return compileIn(compileNode(expr.operand, env), expr.list.map((item) => compileNode(item, env)));
    case 'call':
      return compileCall(expr, env, type);
  }
}

function isConstant(...nodes: Node[]): boolean {
  return nodes.every((node) => node.constant);
}

/** A node's comparison key per row (null for null or for a value not of the declared form). */
function keyOf(node: Node, kind: KeyKind | 'null'): (row: Row) => ComparisonKey | null {
  const toKey = keyFunction(kind, node.type);
  const evaluate = node.evaluate;
  if (node.constant) {
    // Parse a literal once (e.g. a DateTimeOffset), not once per row.
    const value = evaluate(NO_ROW);
    const key = value === null ? null : (toKey(value) ?? null);
    return () => key;
  }
  return (row) => {
    const value = evaluate(row);
    return value === null ? null : (toKey(value) ?? null);
  };
}

function compileComparison(op: ComparisonOperator, left: Node, right: Node): Node {
  const kind = comparisonKind(left.type, right.type) ?? 'null';
  const leftKey = keyOf(left, kind);
  const rightKey = keyOf(right, kind);
  const constant = isConstant(left, right);
  if (op === 'eq' || op === 'ne') {
    const wanted = op === 'eq';
    // Keys are primitives, so === is value equality: NaN is unequal to itself, null equals only null.
    return {
      type: 'Edm.Boolean',
      evaluate: (row) => (leftKey(row) === rightKey(row)) === wanted,
      constant,
    };
  }
  const relation = relationOnKeys(op, kind);
  // `ge`/`le` hold for two nulls (see the header); `gt`/`lt` never do.
  const orEqual = op === 'ge' || op === 'le';
  return {
    type: 'Edm.Boolean',
    evaluate: (row) => {
      const a = leftKey(row);
      // `gt`/`lt` with a null left operand are decided without the right one (no failure from an unneeded operand).
      if (a === null && !orEqual) return false;
      const b = rightKey(row);
      if (a === null || b === null) return a === b;
      return relation(a, b);
    },
    constant,
  };
}

function compileAnd(left: Node, right: Node): Node {
  const l = left.evaluate;
  const r = right.evaluate;
  return {
    type: 'Edm.Boolean',
    evaluate: (row) => {
      const a = l(row);
      if (a === false) return false;
      const b = r(row);
      if (b === false) return false;
      return a === null || b === null ? null : true;
    },
    constant: isConstant(left, right),
  };
}

function compileOr(left: Node, right: Node): Node {
  const l = left.evaluate;
  const r = right.evaluate;
  return {
    type: 'Edm.Boolean',
    evaluate: (row) => {
      const a = l(row);
      if (a === true) return true;
      const b = r(row);
      if (b === true) return true;
      return a === null || b === null ? null : false;
    },
    constant: isConstant(left, right),
  };
}

function compileNegate(operand: Node, type: ExprType): Node {
  const evaluate = operand.evaluate;
  if (type === 'Edm.Duration') {
    return {
      type,
      evaluate: (row) => {
        const value = evaluate(row);
        const picos = value === null ? undefined : durationPicosOf(value as string);
        return picos === undefined ? null : formatDuration(-picos);
      },
      constant: operand.constant,
    };
  }
  return {
    type,
    evaluate: (row) => {
      const value = evaluate(row);
      return value === null ? null : -(value as number);
    },
    constant: operand.constant,
  };
}

function divisionByZero(expr: Expr, type: ExprType): ODataError {
  return new ODataError('InvalidFilter', {
    reason:
      `${describeExpr(expr)} divides by zero, which fails for ${type} operands (OData 4.01 Part 2 div/mod); ` +
      'use divby for a fractional result or exclude zero divisors',
  });
}

type NumericOperation = (a: number, b: number) => number;

function numericOperation(op: ArithmeticOperator, expr: Expr, type: ExprType): NumericOperation {
  switch (op) {
    case 'add':
      return (a, b) => a + b;
    case 'sub':
      return (a, b) => a - b;
    case 'mul':
      return (a, b) => a * b;
    case 'divby':
      return (a, b) => a / b;
    case 'div':
      if (type === 'Edm.Double') return (a, b) => a / b;
      return (a, b) => {
        if (b === 0) throw divisionByZero(expr, type);
        return INTEGER_TYPES.has(type) ? Math.trunc(a / b) : a / b;
      };
    case 'mod':
      // "The sign of the result is the same as the sign of the left operand" – as JavaScript's %.
      return (a, b) => {
        if (b === 0) throw divisionByZero(expr, type);
        return a % b;
      };
  }
}

type TemporalOperation = (a: string, b: string) => LiteralValue;

/** `add`/`sub` on dates, date-times and durations (Part 2 §5.1.1 Addition, Subtraction), by operand types. */
function temporalOperation(op: ArithmeticOperator, left: ExprType, right: ExprType): TemporalOperation {
  const sign = op === 'sub' ? -1n : 1n;
  if (left === 'Edm.DateTimeOffset' && right === 'Edm.DateTimeOffset') {
    return (a, b) => {
      const x = instantOf(a);
      const y = instantOf(b);
      return x === undefined || y === undefined ? null : formatDuration(x - y);
    };
  }
  if (left === 'Edm.Date' && right === 'Edm.Date') {
    return (a, b) => {
      const x = dayNumberOf(a);
      const y = dayNumberOf(b);
      return x === undefined || y === undefined ? null : formatDuration(BigInt(x - y) * 86_400n * PICOS_PER_SECOND);
    };
  }
  if (left === 'Edm.DateTimeOffset') {
    return (a, b) => {
      const parts = parseDateTimeOffset(a);
      const instant = instantOf(a);
      const duration = durationPicosOf(b);
      if (!parts || instant === undefined || duration === undefined) return null;
      return formatDateTimeOffset(instant + sign * duration, parts.offsetMinutes, parts.offsetText);
    };
  }
  if (left === 'Edm.Date') {
    return (a, b) => {
      const day = dayNumberOf(a);
      const duration = durationPicosOf(b);
      return day === undefined || duration === undefined ? null : addDurationToDate(day, sign * duration);
    };
  }
  return (a, b) => {
    const x = durationPicosOf(a);
    const y = durationPicosOf(b);
    return x === undefined || y === undefined ? null : formatDuration(x + sign * y);
  };
}

const TEMPORAL_RESULT_TYPES = new Set<ExprType>(['Edm.DateTimeOffset', 'Edm.Date', 'Edm.Duration']);

function compileArithmetic(
  expr: Extract<Expr, { kind: 'arith' }>,
  left: Node,
  right: Node,
  type: ExprType,
): Node {
  const l = left.evaluate;
  const r = right.evaluate;
  const constant = isConstant(left, right);
  if (TEMPORAL_RESULT_TYPES.has(type)) {
    const operation = temporalOperation(expr.op, left.type, right.type);
    return {
      type,
      evaluate: (row) => {
        const a = l(row);
        if (a === null) return null;
        const b = r(row);
        return b === null ? null : operation(a as string, b as string);
      },
      constant,
    };
  }
  const operation = numericOperation(expr.op, expr, type);
  return {
    type,
    evaluate: (row) => {
      const a = l(row);
      if (a === null) return null;
      const b = r(row);
      return b === null ? null : operation(a as number, b as number);
    },
    constant,
  };
}

/** `in` (Part 2 §5.1.1 `in`): true when the operand `eq`s a list item; a list of constants becomes a Set. */
function compileIn(operand: Node, list: Node[]): Node {
  const kinds = list.map((item) => comparisonKind(operand.type, item.type) ?? 'null');
  const constant = isConstant(operand, ...list);
  const sharedKind = kinds.every((kind) => kind === kinds[0]) ? kinds[0] : undefined;
  if (sharedKind !== undefined && list.every((item) => item.constant)) {
    const operandKey = keyOf(operand, sharedKind);
    const keys = new Set<ComparisonKey>();
    let hasNull = false;
    for (const item of list) {
      const key = keyOf(item, sharedKind)(NO_ROW);
      if (key === null) hasNull = true;
      // NaN equals nothing (Part 2 `eq`), but Set.has(NaN) would be true; leave it out.
      else if (key === key) keys.add(key);
    }
    return {
      type: 'Edm.Boolean',
      evaluate: (row) => {
        const key = operandKey(row);
        return key === null ? hasNull : keys.has(key);
      },
      constant,
    };
  }
  const pairs = list.map((item, index) => [keyOf(operand, kinds[index]), keyOf(item, kinds[index])] as const);
  return {
    type: 'Edm.Boolean',
    evaluate: (row) => pairs.some(([operandKey, itemKey]) => operandKey(row) === itemKey(row)),
    constant,
  };
}

function compileCall(expr: Extract<Expr, { kind: 'call' }>, env: Environment, type: ExprType): Node {
  if (expr.name === 'now') {
    const now = env.now;
    return { type, evaluate: () => now, constant: true };
  }
  const args = expr.args.map((argument) => compileNode(argument, env));
  const argumentTypes = args.map((argument) => argument.type);
  const evaluators = args.map((argument) => argument.evaluate);
  const implementation = FUNCTION_IMPLEMENTATIONS[expr.name];
  return {
    type,
    evaluate: (row) => {
      const values: Argument[] = [];
      for (const evaluate of evaluators) {
        const value = evaluate(row);
        if (value === null) return null;
        values.push(value);
      }
      return implementation(values, argumentTypes);
    },
    constant: isConstant(...args),
  };
}
