/**
 * The resource path after the service root (OData 4.01 Part 2 §4): `EntitySet`, `EntitySet(keys)`, `/$count`,
 * `/Property`, `/Property/$value`, `/Navigation`, `/Navigation(keys)`, `/Namespace.Action`, singletons,
 * `$metadata`, `$batch`. Segments are split on `/` outside quotes and parentheses, then percent-decoded.
 */
import { LRUCache } from 'lru-cache';
import type { KeyValues, ResourcePath } from '../ast';
import { deepFreeze } from '../deep-freeze';
import { ODataError } from '../errors';
import { matchLiteral } from './literal';

/** The structural characters of a path, raw or percent-encoded (ABNF: `SQUOTE = "'" / "%27"`, `OPEN`, `CLOSE`). */
const STRUCTURAL: Readonly<Record<string, string>> = { '%27': "'", '%28': '(', '%29': ')' };

/**
 * Split on `/` outside parentheses and quoted strings, before decoding; a quote or parenthesis counts whether it
 * is written raw or percent-encoded, so `Users(%27a)b%27)/Name` keeps its key whole.
 */
function splitSegments(path: string): string[] {
  const segments: string[] = [];
  let start = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < path.length; i++) {
    const encoded = path[i] === '%' ? STRUCTURAL[path.slice(i, i + 3).toLowerCase()] : undefined;
    const ch = encoded ?? path[i];
    if (ch === "'" && depth > 0) inString = !inString;
    else if (!inString && ch === '(') depth += 1;
    else if (!inString && ch === ')') depth -= 1;
    else if (ch === '/' && depth === 0 && !inString) {
      segments.push(path.slice(start, i));
      start = i + 1;
    }
    if (encoded) i += 2;
  }
  segments.push(path.slice(start));
  return segments;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ODataError('InvalidUrl', { reason: `the path segment '${segment.slice(0, 40)}' has a malformed percent-encoding` });
  }
}

/** `('v')` or `(A='x',B=5)`. */
export function parseKeyPredicate(text: string, entitySet: string): KeyValues {
  const fail = (reason: string): never => {
    throw new ODataError('InvalidKey', { entitySet, reason, expected: 'Name=value,... or a single value' });
  };
  const inner = text.slice(1, -1);
  const values: KeyValues = {};
  let pos = 0;
  const readValue = () => {
    if (inner[pos] === '@') throw new ODataError('NotImplemented', { feature: 'Parameter aliases in keys', hint: 'Write the key value inline.' });
    const literal = matchLiteral(inner, pos);
    if (literal === undefined || literal === 'unterminated-string') fail(`'${inner.slice(pos, pos + 30)}' is not a key value (strings are quoted: 'value')`);
    pos += (literal as { length: number }).length;
    return (literal as { value: KeyValues[string] }).value;
  };
  if (inner.trim() === '') fail('it is empty');
  const named = /^\s*[A-Za-z_]\w*\s*=/.test(inner);
  if (!named) {
    values[''] = readValue();
    if (pos !== inner.length) fail(`unexpected '${inner.slice(pos, pos + 20)}'`);
    return values;
  }
  for (;;) {
    const name = /^\s*([A-Za-z_]\w*)\s*=\s*/.exec(inner.slice(pos));
    if (!name) fail(`expected Name=value at '${inner.slice(pos, pos + 20)}'`);
    pos += (name as RegExpExecArray)[0].length;
    const key = (name as RegExpExecArray)[1];
    if (key in values) fail(`${key} is given twice`);
    values[key] = readValue();
    const rest = /^\s*(,?)\s*/.exec(inner.slice(pos)) as RegExpExecArray;
    pos += rest[0].length;
    if (pos >= inner.length) {
      // ABNF `compoundKey = OPEN keyValuePair *( COMMA keyValuePair ) CLOSE`: a comma needs a pair after it.
      if (rest[1] === ',') fail('it ends with a comma; remove it or add the missing Name=value');
      return values;
    }
    if (rest[1] !== ',') fail(`expected ',' at '${inner.slice(pos, pos + 20)}'`);
  }
}

function nameAndKey(segment: string, what: string): { name: string; key?: KeyValues } {
  const open = segment.indexOf('(');
  if (open < 0) return { name: segment };
  if (!segment.endsWith(')')) throw new ODataError('InvalidUrl', { reason: `the ${what} segment '${segment.slice(0, 60)}' has an unclosed key predicate` });
  const name = segment.slice(0, open);
  return { name, key: parseKeyPredicate(segment.slice(open), name) };
}

const IDENTIFIER = /^[A-Za-z_][\w]*$/;

