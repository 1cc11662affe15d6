/**
 * A date-time literal cut to whole milliseconds, down (`floor`) and up (`ceil`), for BBQL.
 *
 * Bitbucket documents date-time literals to milliseconds only ("…T…:…:…[.ffff]…", "milliseconds … optional":
 * https://developer.atlassian.com/cloud/bitbucket/rest/intro/#filtering), while OData allows up to 12 fraction
 * digits (OData 4.01 ABNF, `fractionalSeconds`). A digit beyond the millisecond may be dropped or refused upstream,
 * so such a literal never goes up as written: the planner pushes the millisecond bound on the side that keeps the
 * pushed set a superset (`to-bbql.ts`), and the residual decides.
 */
const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$/;

export interface MillisecondBounds {
  /** The latest whole millisecond at or before the value. */
  floor: string;
  /** The earliest whole millisecond at or after it (equal to `floor` when no digit beyond the millisecond is set). */
  ceil: string;
  /** True when the value had a non-zero digit beyond the millisecond (`floor` < value < `ceil`). */
  widened: boolean;
}

/** Undefined when `value` is not ISO 8601 date-time text with an offset. */
export function millisecondBounds(value: string): MillisecondBounds | undefined {
  const match = ISO.exec(value);
  if (!match) return undefined;
  const [, minutes, seconds, fraction = '', offset] = match;
  if (fraction.length <= 3) return { floor: value, ceil: value, widened: false };
  const floor = `${minutes}:${seconds}.${fraction.slice(0, 3)}${offset}`;
  if (!/[1-9]/.test(fraction.slice(3))) return { floor, ceil: floor, widened: false };
  const instant = Date.parse(floor);
  if (Number.isNaN(instant)) return undefined;
  // One millisecond later, in UTC: the same instant whatever offset the literal was written with.
  return { floor, ceil: new Date(instant + 1).toISOString(), widened: true };
}
