/**
 * Canonical key predicates and entity ids (OData 4.0 URL Conventions §4.3.1 Canonical URL, ABNF `keyPredicate`).
 * Literals follow the ABNF `primitiveLiteral` forms; string literals double their single quotes (`'` → `''`) and
 * are percent-encoded as UTF-8, so any key (slashes in branch names, non-ASCII) round-trips through a URL.
 */
import type { EdmType, KeyValues, LiteralValue } from '../ast';
import type { EdmEntitySet } from '../edm';
import { normalizeDateTimeOffset } from './format-value';

/** `(5)` for a single-part key, `(Workspace='w',RepositorySlug='r',Id=5)` for a composite one. */
export function keyPredicate(set: EdmEntitySet, values: KeyValues): string {
  const parts = set.key.map((name) => {
    const property = set.properties.find((candidate) => candidate.name === name);
    if (property === undefined) throw new Error(`Key property ${name} is not declared on ${set.typeName}.`);
    const value = values[name];
    if (value === undefined || value === null) {
      throw new Error(`Cannot build the key of ${set.name}: ${name} is missing from the row. Keep key properties when projecting.`);
    }
    return { name, literal: keyLiteral(property.type, value) };
  });
  // §4.3.1: the canonical form of a single-part key omits the property name.
  if (parts.length === 1) return `(${parts[0]?.literal ?? ''})`;
  return `(${parts.map((part) => `${part.name}=${part.literal}`).join(',')})`;
}

/** The canonical URL of an entity: `{serviceRoot}{EntitySet}{keyPredicate}`, or `{serviceRoot}{Singleton}`. */
export function entityId(serviceRoot: string, set: EdmEntitySet, row: KeyValues): string {
  return set.singleton ? `${serviceRoot}${set.name}` : `${serviceRoot}${set.name}${keyPredicate(set, row)}`;
}

/** One key value as a URL literal, percent-encoded where the URL needs it. */
export function keyLiteral(type: EdmType, value: Exclude<LiteralValue, null>): string {
  switch (type) {
    case 'Edm.String':
      return `'${encodeUrlPart(String(value).replace(/'/g, "''"))}'`;
    case 'Edm.Duration':
      return `duration'${encodeUrlPart(String(value))}'`;
    case 'Edm.DateTimeOffset':
      return encodeUrlPart(normalizeDateTimeOffset(String(value)));
    default:
      return encodeUrlPart(String(value));
  }
}

/**
 * encodeURIComponent plus parentheses: they are legal in a path segment, but encoding them keeps ids unambiguous
 * for clients that split key predicates naively. Single quotes stay literal: they delimit and escape OData strings.
 */
function encodeUrlPart(text: string): string {
  return encodeURIComponent(text).replace(/\(/g, '%28').replace(/\)/g, '%29');
}
