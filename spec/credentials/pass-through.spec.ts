/**
 * Credentials the client brings, passed through to Bitbucket: Bearer (the Power Apps connector's OAuth token, a
 * user's token, an access token) and Basic (Excel / Power BI: email + API token); and every way they fail.
 */
import { DEMO_USER, OTHER_USER, WORKSPACE_ACCESS_TOKEN } from '../../sandbox/identities';
import { startStack, type Stack } from '../helpers/stack';
import { connectorRefresh, connectorSignIn, sandboxControl } from './sandbox-oauth';

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const CHALLENGE = 'Basic realm="Bitbucket", Bearer';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const me = (authorization?: string) => {
  const request = stack.request.get('/odata/Me');
  return authorization ? request.set('Authorization', authorization) : request;
};

describe('ways in', () => {
  test.each([
    { way: 'Basic with email and API token (Excel, Power BI)', authorization: () => basic(DEMO_USER.email, DEMO_USER.apiToken), user: 'Demo User' },
    { way: 'Basic with the email in another case', authorization: () => basic(DEMO_USER.email.toUpperCase(), DEMO_USER.apiToken), user: 'Demo User' },
    { way: 'Basic as the other user', authorization: () => basic(OTHER_USER.email, OTHER_USER.apiToken), user: 'Olga Other' },
    { way: "Bearer with a user's token", authorization: () => `Bearer ${DEMO_USER.bearerToken}`, user: 'Demo User' },
    { way: 'Bearer with a workspace access token', authorization: () => `Bearer ${WORKSPACE_ACCESS_TOKEN.token}`, user: WORKSPACE_ACCESS_TOKEN.botDisplayName },
  ])('$way', async ({ authorization, user }) => {
    const response = await me(authorization());
    expect(response.status).toBe(200);
    expect(response.body.DisplayName).toBe(user);
  });

  test('Bearer with the connector\'s OAuth token (authorization code), and again after the connector refreshes it', async () => {
    const first = await connectorSignIn(stack.sandboxUrl);
    expect((await me(`Bearer ${first.access_token}`)).body.DisplayName).toBe('Demo User');
    const refreshed = await connectorRefresh(stack.sandboxUrl, first.refresh_token);
    expect(refreshed.status).toBe(200);
    expect((await me(`Bearer ${String(refreshed.body.access_token)}`)).body.DisplayName).toBe('Demo User');
    // Bitbucket rotates refresh tokens: the first one is spent.
    expect((await connectorRefresh(stack.sandboxUrl, first.refresh_token)).status).toBe(400);
  });

  test('an access token sees only its workspace', async () => {
    const response = await stack.request.get('/odata/Repositories?$select=Workspace').set('Authorization', `Bearer ${WORKSPACE_ACCESS_TOKEN.token}`);
    expect(response.status).toBe(200);
    expect(new Set(response.body.value.map((row: { Workspace: string }) => row.Workspace))).toEqual(new Set(['acme-dev']));
  });
});

describe('ways of failing', () => {
  test('no credential: 401, a challenge for both schemes and an OData error that says what to send', async () => {
    const response = await me();
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(CHALLENGE);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.error).toMatchObject({ code: 'Unauthorized', message: expect.stringContaining('Authorization: Basic') });
  });

  test.each([
    { failure: 'wrong API token', authorization: () => basic(DEMO_USER.email, 'ATATT-wrong-api-token-123'), message: /refused the credential/ },
    { failure: 'username instead of email with the API token', authorization: () => basic(DEMO_USER.nickname, DEMO_USER.apiToken), message: /refused the credential/ },
    { failure: 'retired app password', authorization: () => basic(DEMO_USER.nickname, 'demo-app-password'), message: /refused the credential/ },
    { failure: 'unknown bearer token', authorization: () => 'Bearer not-a-real-token', message: /Token is invalid/ },
    { failure: 'malformed header', authorization: () => 'Basic !!!', message: /malformed/ },
    { failure: 'unknown scheme', authorization: () => 'Digest username="demo"', message: /malformed/ },
  ])('$failure: 401 with the challenge', async ({ authorization, message }) => {
    const response = await me(authorization());
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(CHALLENGE);
    expect(response.body.error.code).toBe('Unauthorized');
    expect(response.body.error.message).toMatch(message);
  });

  test('an expired OAuth token: 401 that tells the connector to refresh', async () => {
    const tokens = await connectorSignIn(stack.sandboxUrl);
    await sandboxControl(stack.sandboxUrl, 'expire', tokens.access_token);
    const response = await me(`Bearer ${tokens.access_token}`);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(CHALLENGE);
    expect(response.body.error.message).toMatch(/Access token expired.*refresh/);
    expect(response.body.error.message).not.toContain(tokens.access_token);
  });

  test('a revoked token: 401', async () => {
    const tokens = await connectorSignIn(stack.sandboxUrl);
    await sandboxControl(stack.sandboxUrl, 'revoke', tokens.access_token);
    const response = await me(`Bearer ${tokens.access_token}`);
    expect(response.status).toBe(401);
    expect(response.body.error.message).toContain('Token is invalid');
  });

  test('Bitbucket 403 stays 403', async () => {
    const response = await stack.request.get("/odata/WorkspaceMembers?$filter=Workspace eq 'acme-dev'").set('Authorization', `Bearer ${OTHER_USER.bearerToken}`);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('Forbidden');
  });
});

describe('OA-02', () => {
  test("OA-02: a Bearer access token is Bitbucket's to judge: passed upstream as the caller's (its principal), checked by the read itself with no extra call, and kept nowhere (revoked, it is refused on the next request)", async () => {
    const tokens = await connectorSignIn(stack.sandboxUrl);
    await stack.clearUpstreamCalls();
    const read = await stack.request.get("/odata/Repositories(Workspace='acme-dev',Slug='platform-api')").set('Authorization', `Bearer ${tokens.access_token}`);
    expect(read.status).toBe(200);
    const calls = await stack.upstreamCalls();
    // One call for one by-key read: the token is not validated by a separate GET /user first.
    expect(calls.map((call) => call.path)).toEqual(['/2.0/repositories/acme-dev/platform-api']);
    // The sandbox counted the call against the same principal as a call made to it directly with the token: the
    // gateway sent the caller's credential, not one of its own.
    await stack.clearUpstreamCalls();
    expect((await fetch(`${stack.sandboxUrl}/2.0/user`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
    // The sandbox's request log names the principal (rateKey); the stack helper's UpstreamCall type leaves it out.
    const rateKeys = (list: Array<object>) => list.map((call) => (call as { rateKey?: string | null }).rateKey);
    expect(rateKeys(await stack.upstreamCalls())).toEqual(rateKeys(calls));
    expect(rateKeys(calls)).toEqual([expect.any(String)]);
    await sandboxControl(stack.sandboxUrl, 'revoke', tokens.access_token);
    expect((await me(`Bearer ${tokens.access_token}`)).status).toBe(401);
  });
});
