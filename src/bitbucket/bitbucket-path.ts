// Placeholders use the names of Bitbucket's own OpenAPI path templates, e.g.
// `/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}` (bitbucket-cloud-openapi.json, `paths`).
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Fills `{name}` placeholders in a path template with percent-encoded values:
 * `bitbucketPath('/repositories/{workspace}/{repo_slug}', { workspace: 'acme', repo_slug: 'a b' })`
 * → `/repositories/acme/a%20b`. Braced UUIDs become `%7B...%7D` (braces are not allowed unencoded in a URL path: RFC 3986 §3.3, www.rfc-editor.org/rfc/rfc3986#section-3.3).
 *
 * Throws RangeError when a placeholder has no value, a value is empty, `.` or `..` (which would change the route
 * rather than name a resource, RFC 3986 §5.2.4), or the template has a brace that is not a placeholder.
 */
export function bitbucketPath(template: string, params: Record<string, string | number>): string {
  const parts = templateParts(template);
  let path = parts[0];
  for (let at = 1; at < parts.length; at += 2) {
    const name = parts[at];
    if (!Object.hasOwn(params, name)) {
      throw new RangeError(`Path template "${template}" needs a value for {${name}}.`);
    }
    path += encodeSegment(template, name, params[name]) + parts[at + 1];
  }
  return path;
}

/**
 * Templates are a handful of constants, filled for every upstream call (each repository of a fan-out): each is checked
 * and split once, into its literal text with the placeholder names between (`['/repositories/', 'workspace', '']`).
 */
const checkedTemplates = new Map<string, readonly string[]>();
/** A bound that constant templates never reach: a caller building templates at run time cannot grow the map. */
const MAX_CHECKED_TEMPLATES = 1000;

function templateParts(template: string): readonly string[] {
  const known = checkedTemplates.get(template);
  if (known !== undefined) return known;
  if (!template.startsWith('/')) {
    throw new RangeError(`Path template "${template}" must start with "/".`);
  }
  const withoutPlaceholders = template.replace(PLACEHOLDER, '');
  if (/[{}?#]/.test(withoutPlaceholders)) {
    throw new RangeError(`Path template "${template}" has a stray brace, "?" or "#"; placeholders look like {name} and query parameters go in the query object.`);
  }
  // split() with a capturing pattern keeps each placeholder's name between the texts around it.
  const parts = template.split(PLACEHOLDER);
  if (checkedTemplates.size < MAX_CHECKED_TEMPLATES) checkedTemplates.set(template, parts);
  return parts;
}

function encodeSegment(template: string, name: string, value: string | number | undefined): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`{${name}} in "${template}" is ${value}; give a finite number.`);
  }
  const text = String(value);
  if (value === undefined || text === '' || text === '.' || text === '..') {
    throw new RangeError(`{${name}} in "${template}" is ${JSON.stringify(value)}; a path segment cannot be empty, "." or "..".`);
  }
  try {
    return encodeURIComponent(text);
  } catch {
    throw new RangeError(`{${name}} in "${template}" contains a lone UTF-16 surrogate and cannot be encoded as UTF-8.`);
  }
}
