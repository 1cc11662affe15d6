/** Query parameters; arrays repeat the key (state=OPEN&state=MERGED). Undefined values are left out. */
export type UpstreamQuery = Record<string, string | number | boolean | Array<string> | undefined>;

/**
 * Serializes a query as `name=value&...` (no leading `?`), in insertion order.
 *
 * Every name and value goes through encodeURIComponent, so a space is `%20` and a `+` is `%2B`: Bitbucket decodes
 * `+` as a space, which would turn `fields=+values.reviewers` into a field named " values.reviewers"
 * (application/x-www-form-urlencoded, url.spec.whatwg.org/#urlencoded-parsing). BBQL in `q` is encoded whole: quotes, `=`, `&`, non-ASCII.
 * Repeated keys are how Bitbucket takes several pull request states (`state=OPEN&state=MERGED`).
 */
export function encodeUpstreamQuery(query: UpstreamQuery): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const single of values) {
      pairs.push(`${encodeStrictly(name, name)}=${encodeStrictly(name, formatQueryValue(name, single))}`);
    }
  }
  return pairs.join('&');
}

function formatQueryValue(name: string, value: string | number | boolean): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`Query parameter "${name}" is ${value}; give a finite number.`);
  }
  return String(value);
}

/**
 * Long values encoded lately: the same `fields=` (a few hundred characters) is encoded for every repository of a
 * fan-out, several times per upstream call (its target, the plan's positions). Bounded: emptied when full.
 */
const encodedLongValues = new Map<string, string>();
const LONG_VALUE = 32;
const MAX_ENCODED_LONG_VALUES = 256;

function encodeStrictly(name: string, text: string): string {
  const long = text.length >= LONG_VALUE;
  if (long) {
    const known = encodedLongValues.get(text);
    if (known !== undefined) return known;
  }
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    // encodeURIComponent throws URIError on a lone UTF-16 surrogate, which has no UTF-8 encoding.
    throw new RangeError(`Query parameter "${name}" contains a lone UTF-16 surrogate and cannot be encoded as UTF-8.`);
  }
  if (long) {
    if (encodedLongValues.size >= MAX_ENCODED_LONG_VALUES) encodedLongValues.clear();
    encodedLongValues.set(text, encoded);
  }
  return encoded;
}
