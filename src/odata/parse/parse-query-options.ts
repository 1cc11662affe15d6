/**
 * The raw query string → ODataQuery. Works on the raw text so duplicates are seen and percent-decoding happens
 * once, per option. Which names are system query options depends on the request's OData version
 * (`system-query-option-key.ts`): `$`-prefixed names in any case always; in a 4.01 request also the same names
 * without `$`. Other names are custom options (`x-foo`, `sap-client`, a 4.0 client's `top`), passed over untouched.
 * `+` is decoded as a space (as ASP.NET Core OData and browsers' form encoding do); a literal plus, e.g. in a
 * DateTimeOffset offset, must be sent as `%2B`.
 */
import type { ODataQuery } from '../ast';
import { ODataError } from '../errors';
import { DEFAULT_PARSE_LIMITS, MAX_SKIP, type ParseLimits } from './limits';
import { nonNegativeInteger } from './non-negative-integer';
import { parseExpand } from './parse-expand';
import { parseFilterCached } from './parse-filter-cached';
import { parseOrderBy, parseSelect } from './parse-select';
import { systemQueryOptionKey } from './system-query-option-key';
import { DEFAULT_VERSION, type ODataVersion } from '../version';

export { parseOrderBy, parseSelect } from './parse-select';

const SUPPORTED = ['$filter', '$orderby', '$select', '$expand', '$top', '$skip', '$count', '$search', '$format', '$skiptoken'] as const;
const NOT_IMPLEMENTED: Record<string, string> = {
  $apply: 'Aggregate in the client (Power Query folds what it can).',
  $compute: 'Compute the value in the client.',
  $levels: 'There are no recursive hierarchies here.',
  $index: 'Ordered collections are not modelled.',
  $schemaversion: 'There is one schema version.',
  $deltatoken: 'Change tracking is not offered.',
  $id: 'Address entities by key.',
};

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new ODataError('InvalidUrl', { reason: `'${raw.slice(0, 40)}' has a malformed percent-encoding` });
  }
}

/**
 * Parenthesis nesting of a `$search` expression outside its double-quoted phrases (where `\"` escapes a quote),
 * as the evaluator's tokenizer reads it (src/odata/evaluate/parse-search.ts). Its parser recurses per level, so the
 * nesting is bounded here, like `$filter`'s, before anything recurses.
 */
function searchNestingDepth(search: string): number {
  let depth = 0;
  let max = 0;
  let inPhrase = false;
  for (let i = 0; i < search.length; i++) {
    const ch = search[i];
    if (inPhrase) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inPhrase = false;
    } else if (ch === '"') inPhrase = true;
    else if (ch === '(') max = Math.max(max, ++depth);
    else if (ch === ')') depth = Math.max(0, depth - 1);
  }
  return max;
}

function nonEmpty(option: string, value: string, hint: string): string {
  if (value.trim() === '') throw new ODataError('InvalidQueryOption', { option, reason: `it is empty; ${hint}` });
  return value;
}

export function parseQueryOptions(raw: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS, version: ODataVersion = DEFAULT_VERSION): ODataQuery {
  const seen = new Map<string, string>();
  // Tolerate the URL's own '?' so `?$top=5` is not mistaken for a custom option named `?$top` (silently ignored).
  const text = raw.startsWith('?') ? raw.slice(1) : raw;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const name = decode(rawName).trim();
    const key = systemQueryOptionKey(name, version);
    if (key === undefined) continue; // custom query option: allowed and ignored
    if (key in NOT_IMPLEMENTED) throw new ODataError('NotImplemented', { feature: name, hint: NOT_IMPLEMENTED[key] });
    if (!(SUPPORTED as readonly string[]).includes(key)) {
      throw new ODataError('UnknownQueryOption', { option: name, supported: SUPPORTED.join(', ') });
    }
    if (seen.has(key)) throw new ODataError('DuplicateQueryOption', { option: key });
    seen.set(key, eq < 0 ? '' : decode(part.slice(eq + 1)));
  }
  const query: ODataQuery = { orderby: [], count: false };
  const filter = seen.get('$filter');
  if (filter !== undefined) query.filter = parseFilterCached(filter, limits);
  const orderby = seen.get('$orderby');
  if (orderby !== undefined) query.orderby = parseOrderBy(orderby, limits);
  const select = seen.get('$select');
  if (select !== undefined) query.select = parseSelect(select);
  const expand = seen.get('$expand');
  if (expand !== undefined) query.expand = parseExpand(expand, limits, version);
  // A navigation property both selected and expanded (`$select=Id,Repository&$expand=Repository`) is written by the
  // expansion; the select list keeps the structural properties only (Part 1 §11.2.5.1 lets $select name it).
  if (query.select !== undefined && query.expand !== undefined) {
    const expanded = new Set(query.expand.map((item) => item.navigation));
    query.select = query.select.filter((name) => !expanded.has(name));
  }
  const top = seen.get('$top');
  if (top !== undefined) query.top = nonNegativeInteger('$top', top, limits.maxTop);
  const skip = seen.get('$skip');
  if (skip !== undefined) query.skip = nonNegativeInteger('$skip', skip, MAX_SKIP);
  const count = seen.get('$count');
  if (count !== undefined) {
    const lower = count.trim().toLowerCase();
    if (lower !== 'true' && lower !== 'false') throw new ODataError('InvalidQueryOption', { option: '$count', reason: 'it must be true or false' });
    query.count = lower === 'true';
  }
  const search = seen.get('$search');
  if (search !== undefined) {
    if (search.trim() === '') throw new ODataError('InvalidQueryOption', { option: '$search', reason: 'it is empty' });
    // The $filter length limit applies to $search too; the message names $search (FilterTooLong names $filter).
    if (search.length > limits.maxFilterLength) {
      throw new ODataError('InvalidQueryOption', { option: '$search', reason: `it is ${search.length} characters long; the limit is ${limits.maxFilterLength}` });
    }
    const depth = searchNestingDepth(search);
    if (depth > limits.maxDepth) {
      throw new ODataError('InvalidQueryOption', { option: '$search', reason: `it nests parentheses ${depth} levels deep; the limit is ${limits.maxDepth}` });
    }
    query.search = search;
  }
  // Both need a value (ABNF: `format` names a type, `skiptoken` is 1*qchar); an empty one is a mistake, not a default.
  const format = seen.get('$format');
  if (format !== undefined) query.format = nonEmpty('$format', format, 'name a format, e.g. $format=json');
  const skiptoken = seen.get('$skiptoken');
  if (skiptoken !== undefined) query.skiptoken = nonEmpty('$skiptoken', skiptoken, 'copy the whole @odata.nextLink, or leave $skiptoken out for the first page');
  return query;
}
