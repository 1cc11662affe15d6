import request from 'supertest';
import { ManualClock } from '../../../sandbox/auth';
import { DEMO_USER, WORKSPACE_ACCESS_TOKEN } from '../../../sandbox/identities';
import { bearer, startAuthTestServer, type AuthTestServer } from './auth-test-app';
import { authorizationCode, tokenRequest } from './oauth-flow-helpers';

let sandbox: AuthTestServer;
beforeEach(async () => {
  sandbox = await startAuthTestServer({ accessTokenTtlSeconds: 120 });
});
afterEach(() => sandbox.close());

const EXPIRED = 'Access token expired. Use your refresh token to obtain a new access token.';
const INVALID = 'Token is invalid, expired, or not supported for this endpoint.';

async function issuedTokens(): Promise<{ access_token: string; refresh_token: string }> {
  const code = await authorizationCode(sandbox.server);
  return (await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code })).body;
}

function whoAmI(token: string): request.Test {
  return request(sandbox.server).get('/2.0/user').set('Authorization', bearer(token));
}

describe('access token expiry', () => {
  it('expires after accessTokenTtlSeconds on the injected clock', async () => {
    const clock = new ManualClock();
    sandbox.state.clock.use(clock);
    const { access_token: token } = await issuedTokens();
    clock.advance(119_999);
    expect((await whoAmI(token)).status).toBe(200);
    clock.advance(1);
    const response = await whoAmI(token);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ type: 'error', error: { message: EXPIRED } });
  });

  it('tokens.expireToken() makes a token expired at once, and a refresh still works', async () => {
    const { access_token: token, refresh_token: refresh } = await issuedTokens();
    expect(sandbox.state.tokens.expireToken(token)).toBe('oauth-access-token');
    expect((await whoAmI(token)).body.error.message).toBe(EXPIRED);
    const refreshed = await tokenRequest(sandbox.server, { grant_type: 'refresh_token', refresh_token: refresh });
    expect((await whoAmI(refreshed.body.access_token)).status).toBe(200);
  });
});

describe('controls over HTTP at /_sandbox/auth', () => {
  const actions: Array<{ path: string; verb: 'revoked' | 'expired'; message: string }> = [
    { path: '/_sandbox/auth/revoke', verb: 'revoked', message: INVALID },
    { path: '/_sandbox/auth/expire', verb: 'expired', message: EXPIRED },
  ];

  it.each(actions)('$path turns an issued access token into 401 without echoing it', async ({ path, verb, message }) => {
    const { access_token: token } = await issuedTokens();
    const control = await request(sandbox.server).post(path).send({ token });
    expect(control.status).toBe(200);
    expect(control.body).toEqual({ [verb]: true, kind: 'oauth-access-token' });
    expect(control.text).not.toContain(token);
    const response = await whoAmI(token);
    expect(response.status).toBe(401);
    expect(response.body.error.message).toBe(message);
  });

  it.each(actions)('$path also works on fixed tokens (form body), until tokens.reset()', async ({ path, message }) => {
    const control = await request(sandbox.server).post(path).type('form').send({ token: WORKSPACE_ACCESS_TOKEN.token });
    expect(control.body.kind).toBe('fixed-token');
    expect((await whoAmI(WORKSPACE_ACCESS_TOKEN.token)).body.error.message).toBe(message);
    sandbox.state.tokens.reset();
    expect((await whoAmI(WORKSPACE_ACCESS_TOKEN.token)).status).toBe(200);
  });

  it('revoking a refresh token stops refreshes', async () => {
    const { refresh_token: refresh } = await issuedTokens();
    expect(sandbox.state.tokens.revokeToken(refresh)).toBe('oauth-refresh-token');
    const response = await tokenRequest(sandbox.server, { grant_type: 'refresh_token', refresh_token: refresh });
    expect(response.status).toBe(400);
  });

  it('answers 404 for unknown tokens and 400 without a token', async () => {
    const unknown = await request(sandbox.server).post('/_sandbox/auth/revoke').send({ token: 'who-knows' });
    expect(unknown.status).toBe(404);
    expect(unknown.text).not.toContain('who-knows');
    const missing = await request(sandbox.server).post('/_sandbox/auth/expire').send({});
    expect(missing.status).toBe(400);
  });

  it('POST /reset forgets issued tokens', async () => {
    const { access_token: token } = await issuedTokens();
    await request(sandbox.server).post('/_sandbox/auth/revoke').send({ token: DEMO_USER.bearerToken });
    expect((await request(sandbox.server).post('/_sandbox/auth/reset')).status).toBe(200);
    expect((await whoAmI(token)).body.error.message).toBe(INVALID);
    expect((await whoAmI(DEMO_USER.bearerToken)).status).toBe(200);
  });
});
