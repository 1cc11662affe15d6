/** Types shared by the evaluator's modules. */
import type { EdmType, LiteralValue, Row } from '../ast';

/** The static type of an expression: an Edm type, or 'null' for the untyped `null` literal (and what it makes). */
export type ExprType = EdmType | 'null';

/** What a compiled expression returns for a row: the value in its wire form (temporal values as ISO strings). */
export type Evaluate = (row: Row) => LiteralValue;

/** Per-request facts an expression may read. `now()` is fixed for the whole request (Part 2 §5.1.1 `now`). */
export interface EvaluationContext {
  now: Date;
}

/** Options of the reference pipeline beyond the request-wide context. */
export interface QueryEvaluationContext extends EvaluationContext {
  /**
   * Properties `$search` looks into (the entity-set declaration's `searchable`). When absent, every Edm.String
   * property is searched.
   */
  searchable?: string[];
  /**
   * The rows are given in the service's default order: without `$orderby` the answer keeps it (rows that pass
   * `$search` and `$filter` in their given order, then `$skip`/`$top`) instead of being ordered by the key. OData
   * leaves the order without `$orderby` to the service, asking only that it be stable (4.01 Part 1 §11.2.6.3).
   */
  inputOrderIsDefault?: boolean;
}

export const NUMERIC_TYPES: ReadonlySet<ExprType> = new Set(['Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double']);
export const INTEGER_TYPES: ReadonlySet<ExprType> = new Set(['Edm.Int32', 'Edm.Int64']);
