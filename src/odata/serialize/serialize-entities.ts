/**
 * Entity payloads in OData JSON (OData 4.0 JSON Format §6 Entity, §12 Collection of Entities, §4.5 control
 * information). Lists and single entities go through the same `projectEntity`, so projection, value formatting and
 * control information cannot differ between `GET /PullRequests` and `GET /PullRequests(...)`.
 *
 * Control information per metadata level (§3.1):
 * - none: data only, plus `@odata.count` and `@odata.nextLink` (§3.1.3 keeps those two).
 * - minimal: + `@odata.context`, `@odata.etag`, `@odata.deltaLink`.
 * - full: + `@odata.type`, `@odata.id`, `@odata.editLink` (editable sets), `Prop@odata.type` for values JSON cannot
 *   identify (§4.5.3), `Nav@odata.navigationLink` (§4.5.9) and action advertisements `#Namespace.Action` (§16).
 * Annotations precede what they annotate, and count precedes `value`, as `odata.streaming=true` requires (§4.4).
 *
 * Expanded navigation properties (§8.3) follow the entity's own properties: an object or null for a single-valued
 * one, an array for a collection, preceded by `Nav@odata.count` when the nested `$count=true` asked (and, in full
 * metadata, by `Nav@odata.navigationLink`). Related entities go through the same `projectEntity`, with their own
 * nested `$select`, and carry no `@odata.context` of their own (§10: the parent's context URL describes them).
 */
import type { Row } from '../ast';
import type { EdmEntitySet, EdmNavigationProperty, EdmProperty } from '../edm';
import { contextUrl } from './context-url';
import type { ExpandedNavigation } from './expanded-navigation';
import { formatValue, needsTypeAnnotation, type JsonPrimitive } from './format-value';
import type { MetadataLevel } from './json-format';
import { entityId } from './key-predicate';
import { ByteSink, entityEncoder } from './entity-encoder';
import { entityAppender } from './entity-writer';

export type JsonEntity = { [member: string]: JsonPrimitive | { title: string; target: string } | JsonEntity | JsonEntity[] };

export interface SerializeOptions {
  set: EdmEntitySet;
  /** The schema namespace (EdmModel.namespace), for `@odata.type` and action names. */
  namespace: string;
  /** Ends with `/`. */
  serviceRoot: string;
  level: MetadataLevel;
  /** Edm.Int64 / Edm.Decimal (and `@odata.count`) as strings (JSON Format §3.2). */
  ieee754Compatible?: boolean;
  /** `$select` in request order; undefined or containing `*` means all properties. */
  select?: readonly string[];
  /** The entity tag of a row, when the set has one (§4.5.10); written at minimal and full metadata. */
  etag?: (row: Row) => string | undefined;
  /** `$expand`: the expanded navigation properties, in request order, written inline in each entity. */
  expand?: readonly ExpandedNavigation[];
}

export interface SerializeCollectionArgs extends SerializeOptions {
  rows: readonly Row[];
  /** `$count=true`: the total number of matching entities. */
  count?: number;
  nextLink?: string;
  deltaLink?: string;
}

export interface SerializeEntityArgs extends SerializeOptions {
  row: Row;
}

export type JsonCollection = { [member: string]: JsonPrimitive | JsonEntity[] };

export function serializeCollection(args: SerializeCollectionArgs): JsonCollection {
  const payload: JsonCollection = {};
  if (args.level !== 'none') payload['@odata.context'] = contextUrl(args.serviceRoot, args.set, { select: projectedNames(args), expand: args.expand });
  if (args.count !== undefined) payload['@odata.count'] = args.ieee754Compatible === true ? String(args.count) : args.count;
  const projection = projectionFor(args);
  payload.value = args.rows.map((row) => projectEntity(args, projection, row));
  if (args.nextLink !== undefined) payload['@odata.nextLink'] = args.nextLink;
  if (args.deltaLink !== undefined && args.level !== 'none') payload['@odata.deltaLink'] = args.deltaLink;
  return payload;
}

