/**
 * The caller's Bitbucket credential, in this order of precedence:
 * 1. `Authorization: Bearer <token>` (OAuth or access token; the Power Apps connector) or
 *    `Authorization: Basic <email:api-token>` (Excel and Power BI OData feeds), passed through upstream untouched;
 * 2. a credential src/credentials resolved before the router ran and attached to the request: a gateway key's
 *    access token (which takes precedence over the header, whose Basic password may be the key), the browser
 *    session's access token, else service mode's credential;
 * 3. nothing: 401 with `WWW-Authenticate` naming both schemes (RFC 9110 §11.6.1), so clients know what to send.
 * Nothing here outlives the request.
 */
import type { Request } from 'express';
import type { UpstreamCredential } from '../bitbucket';
import type { GatewayConfig } from '../config';
import { unauthorized } from '../unauthorized';

/** Credentials attached to a request by the session or service-mode middleware; gone with the request. */
const attached = new WeakMap<Request, UpstreamCredential>();
/** Identities that outlive one token: a session keeps its id across refreshes, service mode is one principal. */
const stableIdentities = new WeakMap<UpstreamCredential, string>();

/**
 * Attach a credential that did not come in the Authorization header. `identity` binds `$skiptoken`s to it: give one
 * that stays the same while the token behind it is renewed (`session:<id>`, `service:<mode>`), so paging survives.
 */
export function attachCredential(req: Request, credential: UpstreamCredential, identity: string): void {
  stableIdentities.set(credential, identity);
  attached.set(req, credential);
}

export function credentialFromRequest(req: Request, config: GatewayConfig): UpstreamCredential {
  // Attached first: a gateway key may arrive as the password of a Basic header, which then must not go upstream.
  const resolved = attached.get(req);
  if (resolved) return resolved;
  const header = req.get('authorization');
  if (!header) {
    const signIn = config.oauthClient ? ', or sign in with Bitbucket at /auth/login' : '';
    throw unauthorized(`Sign in: send Authorization: Basic with your Atlassian email and a Bitbucket API token, or Authorization: Bearer with an access token${signIn}.`);
  }
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'bearer' && value) return { kind: 'bearer', token: value };
  if (scheme === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  throw unauthorized('The Authorization header is malformed: use Basic with base64(email:api-token), or Bearer <token>.');
}

/**
 * Whether the client brought this credential (the Authorization header), rather than the gateway attaching its own
 * (a session's, a gateway key's, service mode's), whose identity outlives a token that is renewed on a 401.
 */
export function isPresentedCredential(credential: UpstreamCredential): boolean {
  return credential.kind !== 'none' && !stableIdentities.has(credential);
}

/** A stable identity for binding skiptokens and caches to one credential (hashed by the consumer, never stored). */
export function credentialIdentity(credential: UpstreamCredential): string {
  const stable = stableIdentities.get(credential);
  if (stable !== undefined) return stable;
  switch (credential.kind) {
    case 'bearer':
      return `bearer:${credential.token}`;
    case 'basic':
      return `basic:${credential.username}:${credential.password}`;
    case 'none':
      return 'none';
  }
}
