/** The `Authorization` header, parsed into the two schemes Bitbucket Cloud's REST API accepts (RFC 7617, RFC 6750). */
export type ParsedAuthorization =
  | { scheme: 'none' }
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'bearer'; token: string }
  | { scheme: 'malformed' };

export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (header === undefined || header.trim() === '') return { scheme: 'none' };
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header.trim());
  if (!match) return { scheme: 'malformed' };
  const [, scheme, value] = match;
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return { scheme: 'bearer', token: value };
    case 'basic':
      return parseBasic(value);
    default:
      return { scheme: 'malformed' };
  }
}

function parseBasic(encoded: string): ParsedAuthorization {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return { scheme: 'malformed' };
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { scheme: 'malformed' };
  return { scheme: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
