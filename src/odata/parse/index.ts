/** Parsing OData URLs: the resource path and the system query options, into our own AST (src/odata/ast.ts). */
export { parseFilter, parseOrderByExpressions, nestingDepth } from './parse-filter';
export { parseQueryOptions, parseOrderBy, parseSelect } from './parse-query-options';
export { parseExpand } from './parse-expand';
export { validateExpand, type ResolvedExpansion } from './validate-expand';
export { collectionOptionsGiven } from './collection-options';
export { parseResourcePath, parseResourcePathKept, parseKeyPredicate } from './parse-resource-path';
export { DEFAULT_PARSE_LIMITS, MAX_EXPAND_ITEMS, MAX_SKIP, type ParseLimits } from './limits';
export { matchLiteral } from './literal';
export { canonicalQueryString, systemQueryOptionKey } from './system-query-option-key';
