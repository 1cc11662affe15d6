/**
 * Where a redirect Bitbucket answers to a GET leads, as a request target on the configured upstream, or why it is
 * not followed.
 *
 * Bitbucket answers some reads with a redirect to the resource that holds the answer: `GET
 * …/pullrequests/{id}/diffstat` "Redirects to the repository diffstat with the revspec that corresponds to the pull
 * request" (official description, response 302); the target looks like
 * `…/diffstat/{workspace}/{repo}:{source}%0D{destination}?from_pullrequest_id={id}` (the pull request's
 * `links.diffstat` in a recorded answer, Speakweb/dashboar `source/test/fixtures/pull-requests-response.ts`).
 *
 * - Only a Location on the configured origin (scheme, host and port) and under its base path is followed: the
 *   upstream is configuration (`BITBUCKET_API_URL`), never taken from a response, so the credential (the
 *   Authorization header) only ever goes to the origin it was configured for. A redirect anywhere else is an
 *   upstream failure that names the host it pointed at (never the whole URL: it could carry a token).
 * - Query parameters of the request that the Location does not set itself are carried over (`pagelen`, `page`,
 *   `fields`): the redirect names the same list under another path, and a `page=3` or a `pagelen=1` that went
 *   missing would give the wrong rows or a wrong count without a sign. Whether Bitbucket keeps them is not on record;
 *   when it does, nothing is added.
 */

export type RedirectResult = { ok: true; requestTarget: string } | { ok: false; problem: string };

/** Statuses that send a GET elsewhere (RFC 9110 §15.4); 304 is a cache answer and 300/305/306 are not followed. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Redirects followed for one call before it fails: Bitbucket's documented one is a single hop. */
export const MAX_REDIRECTS = 5;

// What Node refuses in a request target (ERR_UNESCAPED_CHARACTERS), and what no well-formed link contains.
const UNSAFE_TARGET = /[\s\0-\x1f\x7f]/;

/** The name of a raw `name=value` pair of a query string, decoded (a malformed escape keeps it raw). */
function pairName(pair: string): string {
  const raw = pair.split('=', 1)[0];
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

function rawPairs(query: string): string[] {
  return query === '' ? [] : query.split('&').filter((pair) => pair !== '');
}

/**
 * `location` (a Location header) resolved against `from` (the request target just sent, base path included) on
 * `upstream`; the request target to send next, or the problem.
 */
export function redirectTarget(location: string | undefined, from: string, upstream: URL, basePath: string): RedirectResult {
  if (location === undefined || location.trim() === '') return { ok: false, problem: 'it redirected without a Location header' };
  let resolved: URL;
  try {
    resolved = new URL(location.trim(), `${upstream.origin}${from}`);
  } catch {
    return { ok: false, problem: 'it redirected to a Location that is not a URL' };
  }
  if (resolved.origin !== upstream.origin) {
    const where = resolved.host === upstream.host ? `${resolved.protocol}//${resolved.host}` : resolved.host || resolved.protocol;
    return {
      ok: false,
      problem: `it redirected to another host (${where}); the gateway calls only the configured upstream ${upstream.host} (BITBUCKET_API_URL), so credentials never leave it`,
    };
  }
  if (!resolved.pathname.startsWith(`${basePath}/`)) {
    return { ok: false, problem: `it redirected outside the API's base path ${basePath || '/'}` };
  }
  const fromQueryAt = from.indexOf('?');
  const fromPairs = rawPairs(fromQueryAt < 0 ? '' : from.slice(fromQueryAt + 1));
  const locationPairs = rawPairs(resolved.search.replace(/^\?/, ''));
  const setByLocation = new Set(locationPairs.map(pairName));
  const carried = fromPairs.filter((pair) => !setByLocation.has(pairName(pair)));
  const query = [...locationPairs, ...carried].join('&');
  const requestTarget = `${resolved.pathname}${query === '' ? '' : `?${query}`}`;
  if (UNSAFE_TARGET.test(requestTarget)) return { ok: false, problem: 'it redirected to a Location with unescaped whitespace or control characters' };
  return { ok: true, requestTarget };
}
