/**
 * String operations measured in Unicode code points.
 *
 * OData 4.01 Part 2 §5.1.1 (String and Collection Functions) defines `length`, `indexof` and `substring` in
 * "characters" and orders strings by value; JavaScript strings are UTF-16, so '😀' is two code units. We count
 * and order by code point everywhere (comparison operators, $orderby, the string functions) so `length('😀') eq 1`
 * and '😀' sorts after 'ｚ' (U+FF5A), as it would in any UTF-8 or UTF-32 store. `contains`/`startswith`/`endswith`
 * give the same answer on code units as on code points for well-formed strings (URL literals are percent-decoded
 * UTF-8, so never hold lone surrogates).
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/** Ordinal comparison by code point: negative, zero or positive like `Array.prototype.sort` expects. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 code-unit order differs from code-point order only when a surrogate (a code point above U+FFFF) meets
    // a unit in U+E000..U+FFFF. Moving surrogates above that block restores code-point order (the ICU fix-up).
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Number of code points (OData `length`). */
export function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Zero-based code-point position of the first occurrence of `search`, or -1 (OData `indexof`). */
export function codePointIndexOf(text: string, search: string): number {
  const unitIndex = text.indexOf(search);
  if (unitIndex <= 0 || !SURROGATE.test(text)) return unitIndex;
  return codePointLength(text.slice(0, unitIndex));
}

/**
 * OData `substring(text, start[, length])` on code points (Part 2 §5.1.1, `substring`): `start` is zero-based; a
 * start past the end gives ''; a length past the end gives what is available; a negative start counts back from the
 * end (clamped to the first character). A negative length is a bad request and is rejected by the caller.
 */
export function codePointSubstring(text: string, start: number, length?: number): string {
  const chars = SURROGATE.test(text) ? Array.from(text) : undefined;
  const total = chars ? chars.length : text.length;
  const from = start < 0 ? Math.max(0, total + start) : Math.min(start, total);
  const to = length === undefined ? total : Math.min(total, from + length);
  if (to <= from) return '';
  return chars ? chars.slice(from, to).join('') : text.slice(from, to);
}

/**
 * OData `trim` removes leading and trailing whitespace "according to Unicode rules" (Part 2 §5.1.1, `trim`), i.e. the
 * White_Space property. `String.prototype.trim` differs: it also strips U+FEFF and keeps U+0085.
 */
const UNICODE_WHITESPACE_EDGES = /^\p{White_Space}+|\p{White_Space}+$/gu;
export function trimUnicodeWhitespace(text: string): string {
  return text.replace(UNICODE_WHITESPACE_EDGES, '');
}
