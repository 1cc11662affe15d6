import request from 'supertest';
import { ManualClock } from '../../../sandbox/auth';
import { DEMO_OAUTH_CONSUMER, DEMO_USER, OTHER_USER, PUBLIC_OAUTH_CONSUMER } from '../../../sandbox/identities';
import { bearer, startAuthTestServer, type AuthTestServer } from './auth-test-app';
import { authorizationCode, authorize, tokenRequest } from './oauth-flow-helpers';

let sandbox: AuthTestServer;
beforeEach(async () => {
  sandbox = await startAuthTestServer({ accessTokenTtlSeconds: 3600 });
});
afterEach(() => sandbox.close());

const callback = new URL(DEMO_OAUTH_CONSUMER.callbackUrl);

function whoAmI(token: string): request.Test {
  return request(sandbox.server).get('/2.0/user').set('Authorization', bearer(token));
}

describe('GET /site/oauth2/authorize', () => {
  it('auto-approves as the demo user and redirects to the callback with a code and the same state', async () => {
    const { status, location } = await authorize(sandbox.server, { client_id: DEMO_OAUTH_CONSUMER.clientId, response_type: 'code', state: 'a b&c=d' });
    expect(status).toBe(302);
    expect(location?.origin + location!.pathname).toBe(callback.origin + callback.pathname);
    expect(location?.searchParams.get('state')).toBe('a b&c=d');
    expect(location?.searchParams.get('code')).toMatch(/^[\w-]{16,}$/);
  });

  it('accepts a redirect_uri that continues the registered callback path and redirects there', async () => {
    const redirectUri = `${callback.origin}${callback.pathname}/bitbucket?tenant=1`;
    const { status, location } = await authorize(sandbox.server, { client_id: DEMO_OAUTH_CONSUMER.clientId, response_type: 'code', redirect_uri: redirectUri });
    expect(status).toBe(302);
    expect(location?.pathname).toBe(`${callback.pathname}/bitbucket`);
    expect(location?.searchParams.get('tenant')).toBe('1');
    expect(location?.searchParams.get('code')).toBeTruthy();
  });

  const refusedPages: Array<{ name: string; query: Record<string, string>; headline: string }> = [
    { name: 'an unknown client', query: { client_id: 'nobody', response_type: 'code' }, headline: 'Invalid client_id' },
    { name: 'a redirect_uri on another host', query: { client_id: DEMO_OAUTH_CONSUMER.clientId, response_type: 'code', redirect_uri: 'https://evil.example/auth/callback' }, headline: 'Invalid redirect_uri' },
    {
      name: 'a redirect_uri that only shares a string prefix',
      query: { client_id: DEMO_OAUTH_CONSUMER.clientId, response_type: 'code', redirect_uri: `${callback.origin}${callback.pathname}evil` },
      headline: 'Invalid redirect_uri',
    },
    { name: 'a redirect_uri that is not a URL', query: { client_id: DEMO_OAUTH_CONSUMER.clientId, response_type: 'code', redirect_uri: 'not a url' }, headline: 'Invalid redirect_uri' },
  ];

  it.each(refusedPages)('answers $name with a 400 page and no redirect', async ({ query, headline }) => {
    const { status, location, text } = await authorize(sandbox.server, query);
    expect(status).toBe(400);
    expect(location).toBeUndefined();
    expect(text).toContain(headline);
    expect(text).toContain('This integration is misconfigured. Contact the vendor for assistance.');
  });

  it('answers JSON to clients that ask for it', async () => {
    const response = await request(sandbox.server).get('/site/oauth2/authorize').query({ client_id: 'nobody', response_type: 'code' }).set('Accept', 'application/json');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('Invalid client_id') });
  });

  const redirectedErrors: Array<{ name: string; query: Record<string, string>; error: string }> = [
    { name: 'the implicit grant (response_type=token)', query: { response_type: 'token' }, error: 'unsupported_response_type' },
    { name: 'a missing response_type', query: {}, error: 'invalid_request' },
    { name: 'a scope the consumer lacks', query: { response_type: 'code', scope: 'repository:admin' }, error: 'invalid_scope' },
  ];

  it.each(redirectedErrors)('redirects $name back with error=$error and the state', async ({ query, error }) => {
    const { status, location } = await authorize(sandbox.server, { client_id: DEMO_OAUTH_CONSUMER.clientId, state: 's1', ...query });
    expect(status).toBe(302);
    expect(location?.searchParams.get('error')).toBe(error);
    expect(location?.searchParams.get('state')).toBe('s1');
    expect(location?.searchParams.get('code')).toBeNull();
  });
});

