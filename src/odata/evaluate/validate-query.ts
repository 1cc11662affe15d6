/**
 * Checks a parsed query against the entity set before anything runs: every property named in $filter, $orderby and
 * $select exists (400 UnknownProperty listing what does), $filter type-checks and is Boolean (400 TypeMismatch
 * saying what was expected and given), and no property is ordered twice (400 InvalidOrderBy).
 *
 * `$select` may name navigation properties too: "If the select item is a navigation property, then the
 * corresponding navigation link is represented in the response" (OData 4.01 Part 2 §5.1.3). The serializer writes
 * that link where the metadata level has one (full); minimal metadata omits links a client can compute, so there
 * the item adds nothing. Reading the related entities is `$expand`'s job.
 */
import type { ODataQuery } from '../ast';
import type { EdmEntitySet } from '../edm';
import { ODataError } from '../errors';
import { requireBooleanFilter } from './compile-filter';
import { findProperty } from './find-property';

export function validateQuery(query: ODataQuery, entity: EdmEntitySet): void {
  if (query.filter) requireBooleanFilter(query.filter, entity);

  const ordered = new Set<string>();
  for (const item of query.orderby) {
    findProperty(entity, item.property);
    if (ordered.has(item.property)) {
      throw new ODataError(
        'InvalidOrderBy',
        { reason: `the property '${item.property}' appears more than once; list each property once` },
        { target: item.property },
      );
    }
    ordered.add(item.property);
  }

  for (const property of query.select ?? []) {
    if (property === '*' || entity.navigation.some((navigation) => navigation.name === property)) continue;
    findProperty(entity, property);
  }
}
