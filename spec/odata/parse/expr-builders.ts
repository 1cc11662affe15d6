/** Builders for expected parser output (src/odata/ast.ts `Expr`), so the spec tables read like the filters they test. */
import type { ArithmeticOperator, ComparisonOperator, EdmType, Expr, FunctionName, LiteralValue } from '../../../src/odata/ast';

export const prop = (name: string): Expr => ({ kind: 'property', name });
export const lit = (type: EdmType | 'null', value: LiteralValue): Expr => ({ kind: 'literal', type, value });
export const str = (value: string): Expr => lit('Edm.String', value);
export const int32 = (value: number): Expr => lit('Edm.Int32', value);
export const int64 = (value: number): Expr => lit('Edm.Int64', value);
export const dec = (value: number): Expr => lit('Edm.Decimal', value);
export const dbl = (value: number): Expr => lit('Edm.Double', value);
export const bool = (value: boolean): Expr => lit('Edm.Boolean', value);
export const NULL: Expr = lit('null', null);

export const cmp = (op: ComparisonOperator, left: Expr, right: Expr): Expr => ({ kind: 'compare', op, left, right });
export const arith = (op: ArithmeticOperator, left: Expr, right: Expr): Expr => ({ kind: 'arith', op, left, right });
export const and = (left: Expr, right: Expr): Expr => ({ kind: 'and', left, right });
export const or = (left: Expr, right: Expr): Expr => ({ kind: 'or', left, right });
export const not = (operand: Expr): Expr => ({ kind: 'not', operand });
export const neg = (operand: Expr): Expr => ({ kind: 'negate', operand });
export const isIn = (operand: Expr, ...list: Expr[]): Expr => ({ kind: 'in', operand, list });
export const call = (name: FunctionName, ...args: Expr[]): Expr => ({ kind: 'call', name, args });
