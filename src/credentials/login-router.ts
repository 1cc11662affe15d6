/**
 * Browser sign-in with Bitbucket (OAuth 2.0 authorization code, RFC 6749 §4.1) through passport-oauth2:
 * - `GET /auth/login[?return_to=/odata/...]` redirects to Bitbucket's consent page with a `state` nonce;
 * - `GET /auth/callback` checks the state, redeems the code and starts a session (a sealed cookie);
 * - `GET|POST /auth/logout` ends it; `GET /auth/token` shows the signed-in user what to put into other tools;
 * - `POST /auth/keys` creates a gateway key (gateway-keys.ts) through a second consent round trip, so the key gets a
 *   token chain of its own; `GET /auth/keys` lists the user's keys, `DELETE /auth/keys/{id}` (or
 *   `POST /auth/keys/{id}/revoke`, for the token page's form) revokes one.
 */
import express, { Router, type Request, type Response } from 'express';
import OAuth2Strategy from 'passport-oauth2';
import type { BitbucketClient } from '../bitbucket';
import type { GatewayConfig } from '../config';
import type { Logger } from '../logger';
import { ODataError } from '../odata/errors';
import { unauthorized } from '../unauthorized';
import { publicBaseOf } from '../http/public-base';
import type { CookieSealer } from './cookie-sealer';
import { refuseCrossSiteWrite } from './credential-middleware';
import type { GatewayKeys } from './gateway-keys';
import { sendKeyPage } from './key-page';
import { oauthEndpoints } from './oauth-endpoints';
import { OAuthStateStore, rememberKeyRequest, rememberReturnPath, type SignInState } from './oauth-state-store';
import { runStrategy } from './run-strategy';
import type { Session } from './session';
import type { SessionManager } from './session-manager';
import { listedKey, sendTokenPage } from './token-page';
import { tokenSetFromGrant, type TokenSet } from './token-set';

export interface LoginRouterDeps {
  config: GatewayConfig;
  sealer: CookieSealer;
  sessions: SessionManager | undefined;
  keys: GatewayKeys | undefined;
  client: BitbucketClient;
  now: () => number;
  logger?: Logger;
}

/** Where to go after sign-in: a path on this gateway only (never another origin, so no open redirect). */
function returnPathOf(req: Request): string | undefined {
  const value = req.query.return_to;
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : undefined;
}

const MAX_LABEL_LENGTH = 100;

