/**
 * `$select` projection. "The $select system query option requests that the service return only the properties …
 * explicitly requested" (OData 4.01 Part 1 §11.2.5.1), so key properties are not added here; the serializer reads
 * them from the unprojected row when it writes `@odata.id`. `*` (or no `$select`) keeps every property.
 */
import type { Row } from '../ast';

/**
 * @param select selected property names in request order (validated against the entity set), or undefined for all
 * @param _key the entity key; accepted for the agreed signature and deliberately not added (see above)
 */
export function projectRow(row: Row, select: string[] | undefined, _key?: string[]): Row {
  if (select === undefined || select.includes('*')) return { ...row };
  const projected: Row = {};
  for (const property of select) projected[property] = row[property] ?? null;
  return projected;
}
