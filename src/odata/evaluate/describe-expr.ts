/**
 * Writes an expression back in OData URL syntax for error messages ("… but Title is Edm.String"), so a message
 * quotes what the client wrote rather than our tree. Long expressions are shortened.
 */
import type { Expr, LiteralValue } from '../ast';
import type { ExprType } from './types';

const MAX_LENGTH = 60;

export function describeExpr(expr: Expr): string {
  const text = write(expr);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}

function writeLiteral(type: ExprType, value: LiteralValue): string {
  if (value === null) return 'null';
  if (type === 'Edm.String') return `'${String(value).replace(/'/g, "''")}'`;
  if (type === 'Edm.Duration') return `duration'${String(value)}'`;
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'INF' : '-INF';
  return String(value);
}

function writeOperand(expr: Expr): string {
  const nested = expr.kind === 'and' || expr.kind === 'or' || expr.kind === 'compare' || expr.kind === 'arith';
  return nested ? `(${write(expr)})` : write(expr);
}

function write(expr: Expr): string {
  switch (expr.kind) {
    case 'literal':
      return writeLiteral(expr.type, expr.value);
    case 'property':
      return expr.name;
    case 'path':
      return expr.segments.join('/');
    case 'compare':
    case 'arith':
      return `${writeOperand(expr.left)} ${expr.op} ${writeOperand(expr.right)}`;
    case 'and':
    case 'or':
      return `${writeOperand(expr.left)} ${expr.kind} ${writeOperand(expr.right)}`;
    case 'not':
      return `not ${writeOperand(expr.operand)}`;
    case 'negate':
      return `-${writeOperand(expr.operand)}`;
    case 'in':
      return `${writeOperand(expr.operand)} in (${expr.list.map(write).join(',')})`;
    case 'call':
      return `${expr.name}(${expr.args.map(write).join(',')})`;
  }
}

/** How to write a value of a type, for the "what to change" half of a message. */
export function valueHint(type: ExprType): string {
  switch (type) {
    case 'Edm.Int32':
    case 'Edm.Int64':
    case 'Edm.Decimal':
    case 'Edm.Double':
      return 'a number such as 42';
    case 'Edm.String':
      return "a string in single quotes such as 'text'";
    case 'Edm.Boolean':
      return 'true or false';
    case 'Edm.DateTimeOffset':
      return 'a date-time such as 2024-05-18T09:29:47Z (no quotes)';
    case 'Edm.Date':
      return 'a date such as 2024-05-18 (no quotes)';
    case 'Edm.Guid':
      return 'a GUID such as 01234567-89ab-cdef-0123-456789abcdef (no quotes)';
    case 'Edm.TimeOfDay':
      return 'a time such as 09:29:47 (no quotes)';
    case 'Edm.Duration':
      return "a duration such as duration'P1DT2H'";
    case 'null':
      return 'null';
  }
}

/** "Title (Edm.String)", "'abc' (Edm.String)", "null (untyped null)". */
export function describeTyped(expr: Expr, type: ExprType): string {
  return `${describeExpr(expr)} (${type === 'null' ? 'untyped null' : type})`;
}
