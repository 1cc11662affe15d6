/**
 * Limits the parser enforces before and while parsing, so a hostile URL costs a bounded amount of work.
 * One settings object (AspNetCoreOData's ODataValidationSettings is the model): every limit is named in its error.
 */
export interface ParseLimits {
  /** Longest accepted `$filter`, in characters after percent-decoding. */
  maxFilterLength: number;
  /**
   * Deepest accepted nesting of parentheses (groups and function calls) in `$filter` and `$search`.
   * odata-v4-parser recurses ~20 frames per level and overflows Node's stack near 5,000 levels, so this guard
   * runs on the text before the library sees it.
   */
  maxDepth: number;
  /** Largest accepted `$top`. */
  maxTop: number;
  /** Largest accepted `$skip` (each skipped row may cost an upstream page). */
  maxSkip: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxFilterLength: 4000,
  maxDepth: 50,
  maxTop: 10000,
  maxSkip: 100000,
});

/** Fill unspecified limits with the defaults. */
export function resolveLimits(limits: Partial<ParseLimits> | undefined): ParseLimits {
  return { ...DEFAULT_PARSE_LIMITS, ...(limits ?? {}) };
}
