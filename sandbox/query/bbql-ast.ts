/**
 * The parsed form of a BBQL (`q`) expression. Bitbucket's grammar ("Filter and sort API objects",
 * developer.atlassian.com/cloud/bitbucket/rest/intro/#filtering): comparisons joined by AND / OR, with parentheses.
 * There is no unary NOT; negation exists only as `!=`, `!~` and `NOT IN`.
 */
export type BbqlExpr = BbqlAnd | BbqlOr | BbqlComparison | BbqlMembership;

export interface BbqlAnd {
  kind: 'and';
  operands: BbqlExpr[];
}

export interface BbqlOr {
  kind: 'or';
  operands: BbqlExpr[];
}

export type BbqlComparisonOperator = '=' | '!=' | '~' | '!~' | '>' | '>=' | '<' | '<=';

/** `path op literal`; the field is always on the left, a literal always on the right. */
export interface BbqlComparison {
  kind: 'comparison';
  path: string;
  operator: BbqlComparisonOperator;
  value: BbqlLiteral;
}

/** `path IN (a, b)` / `path NOT IN (a, b)`; the list is never empty. */
export interface BbqlMembership {
  kind: 'in';
  path: string;
  negated: boolean;
  values: BbqlLiteral[];
}

export type BbqlLiteral =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number; text: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  /** An unquoted ISO-8601 date or datetime; `epochMicros` is the instant in microseconds since 1970 (UTC). */
  | { type: 'datetime'; epochMicros: number; text: string };
