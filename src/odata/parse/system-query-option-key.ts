/**
 * Which query option names are system query options, by protocol version (OData 4.01 Part 2 §5.1: "The names of all
 * system query options are optionally prefixed with a dollar ($) character. 4.01 Services MUST support
 * case-insensitive system query option names specified with or without the $ prefix. Clients that want to work with
 * 4.0 services MUST use lower case names and specify the $ prefix.").
 *
 * - A name with `$` is a system query option in both versions, matched case-insensitively (as this service always
 *   has: `$TOP=5` keeps working for 4.0 clients).
 * - Without `$`, a 4.0 request's option is a custom query option, allowed and ignored (Part 1 §6.1), so
 *   `top=5` from a 4.0 client changes nothing; a 4.01 request's option is the system query option of that name
 *   when the name is one OData defines (the 4.01 ABNF writes each as `( "$top" / "top" )`), else custom.
 */
import type { ODataVersion } from '../version';

/** Every system query option OData 4.01 defines, in lower case with `$` (Part 2 §5.1, OData ABNF 4.01). */
const SYSTEM_QUERY_OPTIONS: ReadonlySet<string> = new Set([
  '$filter', '$orderby', '$select', '$expand', '$top', '$skip', '$count', '$search', '$format', '$skiptoken',
  '$apply', '$compute', '$levels', '$index', '$schemaversion', '$deltatoken', '$id',
]);

/** The lower-case `$name` of the system query option `name` (already percent-decoded), or undefined if custom. */
export function systemQueryOptionKey(name: string, version: ODataVersion): string | undefined {
  if (name.startsWith('$')) return name.toLowerCase();
  if (version === '4.0') return undefined;
  const key = `$${name.toLowerCase()}`;
  return SYSTEM_QUERY_OPTIONS.has(key) ? key : undefined;
}

function decodeName(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim();
  } catch {
    return undefined; // the parser reports it, with its position
  }
}

/**
 * The raw query string with every system query option named in its canonical form (`$` and lower case), values
 * untouched. nextLinks and `$skiptoken` bindings are built from it, so a 4.01 client's `top=5` continues as
 * `$top=5`, which every version reads the same way. A 4.0 request's query string is returned unchanged.
 */
export function canonicalQueryString(raw: string, version: ODataVersion): string {
  if (version === '4.0') return raw;
  return raw
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq < 0 ? part : part.slice(0, eq);
      const name = decodeName(rawName);
      const key = name === undefined ? undefined : systemQueryOptionKey(name, version);
      return key === undefined || key === rawName ? part : `${key}${eq < 0 ? '' : part.slice(eq)}`;
    })
    .join('&');
}
