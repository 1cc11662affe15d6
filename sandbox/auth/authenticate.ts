import type { RequestHandler } from 'express';
import { sendAuthFailure } from './auth-failures';
import { parseAuthorization } from './parse-authorization';
import { resolvePrincipal } from './resolve-principal';
import type { TokenStore } from './token-store';

/**
 * Parses `Authorization` (Bearer: OAuth, fixed user tokens, access tokens; Basic: email + API token) and sets
 * `res.locals.principal`. No credentials → anonymous principal; bad, retired or expired credentials → 401 as
 * Bitbucket answers them (see auth-failures.ts). Issued tokens are looked up in the instance's `tokens`.
 */
export function createAuthenticate(tokens: TokenStore): RequestHandler {
  return (req, res, next) => {
    const resolution = resolvePrincipal(parseAuthorization(req.get('authorization')), req.ip ?? req.socket.remoteAddress ?? 'unknown', tokens);
    if ('failure' in resolution) {
      sendAuthFailure(res, resolution.failure);
      return;
    }
    res.locals.principal = resolution.principal;
    next();
  };
}
