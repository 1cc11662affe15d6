import { OAUTH_CONSUMERS, type SandboxOAuthConsumer } from '../identities';

export function findConsumer(clientId: string | undefined): SandboxOAuthConsumer | undefined {
  return clientId === undefined ? undefined : OAUTH_CONSUMERS.find((consumer) => consumer.clientId === clientId);
}

/**
 * Bitbucket: a redirect URL sent with a request "must be appended to the same URL configured in the consumer"
 * (Use OAuth on Bitbucket Cloud, "Create a consumer"). Same scheme, host and port; the path equals the registered
 * path or continues it at a `/` (so `/auth/callbackevil` does not pass for `/auth/callback`).
 */
export function isRedirectAllowed(consumer: SandboxOAuthConsumer, redirectUri: string): boolean {
  let requested: URL;
  let registered: URL;
  try {
    requested = new URL(redirectUri);
    registered = new URL(consumer.callbackUrl);
  } catch {
    return false;
  }
  if (requested.origin !== registered.origin) return false;
  const base = registered.pathname.replace(/\/+$/, '');
  return requested.pathname === registered.pathname || requested.pathname === base || requested.pathname.startsWith(`${base}/`);
}
