/**
 * Static typing of filter expressions: the type of every node, or a 400 that says what was expected and what was
 * given. Rules (OData 4.01 Part 2 §5.1.1): comparisons need comparable operands (numbers with numbers after
 * numeric promotion, otherwise the same type; the `null` literal goes with anything; Date meets DateTimeOffset, see
 * `dateInstantOf`); `and`/`or`/`not` need Booleans; arithmetic needs numbers, or the date/duration pairs the spec
 * lists for `add`/`sub`; functions follow `FUNCTION_SIGNATURES`.
 */
import type { ArithmeticOperator, EdmType, Expr } from '../ast';
import type { EdmEntitySet } from '../edm';
import { ODataError } from '../errors';
import { describeExpr, describeTyped, valueHint } from './describe-expr';
import { findProperty } from './find-property';
import { FUNCTION_SIGNATURES, type FunctionOverload, type ParameterType } from './function-signatures';
import { memberPathError } from './member-path-error';
import { INTEGER_TYPES, NUMERIC_TYPES, type ExprType } from './types';
import { comparisonKind } from './value-keys';

/** Memo per entity set and node, so compiling (which asks for the type of every node) stays linear. */
const memo = new WeakMap<EdmEntitySet, WeakMap<Expr, ExprType>>();

/** The static type of `expr` over `entity`; throws ODataError (UnknownProperty, TypeMismatch, InvalidFilter). */
export function inferType(expr: Expr, entity: EdmEntitySet): ExprType {
  let forEntity = memo.get(entity);
  if (!forEntity) {
    forEntity = new WeakMap();
    memo.set(entity, forEntity);
  }
  const known = forEntity.get(expr);
  if (known !== undefined) return known;
  const type = computeType(expr, entity);
  forEntity.set(expr, type);
  return type;
}

function typeMismatch(reason: string, culprit: Expr): ODataError {
  return new ODataError('TypeMismatch', { reason }, { target: firstProperty(culprit) ?? '$filter' });
}

function firstProperty(expr: Expr): string | undefined {
  switch (expr.kind) {
    case 'property':
      return expr.name;
    case 'path':
      return expr.segments.join('/');
    case 'literal':
      return undefined;
    case 'compare':
    case 'arith':
    case 'and':
    case 'or':
      return firstProperty(expr.left) ?? firstProperty(expr.right);
    case 'not':
    case 'negate':
      return firstProperty(expr.operand);
    case 'in':
      return firstProperty(expr.operand) ?? expr.list.map(firstProperty).find((name) => name !== undefined);
    case 'call':
      return expr.args.map(firstProperty).find((name) => name !== undefined);
  }
}

function computeType(expr: Expr, entity: EdmEntitySet): ExprType {
  switch (expr.kind) {
    case 'literal':
      return expr.type;
    case 'property':
      return findProperty(entity, expr.name).type;
    case 'path':
      throw memberPathError(expr.segments, entity);
    case 'compare': {
      const left = inferType(expr.left, entity);
      const right = inferType(expr.right, entity);
      if (comparisonKind(left, right) === undefined) {
        // The hint is about the side that names a property: that is the one the client cannot change.
        const rightIsTheProperty = firstProperty(expr.left) === undefined && firstProperty(expr.right) !== undefined;
        const [known, knownType] = rightIsTheProperty ? [expr.right, right] : [expr.left, left];
        throw typeMismatch(
          `The operator '${expr.op}' cannot compare ${describeTyped(expr.left, left)} with ` +
            `${describeTyped(expr.right, right)}. Compare ${describeExpr(known)} with ${valueHint(knownType)}.`,
          expr,
        );
      }
      return 'Edm.Boolean';
    }
    case 'and':
    case 'or':
      requireBoolean(expr.left, entity, `The operator '${expr.kind}'`);
      requireBoolean(expr.right, entity, `The operator '${expr.kind}'`);
      return 'Edm.Boolean';
    case 'not':
      requireBoolean(expr.operand, entity, "The operator 'not'");
      return 'Edm.Boolean';
    case 'negate': {
      const operand = inferType(expr.operand, entity);
      if (operand === 'null' || operand === 'Edm.Duration' || NUMERIC_TYPES.has(operand)) return operand;
      throw typeMismatch(
        "The negation operator '-' expects a number or an Edm.Duration, " +
          `but got ${describeTyped(expr.operand, operand)}.`,
        expr.operand,
      );
    }
    case 'arith':
      return arithmeticType(expr.op, expr.left, expr.right, entity);
    case 'in': {
      const operand = inferType(expr.operand, entity);
      for (const item of expr.list) {
        const itemType = inferType(item, entity);
        if (comparisonKind(operand, itemType) === undefined) {
          throw typeMismatch(
            `The operator 'in' compares ${describeTyped(expr.operand, operand)} with each list item, but got ` +
              `${describeTyped(item, itemType)}. Use ${valueHint(operand)} for every item.`,
            expr,
          );
        }
      }
      return 'Edm.Boolean';
    }
    case 'call':
      return callType(expr, entity);
  }
}

