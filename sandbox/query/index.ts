/**
 * The sandbox's query library: BBQL (`q`), `sort`, `fields` and paging, as pure functions over plain JSON.
 * Pipeline order for a collection route: filter (matchesBbql) → sort (sortItems) → page (paginate) → project
 * (applyFields on the envelope), because Bitbucket filters and sorts the whole collection before cutting a page
 * and `fields` addresses the envelope (`values.id`, `next`).
 */
export type {
  BbqlExpr,
  BbqlAnd,
  BbqlOr,
  BbqlComparison,
  BbqlComparisonOperator,
  BbqlMembership,
  BbqlLiteral,
} from './bbql-ast';
export { parseBbql } from './parse-bbql';
export { matchesBbql, validateBbqlFields, type BbqlFieldOptions } from './match-bbql';
export { sortItems, type SortOptions } from './sort-items';
export { applyFields, membersRead } from './apply-fields';
export { paginate, type PageRequest } from './paginate';
export { paginateCursor, type CursorPageRequest } from './paginate-cursor';
export type { PageEnvelope, CursorEnvelope } from './page-envelope';
export { parseIsoInstant } from './iso-instant';
export { queryErrors } from './query-errors';
export { bbqlPaths, truncateDatetimeLiteralsToMilliseconds } from './bbql-quirks';
