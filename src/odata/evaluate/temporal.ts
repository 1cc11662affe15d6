/**
 * Date and time values as OData writes them (Part 2 §5.1.1 and the ABNF rules `dateTimeOffsetValue`, `dateValue`,
 * `timeOfDayValue`, `durationValue`), parsed without JavaScript `Date` so nothing is rounded to milliseconds:
 * Bitbucket timestamps carry microseconds (`2024-05-18T09:29:47.123456+00:00`) and the ABNF allows 12 fractional
 * digits, so instants are kept as bigint picoseconds since 1970-01-01T00:00:00Z.
 *
 * Values stay in their wire form (ISO strings) inside rows and expression results; these helpers turn them into
 * comparable keys, pull out their parts in their own offset, and format the results of date arithmetic.
 */

export const PICOS_PER_SECOND = 1_000_000_000_000n;
const SECONDS_PER_DAY = 86_400;
const PICOS_PER_DAY = PICOS_PER_SECOND * BigInt(SECONDS_PER_DAY);

/** A DateTimeOffset's fields as written, i.e. in its own offset (Part 2: date parts are "evaluated in the time zone
 * of the DateTimeOffset parameter value"). */
export interface DateTimeOffsetParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Fractional-second digits as written, without the dot ('' when absent). */
  fraction: string;
  offsetMinutes: number;
  /** The offset as written (`Z`, `+02:00`), reused when formatting arithmetic results. */
  offsetText: string;
}

const DATE_TIME_OFFSET =
  /^(-?\d{4,})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;
// durationValue = [ SIGN ] "P" [ 1*DIGIT "D" ] [ "T" [ 1*DIGIT "H" ] [ 1*DIGIT "M" ] [ 1*DIGIT [ "." 1*DIGIT ] "S" ] ]
const DURATION = /^([+-])?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?$/i;

export function parseDateTimeOffset(text: string): DateTimeOffsetParts | undefined {
  const match = DATE_TIME_OFFSET.exec(text);
  if (!match) return undefined;
  const offsetText = match[8];
  let offsetMinutes = 0;
  if (offsetText !== 'Z' && offsetText !== 'z') {
    const sign = offsetText[0] === '-' ? -1 : 1;
    offsetMinutes = sign * (Number(offsetText.slice(1, 3)) * 60 + Number(offsetText.slice(4, 6)));
  }
  return {
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4]),
    minute: Number(match[5]),
    second: match[6] === undefined ? 0 : Number(match[6]),
    fraction: match[7] ?? '',
    offsetMinutes,
    offsetText,
  };
}

/** Picoseconds for fractional-second digits; digits past the 12th (below a picosecond) are dropped. */
function fractionToPicos(fraction: string): bigint {
  return fraction === '' ? 0n : BigInt(fraction.slice(0, 12).padEnd(12, '0'));
}

