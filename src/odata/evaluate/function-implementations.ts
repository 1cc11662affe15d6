/**
 * What each canonical function computes (OData 4.01 Part 2 §5.1.1), given non-null arguments; null arguments give
 * null before these run ("If a parameter of a canonical function is null, the function returns null").
 * Strings are measured in code points (`code-points.ts`); date parts are read in the value's own offset.
 * A value that does not parse as its declared type yields null rather than failing the whole request.
 */
import type { FunctionName, LiteralValue } from '../ast';
import { ODataError } from '../errors';
import {
  codePointIndexOf,
  codePointLength,
  codePointSubstring,
  trimUnicodeWhitespace,
} from './code-points';
import {
  formatDateParts,
  formatTimeOfDay,
  parseDate,
  parseDateTimeOffset,
  parseTimeOfDay,
  type DateParts,
  type TimeOfDayParts,
} from './temporal';
import type { ExprType } from './types';

export type Argument = Exclude<LiteralValue, null>;
export type FunctionImplementation = (args: Argument[], argumentTypes: ExprType[]) => LiteralValue;

const text = (value: Argument): string => value as string;
const number = (value: Argument): number => value as number;

/** Date parts of an Edm.Date or Edm.DateTimeOffset argument. */
function dateParts(value: Argument, type: ExprType): DateParts | undefined {
  return type === 'Edm.Date' ? parseDate(text(value)) : parseDateTimeOffset(text(value));
}

/** Time parts of an Edm.TimeOfDay or Edm.DateTimeOffset argument. */
function timeParts(value: Argument, type: ExprType): TimeOfDayParts | undefined {
  return type === 'Edm.TimeOfDay' ? parseTimeOfDay(text(value)) : parseDateTimeOffset(text(value));
}

/** `round`: "the mid-point between two integers is rounded away from zero" (Math.round rounds -0.5 up to -0). */
function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

export const FUNCTION_IMPLEMENTATIONS: Record<Exclude<FunctionName, 'now'>, FunctionImplementation> = {
  contains: ([haystack, needle]) => text(haystack).includes(text(needle)),
  startswith: ([haystack, prefix]) => text(haystack).startsWith(text(prefix)),
  endswith: ([haystack, suffix]) => text(haystack).endsWith(text(suffix)),
  // toLowerCase/toUpperCase use Unicode default case mappings, independent of the host locale.
  tolower: ([value]) => text(value).toLowerCase(),
  toupper: ([value]) => text(value).toUpperCase(),
  trim: ([value]) => trimUnicodeWhitespace(text(value)),
  length: ([value]) => codePointLength(text(value)),
  concat: ([first, second]) => text(first) + text(second),
  indexof: ([haystack, needle]) => codePointIndexOf(text(haystack), text(needle)),
  substring: ([value, start, length]) => {
    // Part 2 `substring`: "A negative length M is a bad request."
    if (length !== undefined && number(length) < 0) {
      throw new ODataError('InvalidFilter', {
        reason: `substring was given the negative length ${number(length)}; give a length of 0 or more`,
      });
    }
    return codePointSubstring(text(value), number(start), length === undefined ? undefined : number(length));
  },
  year: ([value], [type]) => dateParts(value, type)?.year ?? null,
  month: ([value], [type]) => dateParts(value, type)?.month ?? null,
  day: ([value], [type]) => dateParts(value, type)?.day ?? null,
  hour: ([value], [type]) => timeParts(value, type)?.hour ?? null,
  minute: ([value], [type]) => timeParts(value, type)?.minute ?? null,
  second: ([value], [type]) => timeParts(value, type)?.second ?? null,
  fractionalseconds: ([value], [type]) => {
    const parts = timeParts(value, type);
    return parts ? Number(`0.${parts.fraction || '0'}`) : null;
  },
  date: ([value]) => {
    const parts = parseDateTimeOffset(text(value));
    return parts ? formatDateParts(parts) : null;
  },
  time: ([value]) => {
    const parts = parseDateTimeOffset(text(value));
    return parts ? formatTimeOfDay(parts) : null;
  },
  round: ([value]) => roundHalfAwayFromZero(number(value)),
  floor: ([value]) => Math.floor(number(value)),
  ceiling: ([value]) => Math.ceil(number(value)),
};
