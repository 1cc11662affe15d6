import { compareCodePoints, compareNatural } from './compare-strings';
import { parseIsoInstant } from './iso-instant';
import { queryErrors } from './query-errors';
import { resolvePath } from './resolve-path';

export interface SortOptions {
  /** Which dotted paths the endpoint lets clients sort on; without it every path is allowed. */
  fieldAllowed?: (path: string) => boolean;
  /** Paths sorted in natural order (`name` on refs, branches and tags, per their endpoint descriptions). */
  naturalFields?: readonly string[];
}

const SORT = /^(-?)([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

/**
 * Applies Bitbucket's `sort` parameter ("Sorting query results": one field, ascending unless prefixed with `-`;
 * compound sorts are not supported). Returns a new array; the input is not modified.
 *
 * Order (README.md, "sort"): nulls/absent values sort last ascending and first descending (PostgreSQL's default,
 * which is what a reversed ascending order gives); strings that are both ISO-8601 datetimes compare as instants,
 * other strings by code point (or naturally, for `naturalFields`); numbers numerically; false before true; values
 * of different types by type (booleans, numbers, strings). The sort is stable in both directions, so ties keep the
 * store order. An empty `sort` means "no sort". A path that crosses an array or reaches an object is a 400.
 */
export function sortItems<T>(items: readonly T[], sort: string, options: SortOptions = {}): T[] {
  if (sort === '') return [...items];
  const match = SORT.exec(sort);
  if (!match) throw queryErrors.invalidSort(sort);
  const descending = match[1] === '-';
  const path = match[2]!;
  if (options.fieldAllowed && !options.fieldAllowed(path)) throw queryErrors.fieldNotSortable(path);
  const natural = options.naturalFields?.includes(path) ?? false;
  const keyed = items.map((item) => ({ item, key: sortKey(item, path) }));
  const direction = descending ? -1 : 1;
  keyed.sort((a, b) => direction * compareKeys(a.key, b.key, natural));
  return keyed.map(({ item }) => item);
}

type SortKey = null | boolean | number | string;

function sortKey(item: unknown, path: string): SortKey {
  const { candidates, crossedArray } = resolvePath(item, path);
  const value = candidates[0];
  if (crossedArray || (value !== null && typeof value === 'object')) throw queryErrors.fieldNotSortable(path);
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  throw queryErrors.fieldNotSortable(path);
}

const TYPE_RANK = { boolean: 0, number: 1, string: 2 } as const;

function compareKeys(a: SortKey, b: SortKey, natural: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const typeA = typeof a as keyof typeof TYPE_RANK;
  const typeB = typeof b as keyof typeof TYPE_RANK;
  if (typeA !== typeB) return Math.sign(TYPE_RANK[typeA] - TYPE_RANK[typeB]);
  if (typeof a === 'string' && typeof b === 'string') {
    if (natural) return compareNatural(a, b);
    const instantA = parseIsoInstant(a);
    const instantB = parseIsoInstant(b);
    if (instantA !== undefined && instantB !== undefined) return Math.sign(instantA - instantB);
    return compareCodePoints(a, b);
  }
  return a === b ? 0 : a < b ? -1 : 1;
}
