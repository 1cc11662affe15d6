/**
 * How often a GET may repeat a 500, when that is fewer than UPSTREAM_MAX_RETRIES allows.
 *
 * Bitbucket answers a BBQL `q` naming a field it does not support with 400, but on some fields with 500
 * (BCLOUD-22709, jira.atlassian.com/browse/BCLOUD-22709): that 500 is its answer to the query and comes back on every
 * retry, so three retries cost three calls for nothing (four in all). One retry still rides out a 500 that was a
 * passing fault; the caller then learns of the refusal after two calls. A caller that treats a 500 as the answer
 * itself (asking which `q` Bitbucket refuses) asks for none (`ReadOptions.retriesOf500`).
 */
export const RETRIES_OF_500_WITH_Q = 1;

/** The cap for a GET of `requestTarget` (path and query, as sent): one retry when it carries `q`, else none set. */
export function retriesOf500For(requestTarget: string): number | undefined {
  const search = requestTarget.indexOf('?');
  if (search < 0) return undefined;
  const query = requestTarget.slice(search + 1);
  // Asked for every GET: a query without the letter q or its escape (%71) names no `q`, so it is not parsed.
  if (!query.includes('q') && !/%71/i.test(query)) return undefined;
  return new URLSearchParams(query).has('q') ? RETRIES_OF_500_WITH_Q : undefined;
}