describe('authorization_code grant', () => {
  it('exchanges the code for tokens shaped like Bitbucket\'s and the token acts as the demo user', async () => {
    const code = await authorizationCode(sandbox.server);
    const response = await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      access_token: expect.any(String),
      scopes: DEMO_OAUTH_CONSUMER.scopes.join(' '),
      expires_in: 3600,
      refresh_token: expect.any(String),
      token_type: 'bearer',
      state: 'authorization_code',
    });
    const me = await whoAmI(response.body.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'oauth', userUuid: DEMO_USER.uuid, rateKey: `oauth-consumer:${DEMO_OAUTH_CONSUMER.clientId}` });
  });

  it('signs in as the other identity with sandbox_user and narrows scopes to those requested', async () => {
    const code = await authorizationCode(sandbox.server, { sandbox_user: OTHER_USER.nickname, scope: 'account repository' });
    const response = await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code });
    expect(response.body.scopes).toBe('account repository');
    const me = await whoAmI(response.body.access_token);
    expect(me.body).toMatchObject({ userUuid: OTHER_USER.uuid, scopes: ['account', 'repository'] });
  });

  it('accepts client credentials as form fields', async () => {
    const code = await authorizationCode(sandbox.server);
    const response = await tokenRequest(
      sandbox.server,
      { grant_type: 'authorization_code', code, client_id: DEMO_OAUTH_CONSUMER.clientId, client_secret: DEMO_OAUTH_CONSUMER.clientSecret },
      'none',
    );
    expect(response.status).toBe(200);
  });

  it('makes the code single-use, and a replay revokes the tokens issued from it', async () => {
    const code = await authorizationCode(sandbox.server);
    const first = await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code });
    expect(first.status).toBe(200);
    const replay = await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code });
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_grant', error_description: expect.stringContaining('The specified code is not valid') });
    expect((await whoAmI(first.body.access_token)).status).toBe(401);
  });

  it('expires codes after 10 minutes', async () => {
    const clock = new ManualClock();
    sandbox.state.clock.use(clock);
    const code = await authorizationCode(sandbox.server);
    clock.advance(10 * 60 * 1000 + 1);
    const response = await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('binds the code to its client', async () => {
    const code = await authorizationCode(sandbox.server);
    const response = await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code }, PUBLIC_OAUTH_CONSUMER);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('binds the code to the redirect_uri of the authorization request', async () => {
    const redirectUri = `${DEMO_OAUTH_CONSUMER.callbackUrl}/sub`;
    const code = await authorizationCode(sandbox.server, { redirect_uri: redirectUri });
    const mismatch = await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code, redirect_uri: DEMO_OAUTH_CONSUMER.callbackUrl });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toEqual({ error: 'invalid_grant', error_description: expect.stringContaining('redirect_uri') });
    const code2 = await authorizationCode(sandbox.server, { redirect_uri: redirectUri });
    const match = await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code: code2, redirect_uri: redirectUri });
    expect(match.status).toBe(200);
  });
});

