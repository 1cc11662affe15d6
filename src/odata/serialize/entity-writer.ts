/**
 * A precompiled writer of entities as JSON text (issue #15.3): for one entity set, `$select`, metadata level and
 * IEEE754Compatible, the member names are escaped, the type annotations decided and each property's value encoder
 * chosen once, and the writer then turns a row into its JSON text with string concatenation, with no intermediate
 * object and no generic walk of one per row.
 *
 * It writes exactly what `JSON.stringify` writes of the entity object `projectEntity` builds (serialize-entities.ts,
 * which documents the members and their order: OData 4.0 JSON Format §4.5 control information, §6 entities, §8.3
 * expanded navigation): spec/odata/serialize/entity-writer.spec.ts compares the two on random rows of every entity
 * set, at every metadata level, with and without `$select`, ETags and expansions. The object form stays for single
 * entities and the Dataverse root; collections, where rows are many, go through this one.
 *
 * Plain closures, not code generated with `new Function`: some deployments forbid code generation from strings
 * (`--disallow-code-generation-from-strings`), and the closures already remove the per-row allocations.
 */
import { LRUCache } from 'lru-cache';
import type { EdmType, Row } from '../ast';
import type { EdmEntitySet } from '../edm';
import type { ExpandedNavigation } from './expanded-navigation';
import { formatValue, needsTypeAnnotation, type JsonPrimitive } from './format-value';
import type { MetadataLevel } from './json-format';
import { entityId } from './key-predicate';

/** What decides a writer; everything else (service root, ETags, expansions) is bound per request. */
export interface EntityShape {
  set: EdmEntitySet;
  /** The schema namespace, for `@odata.type` and action names. */
  namespace: string;
  level: MetadataLevel;
  ieee754Compatible?: boolean;
  /** `$select` in request order; undefined, empty or containing `*` means all properties. */
  select?: readonly string[];
}

export interface EntityWriterOptions extends EntityShape {
  /** Ends with `/`. */
  serviceRoot: string;
  /** The entity tag of a row (§4.5.10); written at minimal and full metadata. */
  etag?: (row: Row) => string | undefined;
  /** `$expand`, in request order. */
  expand?: readonly ExpandedNavigation[];
}

/** One row as the JSON text of its entity. */
export type EntityWriter = (row: Row) => string;

/**
 * The same text appended to `out` (`out` + the entity's text): a page's rows are written into one string as they
 * come, so that no row's text is a string of its own joined again to the others (see `entityAppender`).
 */
export type EntityAppender = (out: string, row: Row) => string;

/**
 * What `JSON.stringify` escapes in a string (ECMA-262 QuoteJSONString): `"`, `\`, control characters and, since
 * well-formed JSON.stringify (ES2019), lone surrogates; a string with none of them is written as it is, between quotes.
 * Any surrogate sends the string the long way, so a pair is never judged here.
 */
const ESCAPED_IN_JSON = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A primitive value (after `formatValue`) as JSON text: what `JSON.stringify` writes of it. */
function encode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      // Most values need no escape: testing for one and concatenating costs about half of JSON.stringify's call, on
      // every string of every row (issue #15.3).
      return ESCAPED_IN_JSON.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null || value === undefined ? 'null' : JSON.stringify(value);
  }
}

/** Types `formatValue` passes through unchanged (its `default`): their value is written as it is. */
const PASS_THROUGH: ReadonlySet<EdmType> = new Set<EdmType>(['Edm.String', 'Edm.Int32', 'Edm.Boolean', 'Edm.Date', 'Edm.Guid', 'Edm.TimeOfDay', 'Edm.Duration']);

export interface CompiledProperty {
  name: string;
  type: EdmType;
  /** `"Name":` */
  member: string;
  /** `"Name@odata.type":"#Type",` in full metadata when JSON does not identify the type (§4.5.3), else ''. */
  typeAnnotation: string;
  /** The value as written (`formatValue`), before it becomes JSON text. */
  format: (value: Row[string] | undefined) => JsonPrimitive;
  /**
   * The text before a non-null value, by whether a member precedes it (index 1: with its comma, index 0: without):
   * `,` + `typeAnnotation` + `member`; `quoted` adds the value's opening quote, for a string that needs no escape;
   * `null` is the whole member of a null value (`,"Name":null`, never annotated). Put together once per shape, so a
   * row's member is one concatenation of a constant and its value, not one of each part (issue #15.3).
   */
  lead: readonly [string, string];
  quoted: readonly [string, string];
  null: readonly [string, string];
}