/** Boolean operands; the `null` literal counts as an unknown Boolean (Part 2 `and`/`or`/`not`). */
function requireBoolean(operand: Expr, entity: EdmEntitySet, what: string): void {
  const type = inferType(operand, entity);
  if (type === 'Edm.Boolean' || type === 'null') return;
  throw typeMismatch(
    `${what} expects Edm.Boolean operands, but got ${describeTyped(operand, type)}. ` +
      `Use a comparison such as ${describeExpr(operand)} eq ${sampleLiteral(type)}.`,
    operand,
  );
}

/** A literal of the type for "use a comparison such as …" hints. */
export function sampleLiteral(type: ExprType): string {
  switch (type) {
    case 'Edm.String':
      return "'text'";
    case 'Edm.DateTimeOffset':
      return '2024-05-18T09:29:47Z';
    case 'Edm.Date':
      return '2024-05-18';
    case 'Edm.Guid':
      return '01234567-89ab-cdef-0123-456789abcdef';
    case 'Edm.TimeOfDay':
      return '09:29:47';
    case 'Edm.Duration':
      return "duration'PT1H'";
    case 'Edm.Boolean':
      return 'true';
    case 'null':
      return 'null';
    default:
      return '42';
  }
}

/** Part 2 §5.1.1 "Numeric Promotion": Double, else Decimal, else Int64, else Int32. */
export function promoteNumeric(left: ExprType, right: ExprType): EdmType {
  for (const type of ['Edm.Double', 'Edm.Decimal', 'Edm.Int64'] as const) {
    if (left === type || right === type) return type;
  }
  return 'Edm.Int32';
}

/** Date/time arithmetic the spec allows for `add` and `sub` (Part 2 §5.1.1 Addition, Subtraction). */
const TEMPORAL_ARITHMETIC: Partial<Record<ArithmeticOperator, Array<[EdmType, EdmType, EdmType]>>> = {
  add: [
    ['Edm.DateTimeOffset', 'Edm.Duration', 'Edm.DateTimeOffset'],
    ['Edm.Duration', 'Edm.Duration', 'Edm.Duration'],
    ['Edm.Date', 'Edm.Duration', 'Edm.Date'],
  ],
  sub: [
    ['Edm.DateTimeOffset', 'Edm.Duration', 'Edm.DateTimeOffset'],
    ['Edm.Duration', 'Edm.Duration', 'Edm.Duration'],
    ['Edm.DateTimeOffset', 'Edm.DateTimeOffset', 'Edm.Duration'],
    ['Edm.Date', 'Edm.Duration', 'Edm.Date'],
    ['Edm.Date', 'Edm.Date', 'Edm.Duration'],
  ],
};

