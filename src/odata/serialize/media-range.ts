/**
 * Parse an `Accept` header (RFC 9110 §12.5.1) or a `$format` value into media ranges with lower-cased type and
 * parameter names and their quality. Parameter values keep their case; callers compare them case-insensitively
 * where the OData spec says so.
 */

export interface MediaRange {
  /** `application/json`, `application/*`, `*\/*` (lower case). */
  type: string;
  /** Parameters other than `q`, names lower-cased. */
  params: Record<string, string>;
  /** Quality 0..1; 1 when absent or unparsable. */
  q: number;
}

export function parseMediaRanges(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseMediaRange);
}

export function parseMediaRange(text: string): MediaRange {
  const [typePart, ...paramParts] = text.split(';');
  const params: Record<string, string> = {};
  let q = 1;
  for (const paramPart of paramParts) {
    const equals = paramPart.indexOf('=');
    if (equals < 0) continue;
    const name = paramPart.slice(0, equals).trim().toLowerCase();
    const value = paramPart.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1');
    if (name === 'q') {
      const parsed = Number(value);
      q = Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : 1;
    } else {
      params[name] = value;
    }
  }
  return { type: (typePart ?? '').trim().toLowerCase(), params, q };
}

/** How specifically a range names `type/subtype`: 2 exact, 1 `type/*`, 0 `*\/*`, -1 no match. */
export function rangeSpecificity(range: MediaRange, mediaType: string): number {
  if (range.type === mediaType) return 2;
  const [major] = mediaType.split('/');
  if (range.type === `${major}/*`) return 1;
  if (range.type === '*/*' || range.type === '*') return 0;
  return -1;
}
