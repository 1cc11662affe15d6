/**
 * Turn one Bitbucket JSON item into a flat OData row, following the declaration's source paths. This is the only
 * place that knows how nested Bitbucket objects become spreadsheet columns.
 *
 * Every row the gateway reads passes through here (100,000 commits sorted in-process, paging snapshots), so the
 * declaration is compiled once per entity set (a WeakMap keyed by the definition): each property becomes a reader
 * with its path already split, and every row starts as a copy of one blank row that holds every property in
 * declaration order. See `RowBuilder` for why the copy matters (`npm run bench:rows` measures it).
 */
import type { LiteralValue, Row } from '../odata/ast';
import type { EntitySetDefinition, PropertyDefinition, ValueConversion } from '../entity-sets/model';
import { UPSTREAM_PLACE } from './upstream-position';

/** Read a path already split at its dots; arrays are not traversed (conversions handle arrays explicitly). */
function readSegments(item: unknown, segments: readonly string[]): unknown {
  let current: unknown = item;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Read a dotted path; arrays are not traversed (conversions handle arrays explicitly). */
export function readPath(item: unknown, path: string): unknown {
  return readSegments(item, path.split('.'));
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
      return Array.isArray(raw)
        ? raw
            .map((entry) => readPath(entry, 'display_name'))
            .filter((name): name is string => typeof name === 'string')
            .join(', ')
        : '';
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

/** Route parameters are path text; a numeric property holds the number (`PullRequestId` 7, not '7'). */
export function typedRouteValue(property: PropertyDefinition, value: string | undefined): LiteralValue {
  if (value === undefined) return null;
  if (property.type === 'Edm.Int32' || property.type === 'Edm.Int64') {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : null;
  }
  return value;
}

/** One property's value from an item and the route values it was fetched under. */
type PropertyReader = (item: unknown, routeValues: Record<string, string>) => LiteralValue;

function compileReader(property: PropertyDefinition): PropertyReader {
  const source = property.source;
  if (typeof source === 'string') {
    const segments = source.split('.');
    return (item) => primitive(readSegments(item, segments));
  }
  if ('routeParam' in source) {
    const name = source.routeParam;
    return (_item, routeValues) => typedRouteValue(property, routeValues[name]);
  }
  if ('firstOf' in source) {
    const candidates = source.firstOf.map((path) => path.split('.'));
    return (item) => {
      for (const segments of candidates) {
        const value = primitive(readSegments(item, segments));
        if (value !== null) return value;
      }
      return null;
    };
  }
  if ('labelOfPresent' in source) {
    const candidates = Object.entries(source.labelOfPresent).map(([label, path]): [string, string[]] => [label, path.split('.')]);
    return (item) => {
      for (const [label, segments] of candidates) {
        const value = readSegments(item, segments);
        if (value !== null && value !== undefined) return label;
      }
      return null;
    };
  }
  const segments = source.path.split('.');
  const conversion = source.convert;
  return (item) => convert(readSegments(item, segments), conversion);
}

export function propertyValue(property: PropertyDefinition, item: unknown, routeValues: Record<string, string>): LiteralValue {
  return compileReader(property)(item, routeValues);
}

/**
 * What rows of one entity set are made from: the property names and readers in declaration order, and a blank row.
 *
 * Why a blank row: V8 keeps an object in "dictionary mode" (a hash table: about 1.6 kB for a 24-property pull
 * request row, against about 0.24 kB here, and slower to read in every filter and sort) once too many properties are
 * added to it by computed key (`row[name] = ...`): measured on Node 20, from the 20th property on. Adding properties
 * one by one was therefore the cause, not their order. Copying a blank row that is not in dictionary mode with object
 * spread gives an object that already has every property, in declaration order, so the stores below only replace
 * values and no row ever changes shape: every row of a set shares one hidden class, whatever its values.
 *
 * The spread must stay a real spread (tsconfig target ES2018 or later): transpiled to `Object.assign({}, blank)` it
 * adds the properties one by one again. A constructor assigning `this[name]` in a loop goes to dictionary mode from
 * about 30 properties. An object literal generated with `new Function` is smaller still (216 against 240 bytes for 24
 * properties) and up to twice as fast to build, but needs code generation from strings, which some deployments forbid
 * (`--disallow-code-generation-from-strings`).
 */
interface RowBuilder {
  names: readonly string[];
  readers: readonly PropertyReader[];
  blank: Row;
}

function compileRowBuilder(def: EntitySetDefinition): RowBuilder {
  const names = def.properties.map((property) => property.name);
  const byKey: Row = {};
  for (const name of names) byKey[name] = null;
  // `byKey` itself may already be in dictionary mode; a copy made by spread is not (it is made with all its
  // properties at once). The row's upstream place has a slot of its own (upstream-position.ts), keyed by a symbol,
  // after the properties: spread copies it too, so every row has it from the start.
  const blank: Row = { ...byKey, [UPSTREAM_PLACE]: undefined };
  return { names, readers: def.properties.map(compileReader), blank };
}

const builders = new WeakMap<EntitySetDefinition, RowBuilder>();

function rowBuilderOf(def: EntitySetDefinition): RowBuilder {
  let builder = builders.get(def);
  if (!builder) builders.set(def, (builder = compileRowBuilder(def)));
  return builder;
}

/** The row of one item: every declared property, in declaration order, null where Bitbucket has no value. */
export function rowFromItem(def: EntitySetDefinition, item: unknown, routeValues: Record<string, string>): Row {
  const { names, readers, blank } = rowBuilderOf(def);
  const row: Row = { ...blank };
  for (let index = 0; index < names.length; index++) row[names[index]] = readers[index](item, routeValues);
  return row;
}

/**
 * The route parameters whose property, as Bitbucket's item states it, differs from the value the item was fetched
 * under: Bitbucket resolves `/repositories/{workspace}/{repo_slug}` case-insensitively, so `PLATFORM-API` answers
 * with the items of `platform-api`, whose keys (read from `full_name`) say `platform-api`. OData keys compare
 * case-sensitively (4.01 Part 2 §5.1.1.1.1 `eq`), so such a fetch names no entity. A property filled from the route
 * value itself (`{ routeParam }`) cannot differ here: its stream must be checked against its parent instead
 * (`parentCheckNeeded` in `resolve-streams.ts`). A null in the item is no evidence either way.
 */
export function differingRouteValues(def: EntitySetDefinition, params: readonly { name: string; property: string }[], row: Row, routeValues: Record<string, string>): string[] {
  const differing: string[] = [];
  for (const param of params) {
    const property = def.properties.find((candidate) => candidate.name === param.property);
    if (!property || routeValues[param.name] === undefined) continue;
    const stated = row[param.property];
    if (stated !== null && stated !== undefined && stated !== typedRouteValue(property, routeValues[param.name])) differing.push(param.name);
  }
  return differing;
}

/** The Bitbucket JSON paths a property needs in a partial response (`fields=`). */
export function sourcePaths(property: PropertyDefinition): string[] {
  if (property.fields) return property.fields;
  const source = property.source;
  if (typeof source === 'string') return [source];
  if ('routeParam' in source) return [];
  if ('firstOf' in source) return source.firstOf;
  if ('labelOfPresent' in source) return Object.values(source.labelOfPresent);
  return [source.path];
}