/**
 * The same collection as `serializeCollection`, as JSON text in three parts, so that a large answer is written as its
 * rows arrive instead of as one object and one string (issue #11.3): `head + entities(rows…) joined by ',' + tail` is
 * byte for byte `JSON.stringify(serializeCollection(args))` (spec/odata/serialize/collection-text.spec.ts).
 *
 * The order is the one streaming needs (JSON Format 4.0 §4.4 Payload Ordering Constraints, which
 * `odata.streaming=true` promises and Power Query relies on): control information about the whole collection
 * (`@odata.context`, `@odata.count`) comes before `value`; the next link and delta link are the exception the same
 * section makes, allowed after the collection they annotate, so the next link is decided once the page's last row
 * has been written.
 */
export interface CollectionText {
  /** `{` … `"value":[` */
  head: string;
  /** The rows as entities, comma-separated (no leading or trailing comma). */
  entities(rows: readonly Row[], expand?: readonly ExpandedNavigation[]): string;
  /**
   * The same text as `entities`, UTF-8 encoded in pieces: their `Buffer.concat` is byte for byte
   * `Buffer.from(entities(rows))`. Where the shape allows (minimal or no metadata, no expansion) the rows are written
   * as bytes straight into Buffers (entity-encoder.ts): 100 commit rows, /tmp micro-benchmark compiled by tsc, 1.9 kB
   * -> 0.2 kB allocated per row (--trace-gc-nvp), 1.48-1.55 -> 1.25-1.36 µs per row. Otherwise as text, in pieces of
   * ENCODED_PIECE_ROWS rows: a page's text as one string is, past some 64 K characters (two bytes each as soon as one
   * is not Latin-1), allocated among V8's large objects and copied again to be encoded: measured on 1000 commit rows,
   * 5.4 µs per row as one string against 1.8 in pieces of 50 (issue #15.3).
   *
   * `separated`: the rows follow rows written before (a streamed answer's later chunk), so a `,` leads, written with
   * them rather than joined to them afterwards: `Buffer.concat` of a comma and a page of rows was one more copy of
   * every byte of a streamed answer.
   */
  encodedEntities(rows: readonly Row[], expand?: readonly ExpandedNavigation[], separated?: boolean): Buffer[];
  /** `]` and the control information after `value`, then `}`. */
  tail(links: { nextLink?: string; deltaLink?: string }): string;
}

/** Rows per piece of `encodedEntities`: 50 commit rows are some 17 K characters, well below V8's large objects. */
export const ENCODED_PIECE_ROWS = 50;

const COMMA = Uint8Array.of(0x2c);

/**
 * Whether a writer made for `current` expansions must be made again for `next`. A streamed answer passes each chunk's
 * expansions (a new, often empty, array each time): rebuild only when there is something else to write.
 */
function expansionChanged(next: readonly ExpandedNavigation[] | undefined, current: readonly ExpandedNavigation[] | undefined): boolean {
  return next !== current && ((next?.length ?? 0) > 0 || (current?.length ?? 0) > 0);
}

