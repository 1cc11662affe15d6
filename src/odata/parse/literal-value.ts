/**
 * Turns a primitive literal's text and its Edm type (as recognised by the grammar) into our typed literal.
 * Values are normalised so the evaluator can compare them without re-parsing (OData 4.01 Part 2 §5.1.1.14.1,
 * ABNF `primitiveLiteral`):
 * - integers → Edm.Int32 when they fit in 32 bits, else Edm.Int64; beyond ±(2^53−1) they cannot be compared
 *   exactly as JavaScript numbers, so they are rejected;
 * - decimals → Edm.Decimal (number), exponent forms, INF and NaN → Edm.Double;
 * - DateTimeOffset → UTC in the fixed-width form `YYYY-MM-DDThh:mm:ss.fffffffZ` (always seconds, always seven
 *   fractional digits = 100 ns, .NET tick precision and finer than Bitbucket's microseconds). Fixed width means
 *   two normalised values compare correctly as strings. Given digits are kept exactly; an eighth or later non-zero
 *   digit is rejected rather than silently truncated (truncation would change `gt`/`lt` answers);
 * - Date `YYYY-MM-DD` and TimeOfDay `hh:mm:ss[.f…]` are checked against the calendar/clock and kept as text;
 * - Guid → lower-case text; Duration → the ISO 8601 text without the `duration'…'` wrapper.
 */
import type { EdmType, Expr } from '../ast';
import { odataError } from '../errors';

type LiteralExpr = Extract<Expr, { kind: 'literal' }>;

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const DATE_TIME_OFFSET = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;
const DURATION = /^-?P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Fixed fraction width of normalised DateTimeOffset values. */
export const DATE_TIME_OFFSET_FRACTION_DIGITS = 7;

function invalid(reason: string): never {
  throw odataError('InvalidFilter', { reason });
}

function literal(type: EdmType | 'null', value: LiteralExpr['value']): LiteralExpr {
  return { kind: 'literal', type, value };
}

function pad(value: number, width: number): string {
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.abs(value)).padStart(width, '0');
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

function checkCalendarDate(text: string, year: number, month: number, day: number): void {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    invalid(`${text} is not a calendar date`);
  }
}

/**
 * Normalise an OData DateTimeOffset literal (or a Bitbucket timestamp such as `2024-01-02T03:04:05.123456+00:00`)
 * to `YYYY-MM-DDThh:mm:ss.fffffffZ` in UTC. Throws a 400 ODataError when the text is not a valid DateTimeOffset.
 * Exported so the evaluator can normalise row values the same way before comparing.
 */
export function normalizeDateTimeOffset(text: string): string {
  const match = DATE_TIME_OFFSET.exec(text);
  if (!match) invalid(`${text} is not a DateTimeOffset (expected e.g. 2024-01-31T12:00:00Z)`);
  const [, yearText, monthText, dayText, hourText, minuteText, secondText = '00', fraction = '', zone] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText);
  checkCalendarDate(text, year, month, day);
  if (hour > 23 || minute > 59 || second > 59) invalid(`${text} is not a valid time of day`);
  if (/[1-9]/.test(fraction.slice(DATE_TIME_OFFSET_FRACTION_DIGITS))) {
    invalid(`${text} has more than ${DATE_TIME_OFFSET_FRACTION_DIGITS} significant fractional-second digits`);
  }
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offsetHours = Number(zone.slice(1, 3));
    const offsetMins = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetMins > 59) invalid(`${text} has an invalid time-zone offset`);
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }
  // Date arithmetic in UTC; setUTCFullYear keeps years 0-99 literal (Date.UTC would map them to 19xx).
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute - offsetMinutes, second, 0);
  const utcYear = instant.getUTCFullYear();
  const digits = fraction.slice(0, DATE_TIME_OFFSET_FRACTION_DIGITS).padEnd(DATE_TIME_OFFSET_FRACTION_DIGITS, '0');
  return (
    `${pad(utcYear, 4)}-${pad(instant.getUTCMonth() + 1, 2)}-${pad(instant.getUTCDate(), 2)}` +
    `T${pad(instant.getUTCHours(), 2)}:${pad(instant.getUTCMinutes(), 2)}:${pad(instant.getUTCSeconds(), 2)}` +
    `.${digits}Z`
  );
}

