/**
 * `$expand` → ExpandItem[] (OData 4.01 Part 2 §5.1.3; ABNF `expand`, `expandItem`, `expandOption`): a comma-separated
 * list of navigation property names, each optionally followed by options in parentheses separated by `;`.
 *
 * What this service expands is one level of navigation with `$select`, `$filter`, `$orderby`, `$top`, `$skip` and
 * `$count` inside. The rest of the grammar is recognised so that it is refused with a message that says what to do:
 * `*`, `/$ref`, `/$count`, `$levels`, a nested `$expand` and a nested `$search` (501), paths and annotations (400).
 * Names are checked against the model later (`validate-expand.ts`); this file knows no model.
 *
 * Safety: the whole value is measured first (the `$filter` length limit), split by a linear scan that counts
 * parentheses outside string literals, and nothing recurses: a nested `$expand` is refused, not parsed.
 */
import type { ExpandItem, ExpandOptions } from '../ast';
import { ODataError } from '../errors';
import { DEFAULT_PARSE_LIMITS, MAX_EXPAND_ITEMS, MAX_SKIP, type ParseLimits } from './limits';
import { nonNegativeInteger } from './non-negative-integer';
import { parseFilter } from './parse-filter';
import { parseOrderBy, parseSelect } from './parse-select';
import { systemQueryOptionKey } from './system-query-option-key';
import { DEFAULT_VERSION, type ODataVersion } from '../version';

const NESTED_SUPPORTED = ['$select', '$filter', '$orderby', '$top', '$skip', '$count'] as const;

/** Nested options of the grammar this service does not offer, each with what to do instead. */
const NESTED_NOT_IMPLEMENTED: Record<string, { feature: string; hint: string }> = {
  $expand: {
    feature: 'A nested $expand (expanding more than one level)',
    hint: 'Expand one level, then query the next level as its own entity set with a $filter on its key properties.',
  },
  $levels: { feature: '$levels', hint: 'There are no recursive hierarchies here; expand one level.' },
  $search: { feature: '$search inside $expand', hint: 'Use a nested $filter with contains(), e.g. $expand=PullRequests($filter=contains(Title,\'fix\')).' },
  $compute: { feature: '$compute inside $expand', hint: 'Compute the value in the client.' },
  $apply: { feature: '$apply inside $expand', hint: 'Aggregate in the client.' },
};

/**
 * Split `text` at `separator` where it stands outside parentheses and single-quoted literals (`''` is an escaped
 * quote inside one, which the toggling handles). Unbalanced parentheses are refused here, with their position.
 */
function splitTopLevel(text: string, separator: ',' | ';', what: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") inString = !inString;
    else if (inString) continue;
    else if (ch === '(') depth += 1;
    else if (ch === ')') {
      depth -= 1;
      if (depth < 0) throw new ODataError('InvalidExpand', { reason: `${what} has a ')' without its '(' at position ${i + 1}` });
    } else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (inString) throw new ODataError('InvalidExpand', { reason: `${what} has a string literal without its closing quote` });
  if (depth > 0) throw new ODataError('InvalidExpand', { reason: `${what} has a '(' without its ')'` });
  parts.push(text.slice(start));
  return parts;
}

/** What an item's path names, or the error that says why it cannot be expanded here. */
function navigationName(path: string): string {
  const shown = path.length > 40 ? `${path.slice(0, 40)}…` : path;
  if (path === '*' || path.startsWith('*/') || path.endsWith('/*')) {
    throw new ODataError('NotImplemented', { feature: '$expand=*', hint: 'Name the navigation properties to expand, e.g. $expand=Repository (the navigation properties are listed in $metadata).' });
  }
  const segments = path.split('/');
  const last = segments[segments.length - 1];
  if (segments.length > 1 && last === '$ref') {
    throw new ODataError('NotImplemented', { feature: '$expand with /$ref', hint: `Expand the entities themselves ($expand=${segments[0]}) and keep their key properties with a nested $select.` });
  }
  if (segments.length > 1 && last === '$count') {
    throw new ODataError('NotImplemented', { feature: '$expand with /$count', hint: `Use $expand=${segments[0]}($count=true;$top=0) for the count alone.` });
  }
  if (segments.length > 1) {
    throw new ODataError('InvalidExpand', { reason: `'${shown}' is a path; name a navigation property of the entity itself (one level, the entities are flat)` });
  }
  if (!/^[A-Za-z_]\w*$/.test(path)) throw new ODataError('InvalidExpand', { reason: `'${shown}' is not a navigation property name` });
  return path;
}

