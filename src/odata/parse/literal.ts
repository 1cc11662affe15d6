/**
 * Primitive literals of the OData URL grammar (OData 4.01 ABNF, `primitiveLiteral`), recognised at a position in
 * the text. Shared by `$filter` and key predicates. Order matters: a GUID or a DateTimeOffset starts with digits
 * that would otherwise read as a number.
 *
 * Case: the ABNF writes case-insensitive strings in double quotes (`"true"`, `"duration"`, `"T"`, `"Z"`, `"e"`) and
 * case-sensitive ones in single quotes (`'NaN'`, `'INF'`, `'null'`). We follow it, except that `null` is accepted
 * in any case like `true`/`false` (a documented leniency: no other reading of `NULL` exists).
 *
 * The regular expressions are sticky (`y`) and read the text in place, so a literal of any length is recognised
 * without copying the rest of the input.
 */
import type { EdmType, LiteralValue } from '../ast';

export interface LiteralMatch {
  type: EdmType | 'null';
  value: LiteralValue;
  /** Characters consumed. */
  length: number;
}

const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w.-])/y;
/** ABNF `dateTimeOffsetValueInUrl`: seconds optional, `fractionalSeconds = 1*12DIGIT`, `Z` or `SIGN hour ":" minute`. */
const DATE_TIME_OFFSET = /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,12})?)?(Z|[+-]\d{2}:\d{2})(?![\w:.])/iy;
const DATE = /(\d{4})-(\d{2})-(\d{2})(?![\w:.T-])/y;
const TIME_OF_DAY = /(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,12})?)?(?![\w:.])/y;
/**
 * ABNF `decimalValue` (which `doubleValue` and the integer rules share): `[SIGN] 1*DIGIT ["." 1*DIGIT] ["e" [SIGN] 1*DIGIT]`.
 * A leading plus must arrive as %2B (a raw `+` in a query is a space). No valid expression has a number directly
 * followed by `-` or `:`, so those end the match too: `2024-02-30` is a bad date, not the number 2024.
 */
const NUMBER = /[-+]?\d+(\.\d+)?([eE][+-]?\d+)?(?![\w.:-])/y;
const SPECIAL_NUMBER = /(?:-?INF|NaN)(?![\w.])/y;
/**
 * ABNF `duration = [ "duration" ] SQUOTE durationValue SQUOTE` with XML Schema's dayTimeDuration: days, hours,
 * minutes, seconds; no years or months, no `+` (OASIS test case "Duration - no plus allowed"), at least one
 * component, and a `T` only when a time component follows.
 */
const DURATION = /duration'(-?P(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?)'/iy;
const KEYWORD = /(true|false|null)(?![\w.(])/iy;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

function execAt(pattern: RegExp, text: string, start: number): RegExpExecArray | null {
  pattern.lastIndex = start;
  return pattern.exec(text);
}

/** Proleptic Gregorian leap years, as XML Schema and OData use them (year 0000 is a leap year). */
function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: string, month: string, day: string): boolean {
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1) return false;
  const days = m === 2 && isLeapYear(Number(year)) ? 29 : DAYS_IN_MONTH[m - 1];
  return d <= days;
}

/** ABNF `hour` is 00-23 (no `24:00`), `minute` and `second` 00-59; leap second `60` is not accepted (see spec). */
function validTime(hour: string, minute: string, second: string | undefined): boolean {
  return Number(hour) < 24 && Number(minute) < 60 && (second === undefined || Number(second) < 60);
}

function validOffset(offset: string): boolean {
  if (/^z$/i.test(offset)) return true;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return h < 24 && m < 60;
}

/**
 * The Edm type of an integer literal: Int32 when it fits, Int64 when it fits (held as a double: Bitbucket's
 * numbers are far smaller than 2^53), otherwise Decimal, which the ABNF's `decimalValue` also matches.
 */
function integerType(digits: string): EdmType {
  const exact = BigInt(digits);
  if (exact >= BigInt(INT32_MIN) && exact <= BigInt(INT32_MAX)) return 'Edm.Int32';
  if (exact >= INT64_MIN && exact <= INT64_MAX) return 'Edm.Int64';
  return 'Edm.Decimal';
}

/** Read a string literal `'...'` with `''` escapes; returns undefined when unterminated. */
export function readStringLiteral(text: string, start: number): { value: string; length: number } | undefined {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const next = text.indexOf("'", i);
    if (next < 0) return undefined;
    value += text.slice(i, next);
    if (text[next + 1] === "'") {
      value += "'";
      i = next + 2;
      continue;
    }
    return { value, length: next + 1 - start };
  }
  return undefined;
}

/** Recognise a literal at `start`, or undefined. Throws nothing; malformed dates are simply not literals. */
export function matchLiteral(text: string, start: number): LiteralMatch | undefined | 'unterminated-string' {
  if (text[start] === "'") {
    const string = readStringLiteral(text, start);
    return string ? { type: 'Edm.String', value: string.value, length: string.length } : 'unterminated-string';
  }
  let m = execAt(KEYWORD, text, start);
  if (m) {
    const word = m[1].toLowerCase();
    return { type: word === 'null' ? 'null' : 'Edm.Boolean', value: word === 'null' ? null : word === 'true', length: m[0].length };
  }
  m = execAt(GUID, text, start);
  if (m) return { type: 'Edm.Guid', value: m[0].toLowerCase(), length: m[0].length };
  m = execAt(DATE_TIME_OFFSET, text, start);
  if (m) {
    if (!validDate(m[1], m[2], m[3]) || !validTime(m[4], m[5], m[6]) || !validOffset(m[8])) return undefined;
    return { type: 'Edm.DateTimeOffset', value: m[0].toUpperCase(), length: m[0].length };
  }
  m = execAt(DATE, text, start);
  if (m) return validDate(m[1], m[2], m[3]) ? { type: 'Edm.Date', value: m[0], length: m[0].length } : undefined;
  m = execAt(TIME_OF_DAY, text, start);
  if (m) return validTime(m[1], m[2], m[3]) ? { type: 'Edm.TimeOfDay', value: m[0], length: m[0].length } : undefined;
  m = execAt(DURATION, text, start);
  if (m) return { type: 'Edm.Duration', value: m[1].toUpperCase(), length: m[0].length };
  m = execAt(SPECIAL_NUMBER, text, start);
  if (m) return { type: 'Edm.Double', value: m[0] === 'NaN' ? Number.NaN : m[0].startsWith('-') ? -Infinity : Infinity, length: m[0].length };
  m = execAt(NUMBER, text, start);
  if (m) {
    const value = Number(m[0]);
    if (!Number.isFinite(value)) return undefined;
    if (m[1] === undefined && m[2] === undefined) return { type: integerType(m[0]), value, length: m[0].length };
    return { type: m[2] !== undefined ? 'Edm.Double' : 'Edm.Decimal', value, length: m[0].length };
  }
  return undefined;
}
