import type { RequestHandler } from 'express';
import { SandboxHttpError } from '../bitbucket-error';
import { isApiRequest } from './api-path';
import { principalOf } from './principal';
import { requiredScope, scopeGranted } from './required-scope';

/**
 * Refuses a `/2.0` request whose credential lacks the scope its resource needs (required-scope.ts), with Bitbucket's
 * message (pingdotgg/t3code#6290, backstage/backstage#22383). Only principals declared `checksScopes` are checked
 * (today `NARROW_REPOSITORY_ACCESS_TOKEN`); the long-standing demo credentials keep reading and writing everything
 * they can see, as before. The `detail` is a string here, as the official description types it; the
 * `forbidden-detail-object` quirk turns it into Bitbucket's `{"required": [...], "granted": [...]}`.
 */
export const MISSING_SCOPE_MESSAGE = 'Your credentials lack one or more required privilege scopes.';

export function createScopeCheck(): RequestHandler {
  return (req, res, next) => {
    const principal = principalOf(res.locals, req.ip ?? 'unknown');
    if (!principal.checksScopes || !isApiRequest(req)) {
      next();
      return;
    }
    const path = req.originalUrl.split('?', 1)[0].slice('/2.0'.length);
    const required = requiredScope(req.method, path);
    if (required === undefined || scopeGranted(principal.scopes, required)) {
      next();
      return;
    }
    next(new SandboxHttpError(403, MISSING_SCOPE_MESSAGE, {
      detail: `Required scopes: ${required}. Granted: ${principal.scopes.join(', ') || 'none'}.`,
      refusal: { required: [required], granted: [...principal.scopes] },
    }));
  };
}
