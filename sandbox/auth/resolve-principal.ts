import type { AuthFailure } from './auth-failures';
import { apiTokenPrincipal, findApiTokenOwner, FIXED_BEARER_TOKENS, isRetiredAppPassword } from './fixed-credentials';
import type { ParsedAuthorization } from './parse-authorization';
import { anonymousPrincipal, type Principal } from './principal';
import type { TokenStore } from './token-store';

export type Resolution = { principal: Principal } | { failure: AuthFailure };

/**
 * Turns credentials into a principal. Missing credentials are anonymous (routes decide what public data that can
 * read); present but wrong credentials are a 401, never a silent downgrade to anonymous.
 */
export function resolvePrincipal(authorization: ParsedAuthorization, ip: string, tokens: TokenStore): Resolution {
  switch (authorization.scheme) {
    case 'none':
      return { principal: anonymousPrincipal(ip) };
    case 'malformed':
      return { failure: 'malformed-authorization' };
    case 'basic':
      return resolveBasic(authorization.username, authorization.password);
    case 'bearer':
      return resolveBearer(authorization.token, tokens);
  }
}

function resolveBasic(username: string, password: string): Resolution {
  const owner = findApiTokenOwner(username, password);
  if (owner) return { principal: apiTokenPrincipal(owner) };
  if (isRetiredAppPassword(username, password)) return { failure: 'app-password-retired' };
  return { failure: 'bad-basic-credentials' };
}

function resolveBearer(token: string, tokens: TokenStore): Resolution {
  const fixed = FIXED_BEARER_TOKENS.get(token);
  if (fixed) {
    const status = tokens.fixedTokenStatus(token);
    // A copy: routes may not change the fixed table by touching res.locals.principal.
    if (status === 'active') return { principal: structuredClone(fixed) };
    return { failure: status === 'expired' ? 'expired-token' : 'invalid-token' };
  }
  const issued = tokens.lookupIssuedAccessToken(token);
  switch (issued.status) {
    case 'active':
      return {
        principal: {
          userUuid: issued.grant.userUuid,
          kind: 'oauth',
          scopes: [...issued.grant.scopes],
          // OAuth calls count against the consumer, "regardless of which user created the consumer" (Bitbucket KB).
          rateKey: `oauth-consumer:${issued.grant.clientId}`,
        },
      };
    case 'expired':
      return { failure: 'expired-token' };
    case 'revoked':
    case 'unknown':
      return { failure: 'invalid-token' };
  }
}
