/**
 * The properties a paging snapshot keeps of each row: with `$select`, only what later pages can still need (the
 * selected properties, the key for `@odata.id` and navigation links, the order's properties for the fallback cursor,
 * and the property the ETag comes from); without it, every property, since every one is served.
 */
import type { ODataQuery } from '../odata/ast';
import type { EntitySetDefinition } from '../entity-sets/model';
import { etagProperty } from '../entity-sets/etag-of';
import { totalOrder } from '../plan/plan-query';

function isSelectAll(select: readonly string[] | undefined): boolean {
  return select === undefined || select.length === 0 || select.includes('*');
}

export function snapshotColumns(def: EntitySetDefinition, query: Pick<ODataQuery, 'select' | 'orderby'>): string[] {
  const all = def.properties.map((property) => property.name);
  if (isSelectAll(query.select)) return all;
  const wanted = new Set<string>([...(query.select ?? []), ...def.key, ...totalOrder(query.orderby, def.key).map((item) => item.property)]);
  // The property later pages' ETags are read from (`etagOf`).
  const etag = etagProperty(def);
  if (etag) wanted.add(etag.name);
  return all.filter((name) => wanted.has(name));
}
