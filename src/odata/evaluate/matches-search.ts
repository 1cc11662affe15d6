/**
 * `$search` matching. "The definition of what it means to match is dependent upon the implementation" (OData 4.01
 * Part 1 §11.2.6.6); ours: a word or phrase matches a row when any searchable property contains it, ignoring case
 * (both sides lower-cased with Unicode default case mapping). Numbers and other non-strings are searched in their
 * JSON text. `NOT`/`AND`/`OR` combine matches as parsed by `parseSearch`.
 */
import type { Row } from '../ast';
import { parseSearch, type SearchExpr } from './parse-search';

type Matcher = (texts: string[]) => boolean;

function compileSearchExpr(expr: SearchExpr): Matcher {
  switch (expr.kind) {
    case 'term': {
      const needle = expr.text.toLowerCase();
      return (texts) => texts.some((text) => text.includes(needle));
    }
    case 'not': {
      const operand = compileSearchExpr(expr.operand);
      return (texts) => !operand(texts);
    }
    case 'and': {
      const left = compileSearchExpr(expr.left);
      const right = compileSearchExpr(expr.right);
      return (texts) => left(texts) && right(texts);
    }
    case 'or': {
      const left = compileSearchExpr(expr.left);
      const right = compileSearchExpr(expr.right);
      return (texts) => left(texts) || right(texts);
    }
  }
}

/** Parses `search` once (400 InvalidQueryOption when malformed) and returns a row predicate. */
export function compileSearch(search: string, searchable: string[]): (row: Row) => boolean {
  const matcher = compileSearchExpr(parseSearch(search));
  return (row) => {
    const texts: string[] = [];
    for (const property of searchable) {
      const value = row[property];
      if (value !== null && value !== undefined) texts.push(String(value).toLowerCase());
    }
    return matcher(texts);
  };
}

const compiled = new Map<string, (row: Row) => boolean>();
const MAX_CACHED = 256;

/** One-row convenience over `compileSearch`, caching the compiled expression per search text and property list. */
export function matchesSearch(row: Row, search: string, searchable: string[]): boolean {
  const cacheKey = `${searchable.join('\u0000')}\u0001${search}`;
  let predicate = compiled.get(cacheKey);
  if (!predicate) {
    if (compiled.size >= MAX_CACHED) compiled.clear();
    predicate = compileSearch(search, searchable);
    compiled.set(cacheKey, predicate);
  }
  return predicate(row);
}
