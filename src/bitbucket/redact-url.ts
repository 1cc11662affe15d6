/**
 * Query parameters that carry a credential. Bitbucket accepts an OAuth access token as `?access_token=`
 * (OAuth 2.0 bearer in the URI query, RFC 6750 §2.3); we never send one, but a configured or echoed URL might hold one.
 */
const SECRET_QUERY_PARAMETERS: ReadonlySet<string> = new Set(['access_token']);

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;

/**
 * A URL safe for logs, events and error messages: userinfo (`user:password@`) removed and the value of every
 * credential-carrying query parameter replaced by `REDACTED`. The rest of the URL is kept byte for byte (no
 * re-serialization), so the logged URL is the one that was sent.
 */
export function redactUrl(url: string): string {
  const withoutUserinfo = url.replace(USERINFO, '$1');
  const queryStart = withoutUserinfo.indexOf('?');
  if (queryStart < 0) return withoutUserinfo;
  const fragmentStart = withoutUserinfo.indexOf('#', queryStart);
  const queryEnd = fragmentStart < 0 ? withoutUserinfo.length : fragmentStart;
  const query = withoutUserinfo
    .slice(queryStart + 1, queryEnd)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals < 0 ? pair : pair.slice(0, equals);
      // Runs for every upstream call (its logged URL): only a name with an escape or a `+` needs decoding.
      const name = rawName.includes('%') || rawName.includes('+') ? decodeQueryName(rawName) : rawName;
      return SECRET_QUERY_PARAMETERS.has(name.toLowerCase()) ? `${rawName}=REDACTED` : pair;
    })
    .join('&');
  return `${withoutUserinfo.slice(0, queryStart)}?${query}${withoutUserinfo.slice(queryEnd)}`;
}

function decodeQueryName(rawName: string): string {
  try {
    return decodeURIComponent(rawName.replace(/\+/g, ' '));
  } catch {
    return rawName;
  }
}