export function collectionText(args: Omit<SerializeCollectionArgs, 'rows' | 'nextLink' | 'deltaLink'>): CollectionText {
  const control: JsonCollection = {};
  if (args.level !== 'none') control['@odata.context'] = contextUrl(args.serviceRoot, args.set, { select: projectedNames(args), expand: args.expand });
  if (args.count !== undefined) control['@odata.count'] = args.ieee754Compatible === true ? String(args.count) : args.count;
  const controlJson = JSON.stringify(control);
  const head = `${controlJson.slice(0, -1)}${controlJson.length > 2 ? ',' : ''}"value":[`;
  // Rows are many here: each is written by the writer precompiled for this shape (entity-writer.ts), which writes
  // what JSON.stringify(projectEntity(...)) would, without building the object, appending to the text of the rows
  // before it.
  let append = entityAppender(args);
  let writerExpand = args.expand;
  /** `text` followed by the rows' entities, comma-separated (`text` ends with the separator it needs). */
  const appendEntities = (text: string, rows: readonly Row[], from: number, to: number, expand: readonly ExpandedNavigation[] | undefined): string => {
    if (expansionChanged(expand, writerExpand)) {
      append = entityAppender({ ...args, expand });
      writerExpand = expand;
    }
    let out = text;
    for (let index = from; index < to; index++) out = append(index === from ? out : out + ',', rows[index]);
    return out;
  };
  let encoder = entityEncoder(args);
  let encoderExpand = args.expand;
  return {
    head,
    entities: (rows, expand = args.expand) => appendEntities('', rows, 0, rows.length, expand),
    encodedEntities: (rows, expand = args.expand, separated = false) => {
      // Rows as bytes straight away where the shape allows (entity-encoder.ts): no text in between.
      if (expansionChanged(expand, encoderExpand)) {
        encoder = entityEncoder({ ...args, expand });
        encoderExpand = expand;
      }
      if (encoder !== undefined) {
        const sink = new ByteSink();
        for (let index = 0; index < rows.length; index++) {
          if (index > 0 || separated) sink.bytes(COMMA);
          encoder(sink, rows[index]);
        }
        return sink.pieces();
      }
      const pieces: Buffer[] = [];
      for (let at = 0; at < rows.length; at += ENCODED_PIECE_ROWS) {
        const text = appendEntities(at === 0 && !separated ? '' : ',', rows, at, Math.min(rows.length, at + ENCODED_PIECE_ROWS), expand);
        pieces.push(Buffer.from(text, 'utf8'));
      }
      return pieces;
    },
    tail: ({ nextLink, deltaLink }) => {
      const after: JsonCollection = {};
      if (nextLink !== undefined) after['@odata.nextLink'] = nextLink;
      if (deltaLink !== undefined && args.level !== 'none') after['@odata.deltaLink'] = deltaLink;
      const afterJson = JSON.stringify(after);
      return afterJson.length > 2 ? `],${afterJson.slice(1)}` : ']}';
    },
  };
}

export function serializeEntity(args: SerializeEntityArgs): JsonEntity {
  const context: JsonEntity =
    args.level === 'none'
      ? {}
      : { '@odata.context': contextUrl(args.serviceRoot, args.set, { select: projectedNames(args), expand: args.expand, singleEntity: true }) };
  return { ...context, ...projectEntity(args, projectionFor(args), args.row) };
}

interface Projection {
  properties: EdmProperty[];
  /** Navigation properties whose links full metadata writes: all, or those named in `$select`. */
  navigation: EdmNavigationProperty[];
  /** Action advertisements belong to the whole entity, not to a projection of it. */
  actions: boolean;
}

function isSelectAll(select: readonly string[] | undefined): boolean {
  return select === undefined || select.length === 0 || select.includes('*');
}

/** The select list for the context URL: none when everything is selected. */
function projectedNames(options: SerializeOptions): readonly string[] | undefined {
  return isSelectAll(options.select) ? undefined : options.select;
}

function projectionFor(options: SerializeOptions): Projection {
  const { set, select } = options;
  if (isSelectAll(select)) return { properties: set.properties, navigation: set.navigation, actions: true };
  const selected = select ?? [];
  return {
    properties: selected.flatMap((name) => set.properties.filter((property) => property.name === name)),
    navigation: set.navigation.filter((nav) => selected.includes(nav.name)),
    actions: false,
  };
}