function integerLiteral(raw: string): LiteralExpr {
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) {
    invalid(`the integer ${raw} is outside the range this service compares exactly (±${Number.MAX_SAFE_INTEGER})`);
  }
  return literal(value >= INT32_MIN && value <= INT32_MAX ? 'Edm.Int32' : 'Edm.Int64', value);
}

function doubleLiteral(raw: string): LiteralExpr {
  const upper = raw.toUpperCase();
  if (upper === 'NAN') return literal('Edm.Double', Number.NaN);
  if (upper === 'INF') return literal('Edm.Double', Number.POSITIVE_INFINITY);
  if (upper === '-INF') return literal('Edm.Double', Number.NEGATIVE_INFINITY);
  const value = Number(raw);
  if (!Number.isFinite(value)) invalid(`${raw} is not a finite number`);
  return literal('Edm.Double', value);
}

function dateLiteral(raw: string): LiteralExpr {
  const match = DATE.exec(raw);
  if (!match) invalid(`${raw} is not a Date (expected YYYY-MM-DD)`);
  checkCalendarDate(raw, Number(match[1]), Number(match[2]), Number(match[3]));
  return literal('Edm.Date', raw);
}

function timeOfDayLiteral(raw: string): LiteralExpr {
  const match = TIME_OF_DAY.exec(raw);
  if (!match) invalid(`${raw} is not a TimeOfDay (expected hh:mm:ss)`);
  const [, hour, minute, second = '00', fraction] = match;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) invalid(`${raw} is not a valid time of day`);
  return literal('Edm.TimeOfDay', `${hour}:${minute}:${second}${fraction !== undefined ? `.${fraction}` : ''}`);
}

function durationLiteral(raw: string): LiteralExpr {
  const quoted = /^(?:duration)?'(.*)'$/i.exec(raw);
  const text = quoted ? quoted[1] : raw;
  if (!DURATION.test(text) || /^-?PT?$/i.test(text)) invalid(`${raw} is not an ISO 8601 duration (expected e.g. duration'P1DT2H')`);
  return literal('Edm.Duration', text.toUpperCase());
}

/**
 * Convert a non-string primitive literal. `grammarType` is the Edm type name the grammar recognised
 * (`Edm.SByte`, `Edm.Decimal`, …); `raw` is the literal text as written (already percent-decoded).
 */
export function toLiteral(grammarType: string, raw: string): LiteralExpr {
  switch (grammarType) {
    case 'null':
      return literal('null', null);
    case 'Edm.Boolean':
      return literal('Edm.Boolean', raw.toLowerCase() === 'true');
    case 'Edm.SByte':
    case 'Edm.Byte':
    case 'Edm.Int16':
    case 'Edm.Int32':
    case 'Edm.Int64':
      return integerLiteral(raw);
    case 'Edm.Decimal': {
      const value = Number(raw);
      if (!Number.isFinite(value)) invalid(`${raw} is not a finite number`);
      return literal('Edm.Decimal', value);
    }
    case 'Edm.Single':
    case 'Edm.Double':
      return doubleLiteral(raw);
    case 'Edm.DateTimeOffset':
      return literal('Edm.DateTimeOffset', normalizeDateTimeOffset(raw));
    case 'Edm.Date':
      return dateLiteral(raw);
    case 'Edm.TimeOfDay':
      return timeOfDayLiteral(raw);
    case 'Edm.Guid':
      if (!GUID.test(raw)) invalid(`${raw} is not a GUID`);
      return literal('Edm.Guid', raw.toLowerCase());
    case 'Edm.Duration':
      return durationLiteral(raw);
    default:
      throw odataError('NotImplemented', {
        feature: `The literal ${raw} (${grammarType})`,
        hint: 'Use a string, number, boolean, null, Date, DateTimeOffset, TimeOfDay, Guid or Duration literal.',
      });
  }
}

/** Unquote an OData string literal body: `''` stands for one quote (ABNF `SQUOTE-in-string`). */
export function unescapeStringLiteral(body: string): string {
  return body.replace(/''/g, "'");
}
