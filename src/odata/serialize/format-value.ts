/**
 * Primitive values as OData JSON writes them (OData 4.0 JSON Format §7.1 Primitive Value).
 */
import type { EdmType, LiteralValue } from '../ast';

/**
 * Fractional-second digits we write for temporal values, and publish as the CSDL Precision facet. Bitbucket's
 * timestamps carry microseconds; Power Query reads up to 7 digits, so nothing is lost on the way.
 */
export const DATE_TIME_OFFSET_PRECISION = 6;

export type JsonPrimitive = string | number | boolean | null;

/**
 * Types whose JSON representation identifies them, so full metadata needs no `Prop@odata.type` (JSON Format
 * §4.5.3 / ODataLib's behaviour: strings, booleans, Double with a fraction, and Int32 as the default for integers).
 */
const SELF_DESCRIBING_TYPES: ReadonlySet<EdmType> = new Set<EdmType>(['Edm.String', 'Edm.Boolean', 'Edm.Double', 'Edm.Int32']);

export function needsTypeAnnotation(type: EdmType): boolean {
  return !SELF_DESCRIBING_TYPES.has(type);
}

/**
 * Format one value for the wire.
 * - Edm.Int64 / Edm.Decimal: numbers, or strings when the client asked for IEEE754Compatible=true (§3.2) so that
 *   JavaScript clients do not lose digits beyond 2^53.
 * - Edm.Double: numbers; the non-finite values as the strings `NaN`, `INF`, `-INF` (§7.1).
 * - Edm.DateTimeOffset: normalised to UTC with `Z` and at most DATE_TIME_OFFSET_PRECISION fractional digits.
 * - null stays null; other types pass through.
 */
export function formatValue(type: EdmType, value: LiteralValue, ieee754Compatible: boolean): JsonPrimitive {
  if (value === null) return null;
  switch (type) {
    case 'Edm.Int64':
    case 'Edm.Decimal':
      return formatLargeNumber(value, ieee754Compatible);
    case 'Edm.Double':
      return formatDouble(value);
    case 'Edm.DateTimeOffset':
      return typeof value === 'string' ? normalizeDateTimeOffset(value) : value;
    default:
      return value;
  }
}

function formatLargeNumber(value: Exclude<LiteralValue, null>, ieee754Compatible: boolean): JsonPrimitive {
  if (ieee754Compatible) return String(value);
  if (typeof value === 'string') {
    // A value kept as a string upstream (beyond 2^53): a JSON number would be rounded, keep the digits.
    const parsed = Number(value);
    return Number.isFinite(parsed) && String(parsed) === value.replace(/^\+/, '') ? parsed : value;
  }
  return value;
}

function formatDouble(value: Exclude<LiteralValue, null>): JsonPrimitive {
  if (typeof value !== 'number') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'INF';
  if (value === -Infinity) return '-INF';
  return value;
}

const DATE_TIME_OFFSET = /^(\d{4,}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$/i;
/** `yyyy-mm-ddThh:mm:ss` and an offset of six characters: what DATE_TIME_OFFSET matches with seconds and no fraction. */
const CANONICAL_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

/**
 * `2024-01-02T03:04:05.123456789+00:00` → `2024-01-02T03:04:05.123456Z`; `2024-01-02T05:04:05+02:00` →
 * `2024-01-02T03:04:05Z`. Seconds are always written (some readers reject `hh:mm`). Fractions are truncated, not
 * rounded, so a value never moves past the next second. A string that is no DateTimeOffset is returned unchanged.
 */
export function normalizeDateTimeOffset(text: string): string {
  // Bitbucket's own form, `2024-01-02T03:04:05+00:00` (every commit's date): only the offset changes, so the regular
  // expression and its captures are not needed (issue #15.3: one per row of a commit list). Anything else below.
  if (text.length === 25 && text.endsWith('+00:00') && CANONICAL_SECONDS.test(text)) return `${text.slice(0, 19)}Z`;
  const match = DATE_TIME_OFFSET.exec(text);
  if (match === null) return text;
  const [, date, hours, minutes, seconds = '00', fraction = '', offset] = match;
  const digits = fraction.slice(0, DATE_TIME_OFFSET_PRECISION).replace(/0+$/, '');
  const fractionPart = digits === '' ? '' : `.${digits}`;
  const upperOffset = (offset ?? 'Z').toUpperCase();
  if (upperOffset === 'Z' || upperOffset === '+00:00' || upperOffset === '-00:00') {
    return `${date}T${hours}:${minutes}:${seconds}${fractionPart}Z`;
  }
  const instant = Date.parse(`${date}T${hours}:${minutes}:${seconds}${upperOffset}`);
  if (Number.isNaN(instant)) return text;
  const utc = new Date(instant).toISOString(); // yyyy-mm-ddThh:mm:ss.000Z
  return `${utc.slice(0, 19)}${fractionPart}Z`;
}
