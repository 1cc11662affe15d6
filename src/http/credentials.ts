/**
 * The caller's Bitbucket credential, taken from the request and passed through upstream untouched:
 * `Authorization: Bearer <token>` (OAuth or access token; the Power Apps connector) or
 * `Authorization: Basic <email:api-token>` (Excel and Power BI OData feeds). Nothing is stored.
 */
import type { Request } from 'express';
import type { UpstreamCredential } from '../bitbucket';
import type { GatewayConfig } from '../config';
import { ODataError } from '../odata/errors';

export const WWW_AUTHENTICATE = 'Basic realm="Bitbucket", Bearer';

export function unauthorized(message: string): ODataError {
  return new ODataError('Unauthorized', { message }, { headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
}

export function credentialFromRequest(req: Request, config: GatewayConfig): UpstreamCredential {
  const header = req.get('authorization');
  if (!header) {
    if (config.demoCredential) return config.demoCredential;
    throw unauthorized('Sign in: send Authorization: Basic with your Atlassian email and a Bitbucket API token, or Authorization: Bearer with an access token.');
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

/** A stable identity for binding skiptokens and caches to one credential (hashed by the consumer, never stored). */
export function credentialIdentity(credential: UpstreamCredential): string {
  switch (credential.kind) {
    case 'bearer':
      return `bearer:${credential.token}`;
    case 'basic':
      return `basic:${credential.username}:${credential.password}`;
    case 'none':
      return 'none';
  }
}