function arithmeticType(op: ArithmeticOperator, leftExpr: Expr, rightExpr: Expr, entity: EdmEntitySet): ExprType {
  const left = inferType(leftExpr, entity);
  const right = inferType(rightExpr, entity);
  const numericOrNull = (type: ExprType) => type === 'null' || NUMERIC_TYPES.has(type);
  if (numericOrNull(left) && numericOrNull(right)) {
    if (left === 'null' && right === 'null') return 'null';
    const promoted = promoteNumeric(left, right);
    // `divby` "promotes both operands to decimal" and may yield a fraction; `div` of integers stays integer.
    if (op === 'divby') return promoted === 'Edm.Double' ? 'Edm.Double' : 'Edm.Decimal';
    return promoted;
  }
  const temporal = TEMPORAL_ARITHMETIC[op]?.find(
    ([l, r]) => (left === l || left === 'null') && (right === r || right === 'null'),
  );
  if (temporal) return temporal[2];
  if ((left === 'Edm.Duration' && numericOrNull(right)) || (numericOrNull(left) && right === 'Edm.Duration')) {
    throw new ODataError('NotImplemented', {
      feature: `Multiplying or dividing an Edm.Duration ('${op}')`,
      hint: 'Use add or sub with durations, or compare durations directly.',
    });
  }
  const [culprit, culpritType] = numericOrNull(left) ? [rightExpr, right] : [leftExpr, left];
  const temporalHint = TEMPORAL_ARITHMETIC[op] ? ' (or a date/time and an Edm.Duration)' : '';
  throw typeMismatch(
    `The operator '${op}' expects numeric operands${temporalHint}, but got ${describeTyped(culprit, culpritType)}.`,
    culprit,
  );
}

function accepts(parameter: ParameterType, argument: ExprType): boolean {
  if (argument === 'null') return true;
  if (parameter === 'numeric') return NUMERIC_TYPES.has(argument);
  if (parameter === 'integer') return INTEGER_TYPES.has(argument);
  return parameter === argument;
}

function describeParameter(parameter: ParameterType): string {
  if (parameter === 'numeric') return 'a number';
  if (parameter === 'integer') return 'an integer (Edm.Int32 or Edm.Int64)';
  return parameter;
}

function callType(expr: Extract<Expr, { kind: 'call' }>, entity: EdmEntitySet): ExprType {
  const overloads: FunctionOverload[] | undefined = FUNCTION_SIGNATURES[expr.name];
  if (!overloads) {
    throw new ODataError('InvalidFilter', { reason: `the function '${String(expr.name)}' is not supported` });
  }
  const argumentTypes = expr.args.map((argument) => inferType(argument, entity));
  const sameArity = overloads.filter((overload) => overload.parameters.length === expr.args.length);
  if (sameArity.length === 0) {
    const counts = [...new Set(overloads.map((overload) => overload.parameters.length))].join(' or ');
    throw new ODataError('InvalidFilter', {
      reason:
        `the function ${expr.name} takes ${counts} argument(s), ` +
        `but ${describeExpr(expr)} gives ${expr.args.length}`,
    });
  }
  const match = sameArity.find((overload) =>
    overload.parameters.every((parameter, index) => accepts(parameter, argumentTypes[index])),
  );
  if (match) return typeof match.returns === 'function' ? match.returns(argumentTypes) : match.returns;
  const index = argumentTypes.findIndex(
    (argument, position) => !sameArity.some((overload) => accepts(overload.parameters[position], argument)),
  );
  const position = index === -1 ? 0 : index;
  const expected = [...new Set(sameArity.map((overload) => describeParameter(overload.parameters[position])))];
  throw typeMismatch(
    `The function ${expr.name} expects ${expected.join(' or ')} as argument ${position + 1}, but got ` +
      `${describeTyped(expr.args[position], argumentTypes[position])}.`,
    expr.args[position],
  );
}