/** The part of a writer that depends only on its shape: compiled once, kept in `compiled`. */
export interface CompiledShape {
  properties: CompiledProperty[];
  /** Navigation properties whose links full metadata writes (all, or those `$select` names). */
  navigation: string[];
  /** `"#Namespace.Action":{"title":…,"target":` per action advertised, the target's id being per row. */
  actions: Array<{ member: string; suffix: string }>;
  /** `"@odata.type":"#Namespace.Type",` in full metadata, else ''. */
  typeMember: string;
  editLink: boolean;
}

function isSelectAll(select: readonly string[] | undefined): boolean {
  return select === undefined || select.length === 0 || select.includes('*');
}

function compileShape(shape: EntityShape): CompiledShape {
  const { set, namespace, level, select } = shape;
  const full = level === 'full';
  const ieee754Compatible = shape.ieee754Compatible === true;
  const all = isSelectAll(select);
  // A name selected twice is one member, where it was first written (`JSON.stringify` keeps an object's first order).
  const names = all ? set.properties.map((property) => property.name) : [...new Set(select)];
  const properties = names.flatMap((name) => set.properties.filter((property) => property.name === name));
  return {
    properties: properties.map((property): CompiledProperty => {
      const type = property.type;
      const member = `${JSON.stringify(property.name)}:`;
      const typeAnnotation = full && needsTypeAnnotation(type) ? `${JSON.stringify(`${property.name}@odata.type`)}:${JSON.stringify(`#${type.slice('Edm.'.length)}`)},` : '';
      return {
        name: property.name,
        type,
        member,
        typeAnnotation,
        format: PASS_THROUGH.has(type) ? (value) => value ?? null : (value) => formatValue(type, value ?? null, ieee754Compatible),
        lead: [`${typeAnnotation}${member}`, `,${typeAnnotation}${member}`],
        quoted: [`${typeAnnotation}${member}"`, `,${typeAnnotation}${member}"`],
        null: [`${member}null`, `,${member}null`],
      };
    }),
    navigation: full ? set.navigation.filter((nav) => all || (select ?? []).includes(nav.name)).map((nav) => nav.name) : [],
    actions:
      full && all
        ? set.actions.map((action) => {
            const name = `${namespace}.${action.name}`;
            return { member: `${JSON.stringify(`#${name}`)}:{"title":${JSON.stringify(action.name)},"target":`, suffix: `/${name}` };
          })
        : [],
    typeMember: full ? `"@odata.type":${JSON.stringify(`#${namespace}.${set.typeName}`)},` : '',
    editLink: full && (set.capabilities.updatable || set.capabilities.deletable),
  };
}

/**
 * Compiled shapes per entity set (as declared: specs build sets of their own), by the rest of the shape. Bounded:
 * `$select` is the client's, so the number of shapes is not ours to choose; an evicted one is compiled again.
 */
const compiled = new WeakMap<EdmEntitySet, LRUCache<string, CompiledShape>>();

export function compiledShape(shape: EntityShape): CompiledShape {
  let shapes = compiled.get(shape.set);
  if (shapes === undefined) compiled.set(shape.set, (shapes = new LRUCache<string, CompiledShape>({ max: 200 })));
  const key = JSON.stringify([shape.namespace, shape.level, shape.ieee754Compatible === true, isSelectAll(shape.select) ? null : shape.select]);
  let found = shapes.get(key);
  if (found === undefined) shapes.set(key, (found = compileShape(shape)));
  return found;
}

/** The writer of entities of `options.set` under `options`' shape, bound to its service root, ETags and expansions. */
export function entityWriter(options: EntityWriterOptions): EntityWriter {
  const append = entityAppender(options);
  // `'' + text` is `text` itself: no copy.
  return (row) => append('', row);
}

/**
 * The appending form of `entityWriter`. A string built by `+` is a tree of its parts (a rope) that is copied flat once,
 * when it is encoded: every intermediate string made on the way is garbage. Appending each row's members to the page's
 * text, each member as one precompiled constant and its value (`CompiledProperty.lead`), makes some 3 such strings per
 * member where template literals per member, per row and per page made about 6 (issue #15.3: 100 commit rows of the
 * bench, µs per row and scavenges per 2 M rows in /tmp micro-benchmark, compiled: see the commit).
 */
export function entityAppender(options: EntityWriterOptions): EntityAppender {
  const { set, serviceRoot, level } = options;
  const shape = compiledShape(options);
  const { properties, actions, typeMember, editLink } = shape;
  const full = level === 'full';
  const etagOf = level === 'none' ? undefined : options.etag;
  const expand = options.expand ?? [];
  // Expanded navigation properties carry their link with their value, not among the others.
  const navigation = shape.navigation.filter((name) => !expand.some((expansion) => expansion.name === name)).map((name) => ({ member: `,${JSON.stringify(`${name}@odata.navigationLink`)}:`, suffix: `/${name}` }));
  const expansions = expand.map((expansion) => ({
    expansion,
    link: full ? `,${JSON.stringify(`${expansion.name}@odata.navigationLink`)}:` : '',
    linkSuffix: `/${expansion.name}`,
    countMember: `${JSON.stringify(`${expansion.name}@odata.count`)}:`,
    member: `${JSON.stringify(expansion.name)}:`,
    // Related entities: their own `$select` and ETags, the parent's level, no context URL and no expansion of theirs.
    append: entityAppender({ set: expansion.set, namespace: options.namespace, serviceRoot, level, ieee754Compatible: options.ieee754Compatible, select: expansion.select, etag: expansion.etag }),
  }));
  const ieee754Compatible = options.ieee754Compatible === true;
  const count = (value: number): string => (ieee754Compatible ? JSON.stringify(String(value)) : encode(value));
  const typeAndId = `{${typeMember}"@odata.id":`;

  // Each member after the first is written with its leading comma (`comma` 1), so the text is never cut again: a
  // `slice` of it would copy every row's text once more before the page's text is encoded (issue #15.3).
  return (text, row) => {
    let out = text;
    let comma: 0 | 1 = 0;
    let id = '';
    if (full) {
      id = entityId(serviceRoot, set, row);
      out += typeAndId + JSON.stringify(id);
      comma = 1;
    } else out += '{';
    const etag = etagOf?.(row);
    if (etag !== undefined) {
      out += (comma === 1 ? ',"@odata.etag":' : '"@odata.etag":') + JSON.stringify(etag);
      comma = 1;
    }
    if (editLink) {
      // Only in full metadata, after the id: a member precedes it.
      out += ',"@odata.editLink":' + JSON.stringify(id);
    }
    for (let index = 0; index < properties.length; index++) {
      const property = properties[index];
      const value = property.format(row[property.name]);
      if (value === null) out += property.null[comma];
      else if (typeof value === 'string' && !ESCAPED_IN_JSON.test(value)) out = out + property.quoted[comma] + value + '"';
      else out = out + property.lead[comma] + encode(value);
      comma = 1;
    }
    // Navigation links and actions are written only in full metadata, after the id: a member precedes them.
    for (let index = 0; index < navigation.length; index++) out = out + navigation[index].member + JSON.stringify(id + navigation[index].suffix);
    for (let index = 0; index < actions.length; index++) out = out + ',' + actions[index].member + JSON.stringify(id + actions[index].suffix) + '}';
    for (const { expansion, link, linkSuffix, countMember, member, append } of expansions) {
      if (full) out = out + link + JSON.stringify(id + linkSuffix);
      const value = expansion.valueOf(row);
      if (value.kind === 'entity') {
        out = out + (comma === 1 ? ',' : '') + member;
        out = value.row === null ? out + 'null' : append(out, value.row);
        comma = 1;
        continue;
      }
      if (value.count !== undefined) {
        out = out + (comma === 1 ? ',' : '') + countMember + count(value.count);
        comma = 1;
      }
      out = out + (comma === 1 ? ',' : '') + member + '[';
      for (let index = 0; index < value.rows.length; index++) out = append(index > 0 ? out + ',' : out, value.rows[index]);
      out += ']';
      comma = 1;
    }
    return out + '}';
  };
}
