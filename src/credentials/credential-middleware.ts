/**
 * Runs before the OData router and settles the credential of a request that has no Authorization header:
 * explicit header > session cookie > service mode > none (the router then answers 401). Async work (renewing a
 * session, fetching a service token) happens here so the router reads the credential synchronously.
 */
import type { Request, RequestHandler } from 'express';
import type { GatewayConfig } from '../config';
import { ODataError } from '../odata/errors';
import { attachCredential, unauthorized } from '../http/credentials';
import type { ServiceCredentialSource } from './service-credential-source';
import type { SessionManager } from './session-manager';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CredentialMiddlewareDeps {
  config: GatewayConfig;
  sessions: SessionManager | undefined;
  service: ServiceCredentialSource | undefined;
}

export function createCredentialMiddleware({ config, sessions, service }: CredentialMiddlewareDeps): RequestHandler {
  return async (req, res, next) => {
    if (req.get('authorization')) {
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
      const credential = await service.credential();
      attachCredential(req, credential, service.identity);
      // Bitbucket refused it (revoked, or expired early): drop it so the next request fetches a fresh one.
      res.on('finish', () => {
        if (res.statusCode === 401) service.refused(credential);
      });
    }
    next();
  };
}

/**
 * A cookie rides along on any request the browser makes, including one a foreign page triggers. SameSite=Lax keeps
 * it off cross-site POSTs in current browsers; this refuses the rest (Fetch Metadata `Sec-Fetch-Site`, else `Origin`,
 * as OWASP's CSRF cheat sheet advises), so a session can only change Bitbucket data from this gateway's own pages
 * or from tools that are not browsers.
 */
function refuseCrossSiteWrite(req: Request, config: GatewayConfig): void {
  if (SAFE_METHODS.has(req.method)) return;
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const ownOrigin = config.publicUrl ? new URL(config.publicUrl).origin : `${req.protocol}://${req.get('host') ?? ''}`;
  const crossSite = site !== undefined ? site !== 'same-origin' && site !== 'none' : origin !== undefined && origin !== ownOrigin;
  if (crossSite) {
    throw new ODataError('Forbidden', { message: 'A cross-site request cannot use the sign-in cookie to change data. Send Authorization: Bearer or Basic instead.' });
  }
}
