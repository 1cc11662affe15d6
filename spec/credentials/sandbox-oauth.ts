/**
 * What a Power Apps custom connector does against Bitbucket on its own, before it calls the gateway with
 * `Authorization: Bearer`: the authorization-code grant and the refresh-token grant, here against the sandbox.
 */
import { DEMO_OAUTH_CONSUMER, type SandboxOAuthConsumer } from '../../sandbox/identities';

export interface GrantedTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

async function tokenRequest(sandboxUrl: string, form: Record<string, string>, consumer: SandboxOAuthConsumer): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sandboxUrl}/site/oauth2/access_token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${consumer.clientId}:${consumer.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Consent (the sandbox approves at once) and code redemption, as the connector's OAuth 2.0 security does. */
export async function connectorSignIn(sandboxUrl: string, sandboxUser?: string): Promise<GrantedTokens> {
  const authorize = new URL(`${sandboxUrl}/site/oauth2/authorize`);
  authorize.search = new URLSearchParams({ client_id: DEMO_OAUTH_CONSUMER.clientId, response_type: 'code', state: 'connector-state', ...(sandboxUser ? { sandbox_user: sandboxUser } : {}) }).toString();
  const consent = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const { status, body } = await tokenRequest(sandboxUrl, { grant_type: 'authorization_code', code }, DEMO_OAUTH_CONSUMER);
  if (status !== 200) throw new Error(`authorization_code grant answered ${status}`);
  return body as unknown as GrantedTokens;
}

export async function connectorRefresh(sandboxUrl: string, refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return tokenRequest(sandboxUrl, { grant_type: 'refresh_token', refresh_token: refreshToken }, DEMO_OAUTH_CONSUMER);
}

export async function sandboxControl(sandboxUrl: string, action: 'expire' | 'revoke', token: string): Promise<void> {
  const response = await fetch(`${sandboxUrl}/_sandbox/auth/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
  if (response.status !== 200) throw new Error(`/_sandbox/auth/${action} answered ${response.status}`);
}