function parseOptions(navigation: string, text: string, limits: ParseLimits, version: ODataVersion): ExpandOptions {
  const options: ExpandOptions = { orderby: [], count: false };
  if (text.trim() === '') throw new ODataError('InvalidExpand', { reason: `${navigation}() has empty parentheses; give options such as ${navigation}($select=Name) or leave the parentheses out` });
  const seen = new Set<string>();
  for (const part of splitTopLevel(text, ';', `${navigation}(…)`)) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1);
    // 4.01 allows nested option names without `$` too (ABNF `expandOption`, e.g. `( "$select" / "select" )`).
    const key = systemQueryOptionKey(name, version) ?? name.toLowerCase();
    if (key in NESTED_NOT_IMPLEMENTED) throw new ODataError('NotImplemented', NESTED_NOT_IMPLEMENTED[key]);
    if (!(NESTED_SUPPORTED as readonly string[]).includes(key)) {
      throw new ODataError('InvalidExpand', { reason: `'${name.slice(0, 40)}' in ${navigation}(…) is not an option this service supports there; use ${NESTED_SUPPORTED.join(', ')}, separated by ';'` });
    }
    if (seen.has(key)) throw new ODataError('InvalidExpand', { reason: `${key} appears more than once in ${navigation}(…); give it once` });
    seen.add(key);
    if (eq < 0 || value.trim() === '') throw new ODataError('InvalidExpand', { reason: `${key} in ${navigation}(…) has no value` });
    switch (key) {
      case '$select':
        options.select = parseSelect(value);
        break;
      case '$filter':
        options.filter = parseFilter(value, limits);
        break;
      case '$orderby':
        options.orderby = parseOrderBy(value, limits);
        break;
      case '$top':
        options.top = nonNegativeInteger('$top', value, limits.maxTop);
        break;
      case '$skip':
        options.skip = nonNegativeInteger('$skip', value, MAX_SKIP);
        break;
      case '$count': {
        const lower = value.trim().toLowerCase();
        if (lower !== 'true' && lower !== 'false') throw new ODataError('InvalidExpand', { reason: `$count in ${navigation}(…) must be true or false` });
        options.count = lower === 'true';
        break;
      }
    }
  }
  return options;
}

/** The value of `$expand` (already percent-decoded) → the items in request order. */
export function parseExpand(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS, version: ODataVersion = DEFAULT_VERSION): ExpandItem[] {
  if (text.trim() === '') throw new ODataError('InvalidExpand', { reason: 'it is empty; name a navigation property, e.g. $expand=Repository' });
  // The $filter length limit bounds the whole value: it holds the nested filters.
  if (text.length > limits.maxFilterLength) {
    throw new ODataError('InvalidExpand', { reason: `it is ${text.length} characters long; the limit is ${limits.maxFilterLength}` });
  }
  const parts = splitTopLevel(text, ',', '$expand');
  if (parts.length > MAX_EXPAND_ITEMS) throw new ODataError('InvalidExpand', { reason: `it has ${parts.length} items; the limit is ${MAX_EXPAND_ITEMS}` });
  const items: ExpandItem[] = [];
  for (const part of parts) {
    const trimmed = part.trim();
    if (trimmed === '') throw new ODataError('InvalidExpand', { reason: 'it has an empty item; separate navigation properties with single commas' });
    const open = trimmed.indexOf('(');
    if (open >= 0 && !trimmed.endsWith(')')) throw new ODataError('InvalidExpand', { reason: `'${trimmed.slice(0, 40)}' has text after its closing ')'` });
    const navigation = navigationName(open < 0 ? trimmed : trimmed.slice(0, open).trim());
    if (items.some((item) => item.navigation === navigation)) {
      throw new ODataError('InvalidExpand', { reason: `${navigation} is expanded more than once; give it once, with all its options in one pair of parentheses` });
    }
    const options = open < 0 ? { orderby: [], count: false } : parseOptions(navigation, trimmed.slice(open + 1, -1), limits, version);
    items.push({ navigation, options });
  }
  return items;
}
