/**
 * Who a request acts as, set by `createAuthenticate` on `res.locals.principal` for the routes to authorise against.
 */
export interface Principal {
  /** Braced UUID of the acting user; for access tokens, the token's bot user. Empty for anonymous requests. */
  userUuid: string;
  kind: 'oauth' | 'api-token' | 'access-token' | 'anonymous';
  /** Classic OAuth scopes (`repository`, `pullrequest:write`, ...) or, for API tokens, granular scopes. */
  scopes: string[];
  /** Access tokens reach only their workspace (and, for repository tokens, one repository). */
  restrictTo?: { workspace: string; repository?: string };
  /**
   * What Bitbucket counts a rate-limit budget against (Bitbucket KB "rate limit troubleshooting"): the user for API
   * tokens, each access token on its own, the OAuth consumer for OAuth tokens, the IP for anonymous calls.
   * Never a secret: built from ids only.
   */
  rateKey: string;
  /** Requests outside `scopes` are refused with 403 (only credentials declared so; see sandbox/auth/check-scopes.ts). */
  checksScopes?: true;
}

export function anonymousPrincipal(ip: string): Principal {
  return { userUuid: '', kind: 'anonymous', scopes: [], rateKey: `ip:${ip}` };
}

/** The principal `createAuthenticate` stored, or an anonymous one when the middleware did not run. */
export function principalOf(locals: Record<string, unknown>, ip: string): Principal {
  const principal = locals.principal as Principal | undefined;
  return principal ?? anonymousPrincipal(ip);
}
