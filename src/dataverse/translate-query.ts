/**
 * A Dataverse-root query in `/odata/` terms. The Guid key exists only on this root, so wherever the client names it
 * the query is rewritten to what Bitbucket's routes understand:
 * - `$select`: the Guid is computed from the composite key (and, for native keys, Bitbucket's UUID property), so those
 *   are always read; the answer is projected back to what the client selected.
 * - `$filter`: `<Key> eq <guid>` becomes `Uuid eq '{guid}'` (native) or the composite key's conjunction, found in the
 *   reverse index (name-based); any other use of the key is a 400 that says what works.
 * - `$orderby`: a native key orders as Bitbucket's UUID text (the same order: braces around lower-case hex); a
 *   name-based key has no meaningful order and is refused.
 * - `$inlinecount=allpages` (OData 2/3, which the Data Provider's "Return Inline Count" may send) is `$count=true`.
 * Everything else passes unchanged. The rewrite is a function of the client's query (and the index), so a nextLink
 * followed on this root rewrites to the same `/odata/` query its `$skiptoken` was bound to.
 */
import type { LiteralValue } from '../odata/ast';
import { ODataError } from '../odata/errors';
import type { DataverseSet } from './dataverse-model';
import type { KeyValues } from '../odata/ast';

export type QueryPair = [name: string, value: string];

const GUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';

/**
 * The composite keys of the Guids a query names, already looked up (`ReverseIndex.lookupMany` over `mentionedGuids`):
 * translating stays a pure function of the query and what is known.
 */
export type KnownKeys = (setName: string, guid: string) => KeyValues | undefined;

/** Every Guid literal in a `$filter`, for looking their keys up before the filter is rewritten. */
export function mentionedGuids(filter: string): string[] {
  return filter.match(new RegExp(GUID, 'g')) ?? [];
}
/** Single-quoted OData string literals (`''` inside is a quote), which a rewrite must never touch. */
const STRING_LITERAL = /'(?:[^']|'')*'/g;

function decode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** `a=1&b=2` → [['a','1'],['b','2']], names and values percent-decoded. */
export function queryPairs(raw: string): QueryPair[] {
  return raw
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
    });
}

export function queryString(pairs: readonly QueryPair[]): string {
  return pairs.map(([name, value]) => `${name.replace(/[^$\w.-]/g, encodeURIComponent)}=${encodeURIComponent(value)}`).join('&');
}

function odataLiteral(value: LiteralValue): string {
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return String(value);
}

/** Apply `rewrite` to the parts of a `$filter`/`$orderby` outside string literals. */
function outsideLiterals(text: string, rewrite: (code: string) => string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(STRING_LITERAL)) {
    out += rewrite(text.slice(last, match.index)) + match[0];
    last = (match.index ?? 0) + match[0].length;
  }
  return out + rewrite(text.slice(last));
}

function mentionsKey(set: DataverseSet, text: string): boolean {
  const pattern = new RegExp(`\\b${set.keyName}\\b`);
  let found = false;
  outsideLiterals(text, (code) => {
    if (pattern.test(code)) found = true;
    return code;
  });
  return found;
}

/** `<Key> eq <guid>` in `/odata/` terms. */
export function keyCondition(set: DataverseSet, guid: string, known: KnownKeys): string {
  if (set.scheme.kind === 'native') return `${set.scheme.property} eq '{${guid.toLowerCase()}}'`;
  const key = known(set.def.name, guid.toLowerCase());
  if (!key) {
    throw new ODataError('BadRequest', {
      message:
        `${set.keyName} ${guid} has not been served by this gateway lately (it is a name-based UUID of ${set.main.key.join(', ')}, ` +
        `which cannot be read back from the UUID alone). Filter on ${set.main.key.join(', ')} instead, or list the rows first.`,
    });
  }
  return `(${set.main.key.map((name) => `${name} eq ${odataLiteral(key[name] ?? null)}`).join(' and ')})`;
}

export function rewriteFilter(set: DataverseSet, filter: string, known: KnownKeys): string {
  const comparison = new RegExp(`\\b${set.keyName}\\s+eq\\s+(${GUID})\\b`, 'g');
  const rewritten = outsideLiterals(filter, (code) => code.replace(comparison, (_whole, guid: string) => keyCondition(set, guid, known)));
  if (mentionsKey(set, rewritten)) {
    throw new ODataError('InvalidFilter', { reason: `${set.keyName} can only be compared with eq and a Guid (${set.keyName} eq 00000000-0000-0000-0000-000000000000); filter on other columns for anything else` });
  }
  return rewritten;
}

export function rewriteOrderBy(set: DataverseSet, orderby: string): string {
  return orderby
    .split(',')
    .map((item) => {
      const [property, ...rest] = item.trim().split(/\s+/);
      if (property !== set.keyName) return item;
      if (set.scheme.kind === 'native') return [set.scheme.property, ...rest].join(' ');
      throw new ODataError('InvalidOrderBy', { reason: `${set.keyName} is a name-based UUID with no meaningful order; order by ${set.main.key.join(', ')} instead` });
    })
    .join(',');
}

/** What `/odata/` must read so the Guid can be computed and the client's selection served. */
export function mainSelect(set: DataverseSet, select: readonly string[] | undefined): string[] | undefined {
  if (select === undefined || select.includes('*')) return undefined;
  const needed = [...select.filter((name) => name !== set.keyName), ...set.main.key, ...(set.scheme.kind === 'native' ? [set.scheme.property] : [])];
  return [...new Set(needed)];
}

/** `$inlinecount` (OData 2/3) as `$count`; `allpages` counts, `none` does not. */
function countOption(value: string): boolean {
  if (value === 'allpages') return true;
  if (value === 'none') return false;
  throw new ODataError('InvalidQueryOption', { option: '$inlinecount', reason: "it takes 'allpages' or 'none' (it is an alias of $count=true / $count=false)" });
}

/**
 * The client's query options without `$inlinecount` (translated to `$count`): what the Dataverse model validates.
 */
export function withoutInlineCount(pairs: readonly QueryPair[]): QueryPair[] {
  const inline = pairs.find(([name]) => name.toLowerCase() === '$inlinecount');
  const rest = pairs.filter(([name]) => name.toLowerCase() !== '$inlinecount');
  if (!inline || rest.some(([name]) => name.toLowerCase() === '$count')) return rest;
  return countOption(inline[1]) ? [...rest, ['$count', 'true']] : rest;
}

/** The client's (already `withoutInlineCount`) options in `/odata/` terms. */
export function toMainQuery(set: DataverseSet, pairs: readonly QueryPair[], select: readonly string[] | undefined, known: KnownKeys): QueryPair[] {
  const out: QueryPair[] = [];
  for (const [name, value] of pairs) {
    switch (name.toLowerCase()) {
      case '$select': {
        const needed = mainSelect(set, select);
        if (needed) out.push([name, needed.join(',')]);
        break;
      }
      case '$filter':
        out.push([name, rewriteFilter(set, value, known)]);
        break;
      case '$orderby':
        out.push([name, rewriteOrderBy(set, value)]);
        break;
      default:
        out.push([name, value]);
    }
  }
  return out;
}
