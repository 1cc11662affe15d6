/**
 * The reference pipeline: a query evaluated in-process over rows. The gateway runs it as the residual evaluator
 * over what Bitbucket returned, and the differential tests run it over the full data set as the oracle.
 */
import type { ODataQuery, Row } from '../ast';
import type { EdmEntitySet } from '../edm';
import { compareRows } from './compare-rows';
import { compileFilter } from './compile-filter';
import { compileSearch } from './matches-search';
import { projectRow } from './project-row';
import type { QueryEvaluationContext } from './types';
import { validateQuery } from './validate-query';

export interface EvaluatedQuery {
  /** The page: filtered, ordered, skipped, topped and projected rows. */
  rows: Row[];
  /** With `$count=true`: the number of matching rows before `$skip`/`$top`. */
  count?: number;
}

export function evaluateQuery(
  rows: Iterable<Row>,
  query: ODataQuery,
  entity: EdmEntitySet,
  context: QueryEvaluationContext,
): EvaluatedQuery {
  validateQuery(query, entity);
  const searchable =
    context.searchable ?? entity.properties.filter((property) => property.type === 'Edm.String').map((p) => p.name);
  const search = query.search === undefined ? undefined : compileSearch(query.search, searchable);
  const filter = query.filter === undefined ? undefined : compileFilter(query.filter, entity, context);

  // OData 4.01 Part 1 §11.2.1: "The result of the request MUST be as if the system query options were evaluated in
  // the following order": $search, $filter, $count, $orderby, $skip, $top, then (after server-driven paging) $select.
  // $count ignores $skip/$top (§11.2.6.5); $skip applies before $top whatever their order in the URL (§11.2.6.4);
  // ordering always ends with the key so pages are stable (§11.2.6.3), unless the rows come in a default order of
  // the service's that is stable already (`inputOrderIsDefault`). $skiptoken is the gateway's, not ours.
  const matched: Row[] = [];
  for (const row of rows) {
    if (search && !search(row)) continue;
    if (filter && !filter(row)) continue;
    matched.push(row);
  }
  const count = query.count ? matched.length : undefined;
  if (query.orderby.length > 0 || !context.inputOrderIsDefault) matched.sort(compareRows(query.orderby, entity.key, entity));
  const start = query.skip ?? 0;
  const page = matched.slice(start, query.top === undefined ? undefined : start + query.top);
  return {
    rows: page.map((row) => projectRow(row, query.select)),
    ...(count === undefined ? {} : { count }),
  };
}
