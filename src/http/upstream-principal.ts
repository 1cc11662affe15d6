/**
 * The upstream principal of a credential, as Bitbucket counts its hourly limit (support.atlassian.com "API request
 * limits": per user, per access token, per OAuth consumer): browser sessions, gateway keys and service mode's
 * client_credentials tokens all come from the gateway's one OAuth consumer (`OAUTH_CLIENT_ID`), so they share the
 * consumer's hour, each caller being a user within it; any other credential (Basic API token, a Bearer token the client
 * brought, service mode's access token) is its own principal.
 *
 * Keys are HMAC-SHA256 of the credential's stable identity (credentials.ts `credentialIdentity`) under a key derived
 * from SKIPTOKEN_SECRET, so replicas that share Redis (and that secret) agree on them, and neither Redis nor a log ever
 * holds a credential.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import type { UpstreamCredential } from '../bitbucket';
import type { UpstreamPrincipal } from '../budget';
import type { GatewayConfig } from '../config';
import { credentialIdentity } from './credentials';

/** Identities (credential-middleware.ts) whose tokens the gateway's own OAuth consumer issued. */
const CONSUMER_IDENTITY = /^(session:|key:|service:client_credentials$)/;

export function upstreamPrincipalResolver(config: Pick<GatewayConfig, 'skiptokenSecret' | 'oauthClient'>): (credential: UpstreamCredential) => UpstreamPrincipal {
  const key = Buffer.from(hkdfSync('sha256', config.skiptokenSecret, '', 'bitbucket-odata upstream principal v1', 32));
  const hash = (text: string): string => createHmac('sha256', key).update(text).digest('base64url');
  const consumer = config.oauthClient ? hash(`consumer:${config.oauthClient.id}`) : undefined;
  // Asked up to three times per upstream call (the budget before and after it, the response cache's key) with the
  // request's one credential object: its principal is kept with that object, and reused while its identity is the
  // one it was derived from (an HMAC per ask was ~10 µs per call; issue #15.3).
  const known = new WeakMap<UpstreamCredential, { identity: string; principal: UpstreamPrincipal }>();
  return (credential) => {
    const identity = credentialIdentity(credential);
    const kept = known.get(credential);
    if (kept !== undefined && kept.identity === identity) return kept.principal;
    const userKey = hash(`credential:${identity}`);
    const principal: UpstreamPrincipal =
      consumer !== undefined && CONSUMER_IDENTITY.test(identity) ? { budgetKey: consumer, userKey, shared: true } : { budgetKey: userKey, userKey, shared: false };
    known.set(credential, { identity, principal });
    return principal;
  };
}
