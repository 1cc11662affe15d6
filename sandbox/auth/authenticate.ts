import type { RequestHandler } from 'express';
import type { SandboxOptions } from '../options';
import { sendAuthFailure } from './auth-failures';
import { parseAuthorization } from './parse-authorization';
import { resolvePrincipal } from './resolve-principal';

/**
 * Parses `Authorization` (Bearer: OAuth, fixed user tokens, access tokens; Basic: email + API token) and sets
 * `res.locals.principal`. No credentials → anonymous principal; bad, retired or expired credentials → 401 as
 * Bitbucket answers them (see auth-failures.ts).
 */
export function createAuthenticate(_options: SandboxOptions): RequestHandler {
  return (req, res, next) => {
    const resolution = resolvePrincipal(parseAuthorization(req.get('authorization')), req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if ('failure' in resolution) {
      sendAuthFailure(res, resolution.failure);
      return;
    }
    res.locals.principal = resolution.principal;
    next();
  };
}