/** A key's label: from the form or JSON body, or `?label=`; printable text, at most 100 characters. */
function keyLabelOf(req: Request): string {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const given = typeof body.label === 'string' ? body.label : typeof req.query.label === 'string' ? req.query.label : 'Power BI';
  const label = given.trim();
  if (label === '' || label.length > MAX_LABEL_LENGTH || /[\u0000-\u001f\u007f]/.test(label)) {
    throw new ODataError('BadRequest', { message: `A key label is 1 to ${MAX_LABEL_LENGTH} printable characters.` });
  }
  return label;
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

export function createLoginRouter({ config, sealer, sessions, keys, client, now, logger }: LoginRouterDeps): Router {
  const router = Router();
  const oauthClient = config.oauthClient;
  if (!oauthClient || !sessions || !keys) {
    router.use(() => {
      throw new ODataError('NotFound', { message: 'Sign-in with Bitbucket is not configured on this gateway: set OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET, or send Authorization: Basic or Bearer.' });
    });
    return router;
  }
  const strategy = createStrategy(config, sealer, now, oauthClient);

  // Without OAUTH_CALLBACK_URL, passport builds the callback (redirect_uri) from the request's Host: only from one
  // this gateway answers to (public-base.ts), so a forged Host cannot send Bitbucket's authorization code elsewhere.
  if (!config.oauthCallbackUrl) {
    router.use(['/login', '/callback', '/keys'], (req, _res, next) => {
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
        const state = (outcome.info.state ?? {}) as SignInState;
        if (state.key) {
          // A key request: these tokens (a chain of their own) go into the key, the session stays as it is.
          const tokens = outcome.user as TokenSet;
          const user = await client.get<{ uuid?: string }>('/user', {}, { kind: 'bearer', token: tokens.accessToken });
          if (typeof user.uuid !== 'string') throw new ODataError('UpstreamError', { upstreamStatus: 200, message: 'Bitbucket\'s /user answered without a uuid; no key was created.' });
          const created = await keys.create(user.uuid, state.key.label, tokens);
          sendKeyPage(res, { ...created, serviceRoot: `${publicBaseOf(req, config)}/odata/`, apiKeyParameter: config.apiKeyParameter }, req.accepts(['html', 'json']) === 'json');
          return;
        }
        sessions.start(req, res, outcome.user as TokenSet);
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

  const logout = async (req: Request, res: Response) => {
    await sessions.end(req, res);
    res.set('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send('Signed out.\n');
  };
  router.get('/logout', logout);
  router.post('/logout', logout);

  /** The signed-in session, or 401 pointing to sign-in. */
  const signedIn = async (req: Request, res: Response): Promise<Session> => {
    const state = await sessions.resolve(req, res);
    if (state.kind !== 'active') throw unauthorized(`Not signed in${state.kind === 'ended' ? ` (${state.reason})` : ''}: sign in at /auth/login.`);
    return state.session;
  };
  /** The signed-in user's Bitbucket account (one `GET /user`): keys belong to an account, not to a session. */
  const accountOf = (session: Session) => client.get<{ uuid?: string; display_name?: string }>('/user', {}, { kind: 'bearer', token: session.tokens.accessToken });

  router.get('/token', async (req, res) => {
    const session = await signedIn(req, res);
    const user = await accountOf(session);
    const base = publicBaseOf(req, config);
    sendTokenPage(res, {
      displayName: user.display_name ?? 'unknown',
      serviceRoot: `${base}/odata/`,
      accessToken: session.tokens.accessToken,
      expiresAt: new Date(session.tokens.expiresAt),
      keys: typeof user.uuid === 'string' ? await keys.list(user.uuid) : [],
      apiKeyParameter: config.apiKeyParameter,
    }, req.accepts(['html', 'json']) === 'json');
  });

  // Creating or revoking a key changes what the account's credentials can do: a cookie write, so a foreign page must
  // not trigger it (credential-middleware.ts, refuseCrossSiteWrite).
  router.post('/keys', express.urlencoded({ extended: false, limit: '4kb' }), express.json({ limit: '4kb' }), async (req, res) => {
    await signedIn(req, res);
    refuseCrossSiteWrite(req, config);
    rememberKeyRequest(req, { label: keyLabelOf(req) });
    const outcome = await runStrategy(strategy, req);
    if (outcome.kind !== 'redirect') throw new ODataError('Internal', { reference: 'key creation could not start' });
    // 303: the browser follows with GET to Bitbucket's consent page, which approves at once for a consumer it knows.
    res.set('Cache-Control', 'no-store').redirect(303, outcome.url);
  });

  router.get('/keys', async (req, res) => {
    const user = await accountOf(await signedIn(req, res));
    res.set('Cache-Control', 'no-store').json({ value: typeof user.uuid === 'string' ? (await keys.list(user.uuid)).map(listedKey) : [] });
  });

  const revoke = async (req: Request, res: Response): Promise<void> => {
    const session = await signedIn(req, res);
    refuseCrossSiteWrite(req, config);
    const id = String(req.params.id);
    const user = await accountOf(session);
    if (typeof user.uuid !== 'string' || !(await keys.revoke(user.uuid, id))) {
      throw new ODataError('NotFound', { message: `You have no gateway key ${id}: it was revoked, expired, or is not yours (see GET /auth/keys).` });
    }
  };
  router.delete('/keys/:id', async (req, res) => {
    await revoke(req, res);
    res.status(204).end();
  });
  router.post('/keys/:id/revoke', async (req, res) => {
    await revoke(req, res);
    res.set('Cache-Control', 'no-store').redirect(303, '/auth/token');
  });
  return router;
}
