/**
 * The OAuth 2.0 `state` parameter against CSRF on the callback (RFC 6749 §10.12), kept without a server-side store:
 * a random nonce goes to Bitbucket in `state` and, sealed, into a short-lived cookie of this browser; the callback
 * is accepted only when the two agree. This is passport-oauth2's state-store interface (`store`/`verify`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { GatewayConfig } from '../config';
import type { CookieSealer } from './cookie-sealer';
import { clearCookie, readCookies, setCookie } from './cookies';

export const STATE_COOKIE = 'bbodata_oauth_state';
/** Long enough to pass Bitbucket's consent page, short enough that a stolen cookie soon expires. */
const STATE_TTL_SECONDS = 600;
/** Only /auth/callback needs it. */
const STATE_COOKIE_PATH = '/auth';

/** What the state carries through the round trip besides the nonce. */
export interface SignInState {
  /** A path on this gateway to return to after sign-in. */
  returnTo?: string;
  /** The round trip gets tokens for a new gateway key (its own chain), not a session (gateway-keys.ts). */
  key?: { label: string };
}

type StoreCallback = (err: Error | null, state?: string) => void;
type VerifyCallback = (err: Error | null, ok: boolean, info?: SignInState | { message: string }) => void;

interface StatePayload {
  n: string;
  at: number;
  returnTo?: string;
  key?: { label: string };
}

/** Where to keep the return path between `/auth/login` and the callback; the router sets it before redirecting. */
const returnPaths = new WeakMap<Request, string>();

export function rememberReturnPath(req: Request, path: string): void {
  returnPaths.set(req, path);
}

/** Likewise for a key request: the callback then creates a gateway key with these tokens instead of a session. */
const keyRequests = new WeakMap<Request, { label: string }>();

export function rememberKeyRequest(req: Request, request: { label: string }): void {
  keyRequests.set(req, request);
}

export class OAuthStateStore {
  constructor(
    private readonly config: GatewayConfig,
    private readonly sealer: CookieSealer,
    private readonly now: () => number,
  ) {}

  // passport-oauth2 picks the call by arity: (req, meta, callback).
  store(req: Request, _meta: unknown, callback: StoreCallback): void {
    const res = req.res;
    if (!res) {
      callback(new Error('The state store needs the response to set its cookie.'));
      return;
    }
    const nonce = randomBytes(24).toString('base64url');
    const returnTo = returnPaths.get(req);
    const key = keyRequests.get(req);
    const payload: StatePayload = { n: nonce, at: this.now(), ...(returnTo ? { returnTo } : {}), ...(key ? { key } : {}) };
    setCookie(req, res, this.config, { name: STATE_COOKIE, value: this.sealer.seal('oauth-state', payload), path: STATE_COOKIE_PATH, maxAgeSeconds: STATE_TTL_SECONDS });
    callback(null, nonce);
  }

  // passport-oauth2 picks the call by arity: (req, state, meta, callback).
  verify(req: Request, providedState: string, _meta: unknown, callback: VerifyCallback): void {
    const cookies = readCookies(req, STATE_COOKIE);
    // One sign-in, one use: whatever happens next, the state cookie is spent.
    if (req.res && cookies.length > 0) clearCookie(req, req.res, this.config, STATE_COOKIE, STATE_COOKIE_PATH);
    if (typeof providedState !== 'string' || providedState === '') {
      callback(null, false, { message: 'Bitbucket sent no state back' });
      return;
    }
    if (cookies.length === 0) {
      callback(null, false, { message: 'this browser holds no sign-in in progress (the state cookie is missing or expired)' });
      return;
    }
    for (const cookie of cookies) {
      const payload = this.sealer.open('oauth-state', cookie) as Partial<StatePayload> | undefined;
      if (!payload || typeof payload.n !== 'string' || typeof payload.at !== 'number') continue;
      if (this.now() - payload.at > STATE_TTL_SECONDS * 1000) continue;
      if (sameText(payload.n, providedState)) {
        const key = typeof payload.key?.label === 'string' ? { key: { label: payload.key.label } } : {};
        callback(null, true, { ...(typeof payload.returnTo === 'string' ? { returnTo: payload.returnTo } : {}), ...key });
        return;
      }
    }
    callback(null, false, { message: 'the state Bitbucket sent back does not match the one this browser started with' });
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
