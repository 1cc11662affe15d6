/**
 * Request targets relative to the configured base URL (`/repositories/w/r/commits?pagelen=100&page=…` under
 * `https://api.bitbucket.org/2.0`), so that a page reached by following `next` can be opened again later
 * (`BitbucketClient.locatedPages`). Such a target comes back from outside (a client's `$skiptoken`), so before it is
 * sent it must look exactly like what `nextLinkTarget` yields: a path and query, nothing that could leave the base
 * path or the configured origin.
 */

// What Node refuses in a request target (ERR_UNESCAPED_CHARACTERS), and what no well-formed link contains.
const UNSAFE_TARGET = /[\s\0-\x1f\x7f]/;
// A dot segment, plain or percent-encoded (RFC 3986 §5.2.4 would resolve it away from the named resource).
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** `requestTarget` (as sent, base path included) relative to `basePath`; undefined when it lies outside it. */
export function relativeTarget(requestTarget: string, basePath: string): string | undefined {
  if (!requestTarget.startsWith(`${basePath}/`)) return undefined;
  return requestTarget.slice(basePath.length);
}

/**
 * Why `target` may not be requested under the base path, or undefined when it may: it must start with one `/`, carry
 * no fragment, no unescaped whitespace or control characters, and no dot segments.
 */
export function resumeTargetProblem(target: string): string | undefined {
  if (!target.startsWith('/') || target.startsWith('//')) return 'it does not start with a single "/"';
  if (target.includes('#')) return 'it carries a fragment';
  if (UNSAFE_TARGET.test(target)) return 'it contains unescaped whitespace or control characters';
  const path = target.split('?', 1)[0];
  if (path.split('/').some((segment) => DOT_SEGMENT.test(segment))) return 'its path has a dot segment';
  return undefined;
}

/**
 * A request target with its query's `name=value` parts in sorted order, as they were sent (no decoding), so that two
 * spellings of one request compare equal: Bitbucket's `next` link orders its parts its own way, and a page location
 * put back together from a `$skiptoken` puts the stream's own parts first. Parts are not decoded or merged: any
 * other difference (encoding, a repeated part) keeps two targets apart, which costs a call, never a wrong page.
 */
export function canonicalTarget(target: string): string {
  const queryAt = target.indexOf('?');
  if (queryAt < 0) return target;
  const parts = target
    .slice(queryAt + 1)
    .split('&')
    .filter((part) => part !== '');
  return parts.length === 0 ? target.slice(0, queryAt) : `${target.slice(0, queryAt)}?${parts.sort().join('&')}`;
}
