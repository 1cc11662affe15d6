/** Credentials attached per request; never logged, never in errors. */
export type UpstreamCredential =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'none' };

/** Thrown when a credential cannot be put in an Authorization header. The message never contains the secret. */
export class UnusableCredentialError extends Error {
  override readonly name = 'UnusableCredentialError';
}

// A header value must be visible ASCII (RFC 9110 §5.5); a bearer token is a b64token (RFC 6750 §2.1), so anything
// outside 0x21-0x7E (spaces, CR/LF, non-ASCII) is a malformed token, not something to smuggle into a header.
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The Authorization header value for one request, or undefined for anonymous calls.
 * Bitbucket takes Bearer for OAuth 2.0 and access tokens, Basic for email + API token ("Authentication methods", developer.atlassian.com/cloud/bitbucket/rest/intro/).
 */
export function authorizationHeader(credential: UpstreamCredential): string | undefined {
  switch (credential.kind) {
    case 'none':
      return undefined;
    case 'bearer':
      if (!VISIBLE_ASCII.test(credential.token)) {
        throw new UnusableCredentialError('The bearer token is empty or contains spaces, control or non-ASCII characters (RFC 6750 §2.1).');
      }
      return `Bearer ${credential.token}`;
    case 'basic':
      // RFC 7617 §2: the user-id cannot contain a colon, since the first colon separates it from the password.
      if (credential.username.includes(':')) {
        throw new UnusableCredentialError('A Basic username cannot contain ":" (RFC 7617 §2).');
      }
      if (/[\0-\x1f\x7f]/.test(credential.username + credential.password)) {
        throw new UnusableCredentialError('A Basic username or password cannot contain control characters (RFC 7617 §2).');
      }
      return `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`;
  }
}