describe('refresh_token grant', () => {
  it('rotates: a new refresh token each time, the old one refused, earlier access tokens still valid', async () => {
    const code = await authorizationCode(sandbox.server);
    const first = (await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code })).body;
    const refreshed = await tokenRequest(sandbox.server, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ token_type: 'bearer', state: 'refresh_token', expires_in: 3600, scopes: first.scopes });
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect(refreshed.body.access_token).not.toBe(first.access_token);

    const reused = await tokenRequest(sandbox.server, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ error: 'invalid_request', error_description: 'Invalid refresh_token' });

    const again = await tokenRequest(sandbox.server, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token });
    expect(again.status).toBe(200);
    expect((await whoAmI(first.access_token)).status).toBe(200);
    expect((await whoAmI(again.body.access_token)).body.userUuid).toBe(DEMO_USER.uuid);
  });

  it("refuses another consumer's refresh token", async () => {
    const code = await authorizationCode(sandbox.server);
    const first = (await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code })).body;
    const response = await tokenRequest(sandbox.server, { grant_type: 'refresh_token', refresh_token: first.refresh_token }, PUBLIC_OAUTH_CONSUMER);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });
});

describe('client_credentials grant', () => {
  it('issues a token acting as the private consumer\'s owner', async () => {
    const response = await tokenRequest(sandbox.server, { grant_type: 'client_credentials' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: 'bearer', state: 'client_credentials', refresh_token: expect.any(String) });
    const me = await whoAmI(response.body.access_token);
    expect(me.body).toMatchObject({ kind: 'oauth', userUuid: DEMO_OAUTH_CONSUMER.ownerUuid });
  });

  it('is refused to a non-private consumer', async () => {
    const response = await tokenRequest(sandbox.server, { grant_type: 'client_credentials' }, PUBLIC_OAUTH_CONSUMER);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'unauthorized_client', error_description: expect.stringContaining('private consumers') });
  });
});

describe('token endpoint errors', () => {
  const cases: Array<{ name: string; form: Record<string, string>; client?: 'none' | 'wrong-secret'; status: number; error: string; description?: string }> = [
    { name: 'no client authentication', form: { grant_type: 'client_credentials' }, client: 'none', status: 400, error: 'unauthorized_client', description: 'Requests must be authenticated using OAuth client credentials' },
    { name: 'a wrong client secret', form: { grant_type: 'client_credentials' }, client: 'wrong-secret', status: 400, error: 'unauthorized_client', description: 'Invalid OAuth client credentials' },
    { name: 'the password grant', form: { grant_type: 'password', username: DEMO_USER.nickname, password: 'x' }, status: 400, error: 'unsupported_grant_type' },
    { name: 'the implicit grant', form: { grant_type: 'implicit' }, status: 400, error: 'unsupported_grant_type' },
    { name: 'a grant named like an Object property', form: { grant_type: 'constructor' }, status: 400, error: 'unsupported_grant_type' },
    { name: 'no grant_type', form: {}, status: 400, error: 'invalid_request' },
    { name: 'no code', form: { grant_type: 'authorization_code' }, status: 400, error: 'invalid_request' },
    { name: 'an unknown code', form: { grant_type: 'authorization_code', code: 'nope' }, status: 400, error: 'invalid_grant' },
    { name: 'no refresh token', form: { grant_type: 'refresh_token' }, status: 400, error: 'invalid_request', description: 'Invalid refresh_token' },
  ];

  it.each(cases)('answers $name with $status $error', async ({ form, client, status, error, description }) => {
    const consumer = client === 'none' ? 'none' : client === 'wrong-secret' ? { ...DEMO_OAUTH_CONSUMER, clientSecret: 'wrong' } : DEMO_OAUTH_CONSUMER;
    const response = await tokenRequest(sandbox.server, form, consumer);
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(error);
    expect(response.body.error_description).toEqual(description ?? expect.any(String));
  });

  it('answers GET with 405', async () => {
    const response = await request(sandbox.server).get('/site/oauth2/access_token');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });
});