/** `singletons` names the model's singletons: `Me` is a singleton, `Repositories` an entity set. */
export function parseResourcePath(path: string, singletons: ReadonlySet<string> = new Set()): ResourcePath {
  const trimmed = path.replace(/^\/+/, '');
  if (trimmed === '') return { kind: 'service-document' };
  const raw = splitSegments(trimmed);
  if (raw[raw.length - 1] === '') raw.pop(); // a trailing slash
  const segments = raw.map(decodeSegment);
  const [first, ...rest] = segments;
  if (first === '$metadata' || first === '$batch') {
    if (rest.length > 0) throw new ODataError('InvalidUrl', { reason: `unexpected '${rest.join('/').slice(0, 80)}' after ${first}` });
    return { kind: first === '$metadata' ? 'metadata' : 'batch' };
  }
  if (first.startsWith('$')) throw new ODataError('NotImplemented', { feature: `The resource ${first}`, hint: 'See the service document for what is available.' });
  const head = nameAndKey(first, 'first');
  if (!IDENTIFIER.test(head.name)) throw new ODataError('InvalidUrl', { reason: `'${head.name.slice(0, 60)}' is not an entity set name` });

  if (singletons.has(head.name)) {
    if (head.key) throw new ODataError('InvalidUrl', { reason: `${head.name} is a singleton and takes no key` });
    if (rest.length === 0) return { kind: 'singleton', name: head.name };
    if (rest.length <= 2 && IDENTIFIER.test(rest[0]) && (rest.length === 1 || rest[1] === '$value')) {
      return { kind: 'singleton', name: head.name, property: { name: rest[0], value: rest.length === 2 } };
    }
    throw new ODataError('InvalidUrl', { reason: `unexpected '${rest.join('/')}' after ${head.name}` });
  }

  const result: Extract<ResourcePath, { kind: 'entity-set' }> = { kind: 'entity-set', entitySet: head.name, key: head.key, count: false };
  const unexpected = (): never => {
    throw new ODataError('InvalidUrl', { reason: `unexpected '${rest.join('/').slice(0, 80)}' after ${first.slice(0, 80)}` });
  };
  const propertyAt = (segs: string[]): { name: string; value: boolean } | undefined => {
    if (segs.length === 0) return undefined;
    if (!IDENTIFIER.test(segs[0]) || segs.length > 2 || (segs.length === 2 && segs[1] !== '$value')) unexpected();
    return { name: segs[0], value: segs.length === 2 };
  };
  if (rest.length === 0) return result;
  if (!head.key) {
    if (rest.length === 1 && rest[0] === '$count') return { ...result, count: true };
    return unexpected();
  }
  const [segment, ...after] = rest;
  if (segment === '$ref' || segment === '$entity' || segment === '$each') {
    throw new ODataError('NotImplemented', { feature: `The ${segment} path segment`, hint: 'Address entities by key.' });
  }
  // A dot in the name (not in a key value: Branches(Name='v1.2') is navigation) makes a qualified operation.
  const operation = segment.includes('(') ? segment.slice(0, segment.indexOf('(')) : segment;
  if (operation.includes('.')) {
    // ABNF `boundActionCall = [ namespace "." ] action`: no parentheses. With them it is a function call.
    if (operation !== segment) {
      throw new ODataError('NotImplemented', { feature: `Bound functions (${operation.slice(0, 60)}(…))`, hint: `This service offers bound actions only; invoke one without parentheses: POST …/${operation.slice(0, 60)}.` });
    }
    if (after.length > 0) unexpected();
    return { ...result, action: segment };
  }
  const part = nameAndKey(segment, 'navigation');
  if (!IDENTIFIER.test(part.name)) unexpected();
  if (part.key) return { ...result, navigation: { property: part.name, key: part.key }, property: propertyAt(after) };
  if (after.length === 0 || (after.length === 1 && after[0] === '$value')) {
    // `Entity(key)/Name`: a property, or a navigation property; the model decides (resolveTarget).
    return { ...result, property: { name: part.name, value: after.length === 1 } };
  }
  if (after.length === 1 && after[0] === '$count') return { ...result, navigation: { property: part.name }, count: true };
  return { ...result, navigation: { property: part.name }, property: propertyAt(after) };
}

/**
 * Paths parsed already, per set of singleton names (one per router): the same path comes again and again (a Power BI
 * refresh, every page of a walk), and parsing one cost 3–6 µs of an answer's CPU under load (issue #15: CPU per
 * answer page). The same path gives the same result object, frozen all the way down so that no reader changes it for
 * the next request, and so that what is worked out from it further on (`resolveTargetKept`) is found again.
 * Bounded: paths are the clients'. A path that fails throws on every request, as before.
 */
const keptPaths = new WeakMap<ReadonlySet<string>, LRUCache<string, ResourcePath>>();
const PATHS_KEPT = 500;

/** `parseResourcePath(path, singletons)`, the same frozen answer for the same path while it is kept. */
export function parseResourcePathKept(path: string, singletons: ReadonlySet<string>): ResourcePath {
  let paths = keptPaths.get(singletons);
  if (!paths) keptPaths.set(singletons, (paths = new LRUCache({ max: PATHS_KEPT })));
  let parsed = paths.get(path);
  if (!parsed) paths.set(path, (parsed = deepFreeze(parseResourcePath(path, singletons))));
  return parsed;
}
