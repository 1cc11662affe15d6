/**
 * Words for Node's transport error codes (libuv/OpenSSL names, nodejs.org/api/errors.html "Common system errors"),
 * so an error message says "connection refused (ECONNREFUSED)" rather than a bare code or "network".
 */
const TRANSPORT_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed for now',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  ERR_TRUNCATED_BODY: 'the connection closed before the whole body arrived',
  ERR_RESPONSE_TOO_LARGE: 'the body is larger than the gateway reads',
  ERR_NETWORK: 'network failure',
  EPIPE: 'connection closed while sending',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate is for another host',
};

/** "connection refused (ECONNREFUSED)": Node's code, with words for the common ones. */
export function transportText(code: string): string {
  const words = TRANSPORT_TEXT[code];
  return words === undefined ? code : `${words} (${code})`;
}
