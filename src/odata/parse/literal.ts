/**
 * Primitive literals of the OData URL grammar (OData 4.01 ABNF, `primitiveLiteral`), recognised at a position in
 * the text. Shared by `$filter` and key predicates. Order matters: a GUID or a DateTimeOffset starts with digits
 * that would otherwise read as a number.
 */
import type { EdmType, LiteralValue } from '../ast';

export interface LiteralMatch {
  type: EdmType | 'null';
  value: LiteralValue;
  /** Characters consumed. */
  length: number;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w.-])/;
const DATE_TIME_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,12})?)?(Z|[+-]\d{2}:\d{2})(?![\w:.])/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?![\w:.T-])/;
const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,12})?)?(?![\w:.])/;
/** ABNF `SIGN = "+" / "-"`: a leading plus (sent as %2B) is allowed on numbers. */
const NUMBER = /^[-+]?(?:\d+)(\.\d+)?([eE][+-]?\d+)?(?![\w.])/;
const SPECIAL_NUMBER = /^(?:-?INF|NaN)(?![\w.])/;
const DURATION = /^duration'(-?P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?)'/i;
const KEYWORD = /^(true|false|null)(?![\w.(])/i;

function validDate(year: string, month: string, day: string): boolean {
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(Number(year), m, 0)).getUTCDate();
  return d <= days;
}

function validTime(hour: string, minute: string, second: string | undefined): boolean {
  return Number(hour) < 24 && Number(minute) < 60 && (second === undefined || Number(second) < 60);
}

function validOffset(offset: string): boolean {
  if (/^z$/i.test(offset)) return true;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return h < 24 && m < 60;
}

/** Read a string literal `'...'` with `''` escapes; returns undefined when unterminated. */
export function readStringLiteral(text: string, start: number): { value: string; length: number } | undefined {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, length: i + 1 - start };
    }
    value += ch;
    i += 1;
  }
  return undefined;
}

/** Recognise a literal at `start`, or undefined. Throws nothing; malformed dates are simply not literals. */
export function matchLiteral(text: string, start: number): LiteralMatch | undefined | 'unterminated-string' {
  const rest = text.slice(start, start + 80);
  if (rest[0] === "'") {
    const string = readStringLiteral(text, start);
    return string ? { type: 'Edm.String', value: string.value, length: string.length } : 'unterminated-string';
  }
  let m = KEYWORD.exec(rest);
  if (m) {
    const word = m[1].toLowerCase();
    return { type: word === 'null' ? 'null' : 'Edm.Boolean', value: word === 'null' ? null : word === 'true', length: m[0].length };
  }
  m = GUID.exec(rest);
  if (m) return { type: 'Edm.Guid', value: m[0].toLowerCase(), length: m[0].length };
  m = DATE_TIME_OFFSET.exec(rest);
  if (m) {
    if (!validDate(m[1], m[2], m[3]) || !validTime(m[4], m[5], m[6]) || !validOffset(m[8])) return undefined;
    return { type: 'Edm.DateTimeOffset', value: m[0].toUpperCase(), length: m[0].length };
  }
  m = DATE.exec(rest);
  if (m) return validDate(m[1], m[2], m[3]) ? { type: 'Edm.Date', value: m[0], length: m[0].length } : undefined;
  m = TIME_OF_DAY.exec(rest);
  if (m) return validTime(m[1], m[2], m[3]) ? { type: 'Edm.TimeOfDay', value: m[0], length: m[0].length } : undefined;
  m = DURATION.exec(rest);
  if (m) return { type: 'Edm.Duration', value: m[1], length: m[0].length };
  m = SPECIAL_NUMBER.exec(rest);
  if (m) return { type: 'Edm.Double', value: m[0] === 'NaN' ? Number.NaN : m[0].startsWith('-') ? -Infinity : Infinity, length: m[0].length };
  m = NUMBER.exec(rest);
  if (m) {
    const value = Number(m[0]);
    if (m[1] === undefined && m[2] === undefined) {
      // Integers: Int32 when it fits, Int64 up to 2^63 (held as a double; Bitbucket's numbers are far smaller).
      const type: EdmType = Math.abs(value) <= 2147483647 ? 'Edm.Int32' : 'Edm.Int64';
      if (!Number.isFinite(value) || Math.abs(value) > 9223372036854775807) return undefined;
      return { type, value, length: m[0].length };
    }
    if (!Number.isFinite(value)) return undefined;
    return { type: m[2] !== undefined ? 'Edm.Double' : 'Edm.Decimal', value, length: m[0].length };
  }
  return undefined;
}