/** The instant of a DateTimeOffset in picoseconds since the epoch, or undefined when the text is not one. */
export function instantOf(text: string): bigint | undefined {
  const parts = parseDateTimeOffset(text);
  if (!parts) return undefined;
  const seconds =
    daysFromCivil(parts.year, parts.month, parts.day) * SECONDS_PER_DAY +
    parts.hour * 3600 +
    parts.minute * 60 +
    parts.second -
    parts.offsetMinutes * 60;
  return BigInt(seconds) * PICOS_PER_SECOND + fractionToPicos(parts.fraction);
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

export function parseDate(text: string): DateParts | undefined {
  const match = DATE.exec(text);
  return match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : undefined;
}

/** Days since 1970-01-01 for an Edm.Date, or undefined. */
export function dayNumberOf(text: string): number | undefined {
  const parts = parseDate(text);
  return parts ? daysFromCivil(parts.year, parts.month, parts.day) : undefined;
}

/**
 * An Edm.Date promoted to a DateTimeOffset instant: midnight UTC. OData defines no Date/DateTimeOffset promotion
 * (Part 2 §5.1.1 "Numeric Promotion" covers numbers only); Microsoft.OData.Core promotes Date to DateTimeOffset, and
 * clients such as Excel write `CreatedOn ge 2024-01-01`. We take midnight in UTC because every DateTimeOffset this
 * service returns is in UTC (Part 2 `now`: services that normalize offsets use UTC).
 */
export function dateInstantOf(text: string): bigint | undefined {
  const days = dayNumberOf(text);
  return days === undefined ? undefined : BigInt(days) * PICOS_PER_DAY;
}

export interface TimeOfDayParts {
  hour: number;
  minute: number;
  second: number;
  fraction: string;
}

export function parseTimeOfDay(text: string): TimeOfDayParts | undefined {
  const match = TIME_OF_DAY.exec(text);
  if (!match) return undefined;
  return {
    hour: Number(match[1]),
    minute: Number(match[2]),
    second: match[3] === undefined ? 0 : Number(match[3]),
    fraction: match[4] ?? '',
  };
}

/** Picoseconds since midnight for an Edm.TimeOfDay, or undefined. */
export function timeOfDayPicosOf(text: string): bigint | undefined {
  const parts = parseTimeOfDay(text);
  if (!parts) return undefined;
  const seconds = parts.hour * 3600 + parts.minute * 60 + parts.second;
  return BigInt(seconds) * PICOS_PER_SECOND + fractionToPicos(parts.fraction);
}

/** Signed picoseconds of an Edm.Duration (`P1DT2H`, `-PT0.5S`; a `duration'…'` wrapper is tolerated), or undefined. */
export function durationPicosOf(text: string): bigint | undefined {
  const unwrapped = /^duration'(.*)'$/i.exec(text)?.[1] ?? text;
  const match = DURATION.exec(unwrapped);
  if (!match || /^[+-]?PT?$/i.test(unwrapped)) return undefined;
  const seconds = Number(match[2] ?? 0) * SECONDS_PER_DAY + Number(match[3] ?? 0) * 3600 +
    Number(match[4] ?? 0) * 60 + Number(match[5] ?? 0);
  const magnitude = BigInt(seconds) * PICOS_PER_SECOND + fractionToPicos(match[6] ?? '');
  return match[1] === '-' ? -magnitude : magnitude;
}

// ---- formatting (results of date arithmetic and of the `date`/`time` functions) ----

function pad(value: number, width: number): string {
  return String(Math.abs(value)).padStart(width, '0');
}

function formatYear(year: number): string {
  return (year < 0 ? '-' : '') + pad(year, 4);
}

/** Fractional digits for a picosecond remainder, trailing zeros dropped ('' for none). */
function formatFraction(picos: bigint): string {
  return picos === 0n ? '' : picos.toString().padStart(12, '0').replace(/0+$/, '');
}

function floorDiv(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return value % divisor !== 0n && value < 0n ? quotient - 1n : quotient;
}

export function formatDate(dayNumber: number): string {
  const { year, month, day } = civilFromDays(dayNumber);
  return `${formatYear(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** An instant written in the given offset, e.g. for `CreatedOn add duration'P1D'` keeping CreatedOn's offset. */
export function formatDateTimeOffset(instant: bigint, offsetMinutes: number, offsetText: string): string {
  const local = instant + BigInt(offsetMinutes * 60) * PICOS_PER_SECOND;
  const dayNumber = floorDiv(local, PICOS_PER_DAY);
  const withinDay = local - dayNumber * PICOS_PER_DAY;
  const seconds = Number(withinDay / PICOS_PER_SECOND);
  const fraction = formatFraction(withinDay % PICOS_PER_SECOND);
  const time = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  return `${formatDate(Number(dayNumber))}T${time}${fraction ? '.' + fraction : ''}${offsetText}`;
}

/** Date ± duration: midnight plus the duration, truncated to its date (Part 2 `add`, XML Schema 2 §E.3.3). */
export function addDurationToDate(dayNumber: number, durationPicos: bigint): string {
  return formatDate(Number(floorDiv(BigInt(dayNumber) * PICOS_PER_DAY + durationPicos, PICOS_PER_DAY)));
}

export function formatDuration(picos: bigint): string {
  const sign = picos < 0n ? '-' : '';
  const magnitude = picos < 0n ? -picos : picos;
  const totalSeconds = magnitude / PICOS_PER_SECOND;
  const fraction = formatFraction(magnitude % PICOS_PER_SECOND);
  const days = totalSeconds / BigInt(SECONDS_PER_DAY);
  const hours = (totalSeconds / 3600n) % 24n;
  const minutes = (totalSeconds / 60n) % 60n;
  const seconds = totalSeconds % 60n;
  let time = '';
  if (hours) time += `${hours}H`;
  if (minutes) time += `${minutes}M`;
  if (seconds || fraction) time += `${seconds}${fraction ? '.' + fraction : ''}S`;
  if (!days && !time) return 'PT0S';
  return `${sign}P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

/** The TimeOfDay part of a DateTimeOffset in its own offset (OData `time`). */
export function formatTimeOfDay(parts: TimeOfDayParts): string {
  const base = `${pad(parts.hour, 2)}:${pad(parts.minute, 2)}:${pad(parts.second, 2)}`;
  return parts.fraction ? `${base}.${parts.fraction}` : base;
}

export function formatDateParts(parts: DateParts): string {
  return `${formatYear(parts.year)}-${pad(parts.month, 2)}-${pad(parts.day, 2)}`;
}

// ---- proleptic Gregorian calendar (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms") ----

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(dayNumber: number): DateParts {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
