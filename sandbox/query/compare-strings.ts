/**
 * String orderings used by `>`/`<` in BBQL and by `sort`.
 *
 * Code-point order is what a binary (C) collation gives and is independent of locale. JavaScript's `<` compares
 * UTF-16 code units, which misorders characters above U+FFFF against U+E000..U+FFFF, so we walk code points.
 */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const l = left.next();
    const r = right.next();
    if (l.done || r.done) return l.done === r.done ? 0 : l.done ? -1 : 1;
    const difference = l.value.codePointAt(0)! - r.value.codePointAt(0)!;
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
}

/**
 * Natural order for ref names: runs of digits compare as numbers, the rest by code point. Bitbucket applies it
 * when sorting refs, branches and tags by `name` ("refs are sorted [branch1, branch2, branch10, v9, v10, v11]",
 * descriptions of GET .../refs, .../refs/branches and .../refs/tags in the OpenAPI description).
 */
export function compareNatural(a: string, b: string): number {
  const left = a.match(/\d+|\D+/g) ?? [];
  const right = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const l = left[i]!;
    const r = right[i]!;
    const bothNumeric = /^\d/.test(l) && /^\d/.test(r);
    const order = bothNumeric ? compareDigitRuns(l, r) : compareCodePoints(l, r);
    if (order !== 0) return order;
  }
  return Math.sign(left.length - right.length);
}

/** Compares digit strings by numeric value without overflow; on equal value, fewer leading zeros first. */
function compareDigitRuns(a: string, b: string): number {
  const l = a.replace(/^0+(?=\d)/, '');
  const r = b.replace(/^0+(?=\d)/, '');
  if (l.length !== r.length) return l.length < r.length ? -1 : 1;
  if (l !== r) return l < r ? -1 : 1;
  return Math.sign(a.length - b.length);
}
