/**
 * What the Explore view needs from the service: the entity sets of the service document (`/odata/`) and each one's
 * structural properties from `$metadata?$format=json` (OData CSDL JSON 4.01 §4, §8: a property without `$Type` is
 * Edm.String, without `$Nullable` not nullable; members starting with `$` or `@` are not properties).
 * Pure: no DOM, no fetch, so specs can import it.
 */

export interface Column {
  name: string;
  /** Edm type, e.g. `Edm.String`. */
  type: string;
  nullable: boolean;
  description?: string;
}

export interface EntitySetInfo {
  name: string;
  key: string[];
  columns: Column[];
  description?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Entity set names of a service document (`{"value":[{"name","kind","url"}]}`), singletons left out. */
export function entitySetNames(serviceDocument: unknown): string[] {
  const value = isObject(serviceDocument) ? serviceDocument.value : undefined;
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is Json => isObject(item) && typeof item.name === 'string' && (item.kind === undefined || item.kind === 'EntitySet'))
    .map((item) => item.name as string);
}

/** Every entity set of a CSDL JSON document with its key and structural properties. */
export function entitySetsOf(csdl: unknown): EntitySetInfo[] {
  if (!isObject(csdl) || typeof csdl.$EntityContainer !== 'string') return [];
  const containerName = csdl.$EntityContainer;
  const dot = containerName.lastIndexOf('.');
  const container = (csdl[containerName.slice(0, dot)] as Json | undefined)?.[containerName.slice(dot + 1)];
  if (!isObject(container)) return [];
  const sets: EntitySetInfo[] = [];
  for (const [name, member] of Object.entries(container)) {
    if (name.startsWith('$') || name.startsWith('@') || !isObject(member) || member.$Collection !== true || typeof member.$Type !== 'string') continue;
    const typeName = member.$Type;
    const typeDot = typeName.lastIndexOf('.');
    const type = (csdl[typeName.slice(0, typeDot)] as Json | undefined)?.[typeName.slice(typeDot + 1)];
    if (!isObject(type)) continue;
    const columns: Column[] = [];
    for (const [propertyName, property] of Object.entries(type)) {
      if (propertyName.startsWith('$') || propertyName.startsWith('@') || !isObject(property) || property.$Kind === 'NavigationProperty') continue;
      const description = property['@Core.Description'];
      columns.push({
        name: propertyName,
        type: typeof property.$Type === 'string' ? property.$Type : 'Edm.String',
        nullable: property.$Nullable === true,
        ...(typeof description === 'string' ? { description } : {}),
      });
    }
    const description = member['@Core.Description'];
    sets.push({ name, key: Array.isArray(type.$Key) ? type.$Key.filter((k): k is string => typeof k === 'string') : [], columns, ...(typeof description === 'string' ? { description } : {}) });
  }
  return sets;
}
