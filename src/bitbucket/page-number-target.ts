import { encodeUpstreamQuery, type UpstreamQuery } from './upstream-query';

export type PageNumberTarget = { ok: true; requestTarget: string } | { ok: false; problem: string };

/**
 * The query of a request target (path + query, as sent) read back into an UpstreamQuery. Bitbucket decodes `+` in a
 * query as a space (application/x-www-form-urlencoded, url.spec.whatwg.org/#urlencoded-parsing), so it is read that way; repeated names become arrays.
 * Undefined when a name or value is not valid percent-encoding.
 */
export function readRequestQuery(query: string): UpstreamQuery | undefined {
  const result: Record<string, string[]> = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decode(equals < 0 ? pair : pair.slice(0, equals));
    const value = decode(equals < 0 ? '' : pair.slice(equals + 1));
    if (name === undefined || value === undefined) return undefined;
    (result[name] ??= []).push(value);
  }
  return Object.fromEntries(Object.entries(result).map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
}

/** The `page` and `pagelen` parameters of a request target, when each was sent once. */
export function pageParams(requestTarget: string): { page?: string; pagelen?: string } {
  const question = requestTarget.indexOf('?');
  const query = question < 0 ? {} : (readRequestQuery(requestTarget.slice(question + 1)) ?? {});
  const params: { page?: string; pagelen?: string } = {};
  if (typeof query.page === 'string') params.page = query.page;
  if (typeof query.pagelen === 'string') params.pagelen = query.pagelen;
  return params;
}

/**
 * The request that produced a page, asking for page `page` instead: same path, same parameters (q, sort, fields,
 * pagelen, state...), `page` set, re-encoded by encodeUpstreamQuery. Used when a page-numbered list leaves out
 * `next` on a page that is not its last (page-continuation.ts); built only from what was sent upstream.
 */
export function withPageNumber(requestTarget: string, page: number): PageNumberTarget {
  const question = requestTarget.indexOf('?');
  const path = question < 0 ? requestTarget : requestTarget.slice(0, question);
  const query = question < 0 ? {} : readRequestQuery(requestTarget.slice(question + 1));
  if (query === undefined) return { ok: false, problem: 'the request of that page has a query that is not valid percent-encoding, so the next page cannot be asked for' };
  query.page = String(page);
  return { ok: true, requestTarget: `${path}?${encodeUpstreamQuery(query)}` };
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
