/**
 * Runs before the OData router and settles the credential of a request: a gateway key (the `API_KEY_PARAMETER` query
 * parameter, or the password of Basic; gateway-keys.ts) > explicit header > session cookie > service mode > none (the
 * router then answers 401). Async work (renewing a
 * session, fetching a service token) happens here so the router reads the credential synchronously.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { GatewayConfig } from '../config';
import { ODataError } from '../odata/errors';
import { attachCredential } from '../http/credentials';
import { unauthorized } from '../unauthorized';
import { publicBaseOf } from '../http/public-base';
import type { GatewayKeys } from './gateway-keys';
import { takePresentedKey, type PresentedKey } from './presented-key';
import type { ServiceCredentialSource } from './service-credential-source';
import type { SessionManager } from './session-manager';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CredentialMiddlewareDeps {
  config: GatewayConfig;
  sessions: SessionManager | undefined;
  service: ServiceCredentialSource | undefined;
  /** Undefined when the gateway issues no keys (no OAuth consumer): a key presented anyway is refused. */
  keys?: GatewayKeys;
}

export function createCredentialMiddleware({ config, sessions, service, keys }: CredentialMiddlewareDeps): RequestHandler {
  // A request with its own Authorization header (the one that comes by the thousand) is settled here, in the same turn:
  // an async function would make a promise and express a microtask to watch it, on every request (issue #15). What
  // throws here (a key given twice) reaches express as the async one's rejection did: its error middleware.
  return (req, res, next) => {
    // Taken out of the URL whether or not it is valid, so no link or message built from the URL repeats it.
    const presented = takePresentedKey(req, config.apiKeyParameter);
    if (!presented && req.get('authorization')) {
      next();
      return undefined;
    }
    return settle(req, res, next, presented);
  };

  async function settle(req: Request, res: Response, next: NextFunction, presented: PresentedKey | undefined): Promise<void> {
    if (presented) {
      if (!keys) throw unauthorized('This gateway issues no gateway keys (sign-in with Bitbucket is not configured): send Authorization: Basic with your Atlassian email and a Bitbucket API token.');
      const { id, credential } = await keys.credential(presented.key);
      // A stable identity: skiptokens and paging snapshots stay bound to the key across its renewals.
      attachCredential(req, credential, `key:${id}`);
      res.on('finish', () => {
        if (res.statusCode === 401) keys.refused(id, credential);
      });
      next();
      return;
    }
    const state = sessions ? await sessions.resolve(req, res) : { kind: 'none' as const };
    if (state.kind === 'ended') throw unauthorized(`Your Bitbucket sign-in ended: ${state.reason}. Sign in again at /auth/login.`);
    if (state.kind === 'active') {
      refuseCrossSiteWrite(req, config);
      attachCredential(req, { kind: 'bearer', token: state.session.tokens.accessToken }, `session:${state.session.id}`);
      next();
      return;
    }
    if (service) {
      // Service mode lends its credential to whoever asks, so a foreign page could spend it as well as a cookie.
      refuseCrossSiteWrite(req, config);
      const credential = await service.credential();
      attachCredential(req, credential, service.identity);
      // Bitbucket refused it (revoked, or expired early): drop it so the next request fetches a fresh one.
      res.on('finish', () => {
        if (res.statusCode === 401) service.refused(credential);
      });
    }
    next();
  }
}

/**
 * An ambient credential (the session cookie, or service mode's, which needs nothing from the caller at all) rides
 * along on any request a browser makes, including one a foreign page triggers: a body-less `<form method=post>` needs
 * no CORS preflight (Fetch standard, "CORS-safelisted request"). SameSite=Lax keeps the cookie off cross-site POSTs in
 * current browsers, but service mode has no cookie to withhold. So a state-changing request with an ambient
 * credential is refused when a browser says it came from elsewhere: Fetch Metadata `Sec-Fetch-Site` (sent by every
 * current browser), else `Origin` (sent on every cross-origin POST; `null` from sandboxed frames and some redirects),
 * as OWASP's "Cross-Site Request Forgery Prevention Cheat Sheet" advises. Tools that are not browsers (curl, scripts,
 * Power Query) send neither header and are served: they cannot be made to send a request by a web page.
 */
export function refuseCrossSiteWrite(req: Request, config: GatewayConfig): void {
  if (SAFE_METHODS.has(req.method)) return;
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const ownOrigin = new URL(publicBaseOf(req, config)).origin;
  const crossSite = site !== undefined ? site !== 'same-origin' && site !== 'none' : origin !== undefined && origin !== ownOrigin;
  if (crossSite) {
    throw new ODataError('Forbidden', {
      message: 'A cross-site request cannot change data with the gateway\'s own credential (sign-in cookie or service mode). Send Authorization: Bearer or Basic instead.',
    });
  }
}
