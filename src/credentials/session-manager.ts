/**
 * Browser sessions without server state: the session lives in a sealed cookie (cookie-sealer.ts), so any replica
 * with the same SESSION_KEYS serves it. On use, an access token near its expiry is renewed with the refresh token
 * (RFC 6749 §6) and the cookie re-issued. Bitbucket rotates refresh tokens, so concurrent requests of one session
 * share one refresh per process; a request that loses a race across replicas keeps using the still-valid token.
 */
import type { Request, Response } from 'express';
import type { GatewayConfig } from '../config';
import type { Logger } from '../logger';
import type { CookieSealer } from './cookie-sealer';
import { clearCookie, readCookies, setCookie } from './cookies';
import { newSession, SESSION_COOKIE, sessionFromPayload, type Session } from './session';
import type { SharedStore } from '../storage';
import { SharedRevocations } from './shared-revocations';
import type { TokenEndpointClient } from './token-endpoint-client';
import { TokenRenewal } from './token-renewal';
import type { TokenSet } from './token-set';

export type SessionState =
  | { kind: 'none' }
  | { kind: 'active'; session: Session }
  /** A cookie came but no usable session: altered, sealed with a retired key, too old, or refused by Bitbucket. */
  | { kind: 'ended'; reason: string };

const SESSION_COOKIE_PATH = '/';

export interface SessionManagerOptions {
  config: GatewayConfig;
  sealer: CookieSealer;
  tokens: Pick<TokenEndpointClient, 'refresh'> | undefined;
  now: () => number;
  logger?: Logger;
  /** Where sign-outs are kept so that every replica honours them (the app's store: in-process, or Redis). */
  store?: SharedStore;
}

export class SessionManager {
  readonly #options: SessionManagerOptions;
  readonly #renewal: TokenRenewal;
  readonly #signedOut: SharedRevocations;

  constructor(options: SessionManagerOptions) {
    this.#options = options;
    this.#renewal = new TokenRenewal({ tokens: options.tokens, now: options.now, logger: options.logger });
    this.#signedOut = new SharedRevocations('signed-out', options.store, options.now);
  }

  /** Start a session after sign-in and send its cookie. */
  start(req: Request, res: Response, tokens: TokenSet): Session {
    const session = newSession(tokens, this.#options.now());
    this.#send(req, res, session);
    return session;
  }

  /** Sign out: the cookie is cleared and the session refused from now on, wherever a copy of its cookie turns up. */
  async end(req: Request, res: Response): Promise<void> {
    this.#clear(req, res);
    await Promise.all(this.#sessionsIn(req).map((session) => this.#signedOut.add(session.id, this.#endsAt(session))));
  }

  #clear(req: Request, res: Response): void {
    clearCookie(req, res, this.#options.config, SESSION_COOKIE, SESSION_COOKIE_PATH);
  }

  #sessionsIn(req: Request): Session[] {
    return readCookies(req, SESSION_COOKIE)
      .filter((value) => value !== '')
      .map((value) => sessionFromPayload(this.#options.sealer.open('session', value)))
      .filter((found): found is Session => found !== undefined);
  }

  #endsAt(session: Session): number {
    return session.signedInAt + this.#options.config.sessionTtlSeconds * 1000;
  }

  /** The request's session, renewed if its access token is near expiry; an unusable cookie is cleared. */
  async resolve(req: Request, res: Response): Promise<SessionState> {
    const cookies = readCookies(req, SESSION_COOKIE).filter((value) => value !== '');
    if (cookies.length === 0) return { kind: 'none' };
    const { config, sealer, now } = this.#options;
    const session = cookies.map((value) => sessionFromPayload(sealer.open('session', value))).find((found) => found !== undefined);
    if (!session) return this.#ended(req, res, 'the session cookie is not valid (it was altered, or sealed with a key this gateway no longer has)');
    if (await this.#signedOut.has(session.id)) return this.#ended(req, res, 'you signed out of this session');
    if (now() >= session.signedInAt + config.sessionTtlSeconds * 1000) return this.#ended(req, res, `the session is older than ${config.sessionTtlSeconds} seconds (SESSION_TTL_SECONDS)`);
    // Renewal (token-renewal.ts) is shared with gateway keys.
    const renewal = await this.#renewal.current(session.tokens, 'session', 'Sign in again at /auth/login.');
    if (renewal.kind === 'current') return { kind: 'active', session };
    if (renewal.kind === 'ended') return this.#ended(req, res, renewal.reason);
    const renewed: Session = { ...session, tokens: renewal.tokens };
    this.#send(req, res, renewed);
    return { kind: 'active', session: renewed };
  }

  #send(req: Request, res: Response, session: Session): void {
    const { config, sealer, now } = this.#options;
    const remainingSeconds = (session.signedInAt + config.sessionTtlSeconds * 1000 - now()) / 1000;
    setCookie(req, res, config, { name: SESSION_COOKIE, value: sealer.seal('session', session), path: SESSION_COOKIE_PATH, maxAgeSeconds: remainingSeconds });
  }

  #ended(req: Request, res: Response, reason: string): SessionState {
    this.#clear(req, res);
    this.#options.logger?.info('session ended', { reason });
    return { kind: 'ended', reason };
  }
}
