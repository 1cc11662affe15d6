import request from 'supertest';
import type { Server } from 'node:http';
import { DEMO_OAUTH_CONSUMER, type SandboxOAuthConsumer } from '../../../sandbox/identities';
import { basic } from './auth-test-app';

/** Follows /site/oauth2/authorize up to its 302 and returns the redirect target. */
export async function authorize(server: Server, query: Record<string, string>): Promise<{ status: number; location: URL | undefined; text: string }> {
  const response = await request(server).get('/site/oauth2/authorize').query(query).redirects(0);
  const location = response.headers.location ? new URL(response.headers.location) : undefined;
  return { status: response.status, location, text: response.text };
}

export async function authorizationCode(server: Server, extra: Record<string, string> = {}, consumer: SandboxOAuthConsumer = DEMO_OAUTH_CONSUMER): Promise<string> {
  const { status, location } = await authorize(server, { client_id: consumer.clientId, response_type: 'code', state: 'xyz', ...extra });
  const code = location?.searchParams.get('code');
  if (status !== 302 || !code) throw new Error(`authorize answered ${status} ${location?.toString() ?? ''}`);
  return code;
}

/** POSTs a form to the token endpoint, authenticating the client with HTTP Basic unless told otherwise. */
export function tokenRequest(server: Server, form: Record<string, string>, consumer: SandboxOAuthConsumer | 'none' = DEMO_OAUTH_CONSUMER): request.Test {
  const call = request(server).post('/site/oauth2/access_token').type('form');
  if (consumer !== 'none') call.set('Authorization', basic(consumer.clientId, consumer.clientSecret));
  return call.send(form);
}
