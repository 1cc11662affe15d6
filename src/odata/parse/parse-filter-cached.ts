/**
 * `parseFilter` with its answers kept: the same `$filter` text comes again and again (a Power BI refresh asks the
 * same URLs each time, and every page of a walk repeats its `$filter` beside a new `$skiptoken`). Parsing one
 * two-conjunct filter cost 8–39 µs of an answer's CPU under load (issue #15: CPU per answer page); a hit is a map
 * look-up. The tree handed out is the same object for the same text and limits, frozen all the way down so that no
 * consumer can change what the next request gets (a write to it throws in strict mode, which every module is), and so
 * that what is worked out per tree further on (`WeakMap`s keyed by it: type check, folding, compiled predicate) is
 * found again. Bounded: the texts are the clients', so their number is not ours to choose; an evicted one is parsed
 * again. Failures are not kept: a text that fails throws its error on every request, as before.
 */
import { LRUCache } from 'lru-cache';
import type { Expr } from '../ast';
import type { ParseLimits } from './limits';
import { parseFilter } from './parse-filter';
import { deepFreeze } from '../deep-freeze';

/** Distinct filter texts kept; a tree is a few hundred bytes, the text at most `maxFilterLength`. */
const MAX_KEPT = 500;

const kept = new LRUCache<string, Expr>({ max: MAX_KEPT });

/** `parseFilter(text, limits)`, the same frozen tree for the same text and limits while it is kept. */
export function parseFilterCached(text: string, limits: ParseLimits): Expr {
  // The limits decide whether a text parses at all (its length and nesting), so they are part of the key.
  const key = `${limits.maxFilterLength}:${limits.maxDepth}:${text}`;
  let expr = kept.get(key);
  if (expr === undefined) {
    expr = deepFreeze(parseFilter(text, limits));
    kept.set(key, expr);
  }
  return expr;
}
