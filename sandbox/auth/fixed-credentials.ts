import {
  ACCESS_TOKENS,
  API_TOKEN_SCOPES,
  DEMO_APP_PASSWORD,
  DEMO_OAUTH_CONSUMER,
  DEMO_USER,
  IDENTITIES,
  type SandboxAccessToken,
  type SandboxIdentity,
} from '../identities';
import type { Principal } from './principal';

/**
 * The credentials that exist before any OAuth flow runs, as data: each fixed Bearer token with the principal it
 * stands for, and the Basic credentials (email + API token). Read by `resolvePrincipal`; nothing else names a user.
 */

/**
 * Each user's pre-issued `bearerToken` stands for an OAuth token of a personal consumer of that user, so it counts on
 * a budget of its own rather than sharing the demo consumer's (which would make two users' tests interfere).
 */
function userBearerPrincipal(identity: SandboxIdentity): Principal {
  return { userUuid: identity.uuid, kind: 'oauth', scopes: [...DEMO_OAUTH_CONSUMER.scopes], rateKey: `oauth-consumer:preissued:${identity.uuid}` };
}

/** Access tokens act as their own bot user and each has its own rate-limit allowance (Bitbucket KB). */
function accessTokenPrincipal(accessToken: SandboxAccessToken): Principal {
  return {
    userUuid: accessToken.botUuid,
    kind: 'access-token',
    scopes: [...accessToken.scopes],
    restrictTo: { ...accessToken.restrictTo },
    rateKey: `access-token:${accessToken.id}`,
    ...(accessToken.checksScopes ? { checksScopes: true as const } : {}),
  };
}

export const FIXED_BEARER_TOKENS: ReadonlyMap<string, Principal> = new Map<string, Principal>([
  ...IDENTITIES.map((identity): [string, Principal] => [identity.bearerToken, userBearerPrincipal(identity)]),
  ...ACCESS_TOKENS.map((accessToken): [string, Principal] => [accessToken.token, accessTokenPrincipal(accessToken)]),
]);

/** API tokens count against their user (Bitbucket KB "rate limit troubleshooting"). */
export function apiTokenPrincipal(identity: SandboxIdentity): Principal {
  return { userUuid: identity.uuid, kind: 'api-token', scopes: [...API_TOKEN_SCOPES], rateKey: `user:${identity.uuid}` };
}

/**
 * Basic auth takes the Atlassian account email as username with an API token as password; the Bitbucket username
 * does not work with API tokens (Atlassian KB "Getting 401 HTTP error when using Basic authentication...").
 */
export function findApiTokenOwner(username: string, password: string): SandboxIdentity | undefined {
  return IDENTITIES.find((identity) => identity.email.toLowerCase() === username.toLowerCase() && identity.apiToken === password);
}

/** App passwords were used with the Bitbucket username (nickname); accept any of the demo user's handles here. */
export function isRetiredAppPassword(username: string, password: string): boolean {
  const handles = [DEMO_USER.nickname, DEMO_USER.email, DEMO_USER.uuid, DEMO_USER.accountId].map((handle) => handle.toLowerCase());
  return password === DEMO_APP_PASSWORD && handles.includes(username.toLowerCase());
}
