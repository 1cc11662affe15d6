/**
 * The canonical functions `$filter` accepts, with their arities (OData 4.01 Part 2 §5.1.1.5-5.1.1.9), and the
 * standard functions we know but do not evaluate (so they answer 501, not "unknown function").
 */
import type { FunctionName } from '../ast';

export interface FunctionArity {
  min: number;
  max: number;
}

export const SUPPORTED_FUNCTIONS: Readonly<Record<FunctionName, FunctionArity>> = {
  contains: { min: 2, max: 2 },
  startswith: { min: 2, max: 2 },
  endswith: { min: 2, max: 2 },
  tolower: { min: 1, max: 1 },
  toupper: { min: 1, max: 1 },
  length: { min: 1, max: 1 },
  trim: { min: 1, max: 1 },
  concat: { min: 2, max: 2 },
  indexof: { min: 2, max: 2 },
  substring: { min: 2, max: 3 },
  year: { min: 1, max: 1 },
  month: { min: 1, max: 1 },
  day: { min: 1, max: 1 },
  hour: { min: 1, max: 1 },
  minute: { min: 1, max: 1 },
  second: { min: 1, max: 1 },
  fractionalseconds: { min: 1, max: 1 },
  date: { min: 1, max: 1 },
  time: { min: 1, max: 1 },
  now: { min: 0, max: 0 },
  round: { min: 1, max: 1 },
  floor: { min: 1, max: 1 },
  ceiling: { min: 1, max: 1 },
};

/** Standard OData functions this service does not evaluate (lower-case; 4.01 makes names case-insensitive). */
export const UNSUPPORTED_STANDARD_FUNCTIONS: ReadonlySet<string> = new Set([
  'matchespattern',
  'totaloffsetminutes',
  'totalseconds',
  'maxdatetime',
  'mindatetime',
  'cast',
  'isof',
  'hassubset',
  'hassubsequence',
  'case',
  'geo.distance',
  'geo.intersects',
  'geo.length',
]);

export function isSupportedFunction(name: string): name is FunctionName {
  return Object.prototype.hasOwnProperty.call(SUPPORTED_FUNCTIONS, name);
}

export const SUPPORTED_FUNCTION_LIST = Object.keys(SUPPORTED_FUNCTIONS).join(', ');
