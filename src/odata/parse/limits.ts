/** Limits that keep parsing cheap and bounded whatever the input (README: MAX_FILTER_LENGTH, MAX_FILTER_DEPTH, MAX_TOP). */
export interface ParseLimits {
  maxFilterLength: number;
  maxDepth: number;
  maxTop: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxFilterLength: 4000, maxDepth: 50, maxTop: 100_000 };

/** `$skip` beyond this is certainly a mistake (no Bitbucket collection is that large). */
export const MAX_SKIP = 1_000_000_000;

/** Most items one `$expand` may list (no entity type has nearly as many navigation properties). */
export const MAX_EXPAND_ITEMS = 20;
