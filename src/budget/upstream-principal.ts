/**
 * Whom Bitbucket counts a call against (support.atlassian.com "API request limits": per user, per access token, per
 * OAuth consumer). Keys are keyed hashes (HMAC-SHA256) of the credential's identity, never the credential.
 */
export interface UpstreamPrincipal {
  /** The budget Bitbucket counts: the OAuth consumer's when `shared`, else the credential's own. */
  budgetKey: string;
  /** The caller within it (equal to budgetKey when not shared): fair shares and the cache are bound to it. */
  userKey: string;
  /** Several users spend one budget (sessions, gateway keys and client_credentials behind one OAuth consumer). */
  shared: boolean;
}
