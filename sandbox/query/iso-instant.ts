/**
 * ISO-8601 dates and datetimes as BBQL accepts them ("Data types": the time component, the fraction and the offset
 * are all optional; without an offset the value is UTC), returned as microseconds since 1970-01-01T00:00:00Z.
 * Microseconds, not milliseconds: Bitbucket serialises timestamps as `2024-05-18T09:29:47.123456+00:00`, and two
 * instants 1 µs apart must compare as different. Epoch microseconds stay below 2^53 until year 2255, so a plain
 * number is exact. Digits beyond the sixth fraction digit are truncated.
 */
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseIsoInstant(text: string): number | undefined {
  const match = ISO_DATETIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes = parseOffsetMinutes(offset);
  if (offsetMinutes === undefined) return undefined;
  const epochMillis = utcMillis(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const micros = Number(fraction.slice(0, 6).padEnd(6, '0'));
  return epochMillis * 1000 + micros;
}

function parseOffsetMinutes(offset: string): number | undefined {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMillis(year, month, 0, 0, 0, 0)).getUTCDate();
}

/** `Date.UTC` maps years 0..99 to 1900..1999; setting the full year afterwards keeps `0042` as year 42. */
function utcMillis(year: number, monthIndex: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(Date.UTC(2000, monthIndex, day, hour, minute, second));
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}