/** The one projection and formatting path for every entity we write. */
function projectEntity(options: SerializeOptions, projection: Projection, row: Row): JsonEntity {
  const { set, namespace, serviceRoot, level } = options;
  const ieee754Compatible = options.ieee754Compatible === true;
  const entity: JsonEntity = {};
  const full = level === 'full';
  const id = full ? entityId(serviceRoot, set, row) : undefined;
  if (full) {
    entity['@odata.type'] = `#${namespace}.${set.typeName}`;
    entity['@odata.id'] = id ?? null;
  }
  const etag = level === 'none' ? undefined : options.etag?.(row);
  if (etag !== undefined) entity['@odata.etag'] = etag;
  if (full && (set.capabilities.updatable || set.capabilities.deletable)) entity['@odata.editLink'] = id ?? null;

  for (const property of projection.properties) {
    const value = formatValue(property.type, row[property.name] ?? null, ieee754Compatible);
    // §4.5.3: full metadata annotates primitive values whose JSON form does not identify their type.
    if (full && value !== null && needsTypeAnnotation(property.type)) {
      entity[`${property.name}@odata.type`] = `#${property.type.slice('Edm.'.length)}`;
    }
    entity[property.name] = value;
  }

  const expanded = options.expand ?? [];
  if (full) {
    for (const nav of projection.navigation) {
      if (!expanded.some((expansion) => expansion.name === nav.name)) entity[`${nav.name}@odata.navigationLink`] = `${id}/${nav.name}`;
    }
    for (const action of projection.actions ? set.actions : []) {
      const name = `${namespace}.${action.name}`;
      entity[`#${name}`] = { title: action.name, target: `${id}/${name}` };
    }
  }
  for (const expansion of expanded) writeExpansion(entity, options, expansion, row, id);
  return entity;
}

/** One expanded navigation property of one entity (JSON Format §8.3), with its control information before it. */
function writeExpansion(entity: JsonEntity, parent: SerializeOptions, expansion: ExpandedNavigation, row: Row, id: string | undefined): void {
  const nested: SerializeOptions = {
    set: expansion.set,
    namespace: parent.namespace,
    serviceRoot: parent.serviceRoot,
    level: parent.level,
    ieee754Compatible: parent.ieee754Compatible,
    select: expansion.select,
    etag: expansion.etag,
  };
  const projection = projectionFor(nested);
  const value = expansion.valueOf(row);
  if (parent.level === 'full') entity[`${expansion.name}@odata.navigationLink`] = `${id}/${expansion.name}`;
  if (value.kind === 'entity') {
    entity[expansion.name] = value.row === null ? null : projectEntity(nested, projection, value.row);
    return;
  }
  if (value.count !== undefined) entity[`${expansion.name}@odata.count`] = parent.ieee754Compatible === true ? String(value.count) : value.count;
  entity[expansion.name] = value.rows.map((related) => projectEntity(nested, projection, related));
}

export interface SerializePropertyArgs {
  set: EdmEntitySet;
  /** The entity the property belongs to (its key values build the context URL). */
  row: Row;
  /** The property's name. */
  property: string;
  serviceRoot: string;
  level: MetadataLevel;
  ieee754Compatible?: boolean;
}

/**
 * An individual primitive property, `GET /PullRequests(...)/Title` (JSON Format §7.1 and §10.14):
 * `{"@odata.context": "...#PullRequests(...)/Title", "value": "Fix"}`; a null value is `"@odata.null": true`
 * (Protocol §11.2.3 also allows 204, which is the caller's choice). Formatting is the same as in entities.
 */
export function serializeProperty(args: SerializePropertyArgs): JsonEntity {
  const property = args.set.properties.find((candidate) => candidate.name === args.property);
  if (property === undefined) throw new Error(`Property ${args.property} is not declared on ${args.set.typeName}.`);
  const payload: JsonEntity = {};
  if (args.level !== 'none') {
    payload['@odata.context'] = contextUrl(args.serviceRoot, args.set, { property: { key: args.row, name: property.name } });
  }
  const value = formatValue(property.type, args.row[property.name] ?? null, args.ieee754Compatible === true);
  if (value === null) {
    payload['@odata.null'] = true;
    return payload;
  }
  if (args.level === 'full' && needsTypeAnnotation(property.type)) payload['@odata.type'] = `#${property.type.slice('Edm.'.length)}`;
  payload.value = value;
  return payload;
}
