/**
 * In-process evaluation of OData queries (OData 4.01 Part 2 §5.1.1, Part 1 §11.2): validation, $filter, $search,
 * $orderby, $select, and the whole pipeline in spec order. See each module for the rules and their sources.
 */
export { validateQuery } from './validate-query';
export { inferType } from './infer-type';
export { compileFilter } from './compile-filter';
export { compileExpression } from './compile-expression';
export { compareRows } from './compare-rows';
export { projectRow } from './project-row';
export { compileSearch, matchesSearch } from './matches-search';
export { parseSearch, type SearchExpr } from './parse-search';
export { evaluateQuery, type EvaluatedQuery } from './evaluate-query';
export { compareCodePoints } from './code-points';
export type { EvaluationContext, ExprType, QueryEvaluationContext } from './types';
