/**
 * `rowFromItem` before rows got a fixed shape (commit 4482f23), frozen as the reference for the values: the
 * serializer, the filters and the differential suite rely on exactly these values, types and nulls.
 */
import type { EntitySetDefinition, PropertyDefinition, ValueConversion } from '../../../src/entity-sets/model';
import type { LiteralValue, Row } from '../../../src/odata/ast';

export const rowFromItemBefore = (() => {
  function readPath(item: unknown, dotted: string): unknown {
    let current: unknown = item;
    for (const segment of dotted.split('.')) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
    return current;
  }
  function convert(raw: unknown, conversion: ValueConversion): LiteralValue {
    switch (conversion) {
      case 'full-name-owner':
      case 'full-name-slug': {
        if (typeof raw !== 'string' || !raw.includes('/')) return null;
        const slash = raw.indexOf('/');
        return conversion === 'full-name-owner' ? raw.slice(0, slash) : raw.slice(slash + 1);
      }
      case 'array-length':
        return Array.isArray(raw) ? raw.length : 0;
      case 'count-where-approved':
        return Array.isArray(raw) ? raw.filter((p) => readPath(p, 'approved') === true).length : 0;
      case 'count-where-changes-requested':
        return Array.isArray(raw) ? raw.filter((p) => readPath(p, 'state') === 'changes_requested').length : 0;
      case 'join-display-names':
        return Array.isArray(raw) ? raw.map((entry) => readPath(entry, 'display_name')).filter((name): name is string => typeof name === 'string').join(', ') : '';
      case 'join-values':
        return Array.isArray(raw) ? raw.filter((value): value is string => typeof value === 'string').join(',') : '';
      case 'json':
        return raw === undefined ? null : JSON.stringify(raw);
    }
  }
  function primitive(raw: unknown): LiteralValue {
    if (raw === undefined || raw === null) return null;
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
    return JSON.stringify(raw);
  }
  function typedRouteValue(property: PropertyDefinition, value: string | undefined): LiteralValue {
    if (value === undefined) return null;
    if (property.type === 'Edm.Int32' || property.type === 'Edm.Int64') {
      const number = Number(value);
      return Number.isSafeInteger(number) ? number : null;
    }
    return value;
  }
  function propertyValue(property: PropertyDefinition, item: unknown, routeValues: Record<string, string>): LiteralValue {
    const source = property.source;
    if (typeof source === 'string') return primitive(readPath(item, source));
    if ('routeParam' in source) return typedRouteValue(property, routeValues[source.routeParam]);
    // Source forms added after the freeze (issue #16): the first path with a value, or the label of the first present.
    if ('firstOf' in source) return source.firstOf.map((path) => primitive(readPath(item, path))).find((value) => value !== null) ?? null;
    if ('labelOfPresent' in source) {
      return Object.entries(source.labelOfPresent).find(([, path]) => readPath(item, path) !== undefined && readPath(item, path) !== null)?.[0] ?? null;
    }
    return convert(readPath(item, source.path), source.convert);
  }
  return (def: EntitySetDefinition, item: unknown, routeValues: Record<string, string>): Row => {
    const row: Row = {};
    for (const property of def.properties) row[property.name] = propertyValue(property, item, routeValues);
    return row;
  };
})();
