/**
 * Browser sign-in with Bitbucket (OAuth 2.0 authorization code, RFC 6749 §4.1) through passport-oauth2:
 * - `GET /auth/login[?return_to=/odata/...]` redirects to Bitbucket's consent page with a `state` nonce;
 * - `GET /auth/callback` checks the state, redeems the code and starts a session (a sealed cookie);
 * - `GET|POST /auth/logout` ends it; `GET /auth/token` shows the signed-in user what to put into other tools.
 */
import { Router, type Request } from 'express';
import OAuth2Strategy from 'passport-oauth2';
import type { BitbucketClient } from '../bitbucket';
import type { GatewayConfig } from '../config';
import type { Logger } from '../logger';
import { ODataError } from '../odata/errors';
import { unauthorized } from '../http/credentials';
import { publicBaseOf } from '../http/public-base';
import type { CookieSealer } from './cookie-sealer';
import { oauthEndpoints } from './oauth-endpoints';
import { OAuthStateStore, rememberReturnPath } from './oauth-state-store';
import { runStrategy } from './run-strategy';
import type { SessionManager } from './session-manager';
import { sendTokenPage } from './token-page';
import { tokenSetFromGrant, type TokenSet } from './token-set';

export interface LoginRouterDeps {
  config: GatewayConfig;
  sealer: CookieSealer;
  sessions: SessionManager | undefined;
  client: BitbucketClient;
  now: () => number;
  logger?: Logger;
}

/** Where to go after sign-in: a path on this gateway only (never another origin, so no open redirect). */
function returnPathOf(req: Request): string | undefined {
  const value = req.query.return_to;
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : undefined;
}

function createStrategy(config: GatewayConfig, sealer: CookieSealer, now: () => number, client: { id: string; secret: string }): OAuth2Strategy {
  const { authorizeUrl, tokenUrl } = oauthEndpoints(config.bitbucketOAuthUrl);
  return new OAuth2Strategy(
    {
      authorizationURL: authorizeUrl,
      tokenURL: tokenUrl,
      clientID: client.id,
      clientSecret: client.secret,
      // Relative when unset: passport resolves it against the request's own URL.
      callbackURL: config.oauthCallbackUrl ?? '/auth/callback',
      // passport-oauth2 calls a store by the arity of its methods; the typings list every overload instead.
      store: new OAuthStateStore(config, sealer, now) as unknown as OAuth2Strategy.StateStore,
      // Bitbucket grants what the consumer's permissions allow; the profile is read on demand by /auth/token.
      skipUserProfile: true,
    },
    // Arity 5 makes passport pass the token response itself, whose expires_in the session needs (node-oauth takes
    // refresh_token out of it and passes it separately).
    (_accessToken: string, refreshToken: string, params: Record<string, unknown>, _profile: unknown, done: OAuth2Strategy.VerifyCallback) => {
      try {
        done(null, tokenSetFromGrant({ ...params, refresh_token: refreshToken }, now()));
      } catch (error) {
        done(error);
      }
    },
  );
}

export function createLoginRouter({ config, sealer, sessions, client, now, logger }: LoginRouterDeps): Router {
  const router = Router();
  const oauthClient = config.oauthClient;
  if (!oauthClient || !sessions) {
    router.use(() => {
      throw new ODataError('NotFound', { message: 'Sign-in with Bitbucket is not configured on this gateway: set OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET, or send Authorization: Basic or Bearer.' });
    });
    return router;
  }
  const strategy = createStrategy(config, sealer, now, oauthClient);

  // Without OAUTH_CALLBACK_URL, passport builds the callback (redirect_uri) from the request's Host: only from one
  // this gateway answers to (public-base.ts), so a forged Host cannot send Bitbucket's authorization code elsewhere.
  if (!config.oauthCallbackUrl) {
    router.use(['/login', '/callback'], (req, _res, next) => {
      publicBaseOf(req, config);
      next();
    });
  }

  router.get('/login', async (req, res) => {
    const returnTo = returnPathOf(req);
    if (returnTo) rememberReturnPath(req, returnTo);
    const outcome = await runStrategy(strategy, req);
    if (outcome.kind !== 'redirect') throw new ODataError('Internal', { reference: 'sign-in could not start' });
    res.set('Cache-Control', 'no-store').redirect(outcome.status, outcome.url);
  });

  router.get('/callback', async (req, res) => {
    const outcome = await runStrategy(strategy, req);
    switch (outcome.kind) {
      case 'success': {
        sessions.start(req, res, outcome.user as TokenSet);
        const state = (outcome.info.state ?? {}) as { returnTo?: string };
        logger?.info('signed in');
        res.set('Cache-Control', 'no-store').redirect(303, state.returnTo ?? '/auth/token');
        return;
      }
      case 'fail': {
        const reason = (outcome.challenge as { message?: string } | undefined)?.message ?? 'Bitbucket did not grant access';
        logger?.warn('sign-in refused', { reason });
        // passport reports a state mismatch with 403 and a denied consent without a status.
        if (outcome.status === 403) throw new ODataError('Forbidden', { message: `Sign-in refused: ${reason}. Start again at /auth/login.` });
        throw unauthorized(`Sign-in refused: ${reason}. Start again at /auth/login.`);
      }
      case 'error': {
        // TokenError (RFC 6749 §5.2 code), AuthorizationError (§4.1.2.1), or a transport failure: log the code only.
        const code = (outcome.error as { code?: unknown }).code;
        logger?.warn('sign-in failed', { oauthError: typeof code === 'string' ? code : 'unknown' });
        if (typeof code === 'string') throw unauthorized(`Bitbucket refused the sign-in (${code}). Start again at /auth/login.`);
        throw new ODataError('UpstreamUnavailable', { message: 'the sign-in could not be completed with Bitbucket', retryAfter: 30 }, { headers: { 'Retry-After': '30' } });
      }
      default:
        throw new ODataError('BadRequest', { message: 'This is where Bitbucket returns after sign-in; start at /auth/login.' });
    }
  });

  const logout = (req: Request, res: import('express').Response) => {
    sessions.end(req, res);
    res.set('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send('Signed out.\n');
  };
  router.get('/logout', logout);
  router.post('/logout', logout);

  router.get('/token', async (req, res) => {
    const state = await sessions.resolve(req, res);
    if (state.kind !== 'active') throw unauthorized(`Not signed in${state.kind === 'ended' ? ` (${state.reason})` : ''}: sign in at /auth/login.`);
    const credential = { kind: 'bearer' as const, token: state.session.tokens.accessToken };
    const user = await client.get<{ display_name?: string }>('/user', {}, credential);
    const base = publicBaseOf(req, config);
    sendTokenPage(res, {
      displayName: user.display_name ?? 'unknown',
      serviceRoot: `${base}/odata/`,
      accessToken: state.session.tokens.accessToken,
      expiresAt: new Date(state.session.tokens.expiresAt),
    }, req.accepts(['html', 'json']) === 'json');
  });
  return router;
}
