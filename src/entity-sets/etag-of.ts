/**
 * The version of an entity (OData 4.01 Part 1 §11.4.1.1, `ETag` and `If-Match`). Bitbucket has no ETags; the
 * property its declaration names by source path (`writes.etagSource`, the last-update time) changes on every write,
 * so it serves as a weak version.
 */
import type { Row } from '../odata/ast';
import type { EntitySetDefinition, PropertyDefinition } from './model';

/** The property the version is read from, when the declaration names one. */
export function etagProperty(def: EntitySetDefinition): PropertyDefinition | undefined {
  const source = def.writes?.etagSource;
  return source ? def.properties.find((property) => property.source === source) : undefined;
}

/** `W/"<value>"`, or undefined when the set has no version or the row does not hold it. */
export function etagOf(def: EntitySetDefinition, row: Row): string | undefined {
  const property = etagProperty(def);
  const value = property ? row[property.name] : undefined;
  return typeof value === 'string' ? `W/"${value}"` : undefined;
}
