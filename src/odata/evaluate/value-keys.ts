/**
 * How values of each Edm type compare. Every comparison (`eq`…`le`, `in`, `$orderby`) maps both operands to a
 * primitive *key* and compares keys, so the rules live here once:
 * - numbers compare numerically after promotion (Part 2 §5.1.1 "Numeric Promotion"; all are JS numbers here);
 * - strings compare case-sensitively, ordinally by code point (see `code-points.ts`);
 * - `false` < `true` (Part 2 `gt`/`lt`, Part 1 §11.2.6.2 `$orderby`);
 * - Guids compare by value, so case-insensitively (hex digits are case-insensitive in the ABNF), ordered by their
 *   lower-case text;
 * - DateTimeOffsets compare by instant at full precision (bigint picoseconds), an Edm.Date meeting a DateTimeOffset
 *   is promoted to midnight UTC (see `dateInstantOf`); Dates by day, TimeOfDay and Duration by picoseconds.
 */
import type { ComparisonOperator, EdmType, LiteralValue } from '../ast';
import { compareCodePoints } from './code-points';
import { dateInstantOf, dayNumberOf, durationPicosOf, instantOf, timeOfDayPicosOf } from './temporal';
import { NUMERIC_TYPES, type ExprType } from './types';

export type KeyKind = 'number' | 'string' | 'boolean' | 'guid' | 'instant' | 'date' | 'time-of-day' | 'duration';
export type ComparisonKey = string | number | bigint | boolean;
/** Maps a non-null value to its key; undefined when the value is not of the expected form (treated like null). */
export type ToKey = (value: Exclude<LiteralValue, null>) => ComparisonKey | undefined;

const KIND_OF_TYPE: Record<EdmType, KeyKind> = {
  'Edm.String': 'string',
  'Edm.Int32': 'number',
  'Edm.Int64': 'number',
  'Edm.Double': 'number',
  'Edm.Decimal': 'number',
  'Edm.Boolean': 'boolean',
  'Edm.DateTimeOffset': 'instant',
  'Edm.Date': 'date',
  'Edm.Guid': 'guid',
  'Edm.TimeOfDay': 'time-of-day',
  'Edm.Duration': 'duration',
};

export function keyKindOfType(type: EdmType): KeyKind {
  return KIND_OF_TYPE[type];
}

/**
 * The key kind two operands compare under, 'null' when both are the null literal, or undefined when the types are
 * not comparable (a 400 TypeMismatch). The null literal is comparable with anything (Part 2 §5.1.1 `eq`).
 */
export function comparisonKind(left: ExprType, right: ExprType): KeyKind | 'null' | undefined {
  if (left === 'null') return right === 'null' ? 'null' : KIND_OF_TYPE[right];
  if (right === 'null') return KIND_OF_TYPE[left];
  if (NUMERIC_TYPES.has(left) && NUMERIC_TYPES.has(right)) return 'number';
  const isDateOrDateTime = (type: ExprType) => type === 'Edm.DateTimeOffset' || type === 'Edm.Date';
  if (isDateOrDateTime(left) && isDateOrDateTime(right) && left !== right) return 'instant';
  return left === right ? KIND_OF_TYPE[left] : undefined;
}

const identityString: ToKey = (value) => (typeof value === 'string' ? value : undefined);
const identityNumber: ToKey = (value) => (typeof value === 'number' ? value : undefined);
const identityBoolean: ToKey = (value) => (typeof value === 'boolean' ? value : undefined);
const guidKey: ToKey = (value) => (typeof value === 'string' ? value.toLowerCase() : undefined);

function parsedKey(parse: (text: string) => ComparisonKey | undefined): ToKey {
  return (value) => (typeof value === 'string' ? parse(value) : undefined);
}

/** The key function for a value of static type `type` compared under `kind`. */
export function keyFunction(kind: KeyKind | 'null', type: ExprType): ToKey {
  switch (kind) {
    case 'null':
      return () => undefined;
    case 'string':
      return identityString;
    case 'number':
      return identityNumber;
    case 'boolean':
      return identityBoolean;
    case 'guid':
      return guidKey;
    case 'instant':
      return parsedKey(type === 'Edm.Date' ? dateInstantOf : instantOf);
    case 'date':
      return parsedKey(dayNumberOf);
    case 'time-of-day':
      return parsedKey(timeOfDayPicosOf);
    case 'duration':
      return parsedKey(durationPicosOf);
  }
}

/** `gt`/`ge`/`lt`/`le` on two keys of one kind (never called with null: those are false by the caller). */
export function relationOnKeys(
  op: Exclude<ComparisonOperator, 'eq' | 'ne'>,
  kind: KeyKind | 'null',
): (a: ComparisonKey, b: ComparisonKey) => boolean {
  if (kind === 'string') {
    const cmp = compareCodePoints as (a: ComparisonKey, b: ComparisonKey) => number;
    switch (op) {
      case 'gt':
        return (a, b) => cmp(a, b) > 0;
      case 'ge':
        return (a, b) => cmp(a, b) >= 0;
      case 'lt':
        return (a, b) => cmp(a, b) < 0;
      case 'le':
        return (a, b) => cmp(a, b) <= 0;
    }
  }
  // Native operators order numbers (NaN compares false, as Part 2 requires), bigints and booleans (false < true).
  switch (op) {
    case 'gt':
      return (a, b) => a > b;
    case 'ge':
      return (a, b) => a >= b;
    case 'lt':
      return (a, b) => a < b;
    case 'le':
      return (a, b) => a <= b;
  }
}

/** A total order on keys of one kind for sorting. NaN (only reachable through Double literals) sorts last. */
export function orderOnKeys(kind: KeyKind): (a: ComparisonKey, b: ComparisonKey) => number {
  if (kind === 'string') return compareCodePoints as (a: ComparisonKey, b: ComparisonKey) => number;
  return (a, b) => {
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
    const aNaN = a !== a;
    const bNaN = b !== b;
    return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  };
}
