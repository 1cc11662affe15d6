import request from 'supertest';
import type { Principal } from '../../../sandbox/auth';
import {
  DEMO_APP_PASSWORD,
  DEMO_OAUTH_CONSUMER,
  DEMO_USER,
  OTHER_USER,
  REPOSITORY_ACCESS_TOKEN,
  WORKSPACE_ACCESS_TOKEN,
} from '../../../sandbox/identities';
import { basic, bearer, startAuthTestServer, type AuthTestServer } from './auth-test-app';

let sandbox: AuthTestServer;
beforeAll(async () => {
  sandbox = await startAuthTestServer();
});
afterAll(() => sandbox.close());

const SECRETS = [
  DEMO_USER.bearerToken,
  DEMO_USER.apiToken,
  OTHER_USER.bearerToken,
  OTHER_USER.apiToken,
  WORKSPACE_ACCESS_TOKEN.token,
  REPOSITORY_ACCESS_TOKEN.token,
  DEMO_OAUTH_CONSUMER.clientSecret,
];

describe('each credential kind becomes a principal', () => {
  const cases: Array<{ name: string; authorization?: string; expected: Partial<Principal> }> = [
    {
      name: "the demo user's fixed Bearer token",
      authorization: bearer(DEMO_USER.bearerToken),
      expected: { kind: 'oauth', userUuid: DEMO_USER.uuid, rateKey: `oauth-consumer:preissued:${DEMO_USER.uuid}` },
    },
    {
      name: "the other user's fixed Bearer token",
      authorization: bearer(OTHER_USER.bearerToken),
      expected: { kind: 'oauth', userUuid: OTHER_USER.uuid, rateKey: `oauth-consumer:preissued:${OTHER_USER.uuid}` },
    },
    {
      name: 'Basic with Atlassian account email + API token',
      authorization: basic(DEMO_USER.email, DEMO_USER.apiToken),
      expected: { kind: 'api-token', userUuid: DEMO_USER.uuid, rateKey: `user:${DEMO_USER.uuid}` },
    },
    {
      name: 'Basic with an upper-case email (emails are case-insensitive)',
      authorization: basic(OTHER_USER.email.toUpperCase(), OTHER_USER.apiToken),
      expected: { kind: 'api-token', userUuid: OTHER_USER.uuid },
    },
    {
      name: 'the acme-dev workspace access token',
      authorization: bearer(WORKSPACE_ACCESS_TOKEN.token),
      expected: {
        kind: 'access-token',
        userUuid: WORKSPACE_ACCESS_TOKEN.botUuid,
        restrictTo: { workspace: 'acme-dev' },
        rateKey: `access-token:${WORKSPACE_ACCESS_TOKEN.id}`,
      },
    },
    {
      name: 'the repository access token',
      authorization: bearer(REPOSITORY_ACCESS_TOKEN.token),
      expected: {
        kind: 'access-token',
        userUuid: REPOSITORY_ACCESS_TOKEN.botUuid,
        restrictTo: REPOSITORY_ACCESS_TOKEN.restrictTo,
        rateKey: `access-token:${REPOSITORY_ACCESS_TOKEN.id}`,
      },
    },
    { name: 'no credentials at all', expected: { kind: 'anonymous', userUuid: '', scopes: [], rateKey: 'ip:127.0.0.1' } },
  ];

  it.each(cases)('$name', async ({ authorization, expected }) => {
    const call = request(sandbox.server).get('/2.0/user');
    const response = await (authorization ? call.set('Authorization', authorization) : call);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject(expected);
    for (const secret of SECRETS) expect(response.body.rateKey).not.toContain(secret);
  });
});

describe('bad credentials answer 401 as Bitbucket does', () => {
  const LOGIN_FAILED = /^Login failed due to incorrect login credentials or method\./;
  const cases: Array<{ name: string; authorization: string; contentType: RegExp; body: RegExp }> = [
    {
      name: 'username + app password (retired 2026-07-28)',
      authorization: basic(DEMO_USER.nickname, DEMO_APP_PASSWORD),
      contentType: /^text\/plain/,
      body: /no longer supports app passwords/,
    },
    {
      name: 'email + app password',
      authorization: basic(DEMO_USER.email, DEMO_APP_PASSWORD),
      contentType: /^text\/plain/,
      body: /no longer supports app passwords/,
    },
    { name: 'username (not email) + API token', authorization: basic(DEMO_USER.nickname, DEMO_USER.apiToken), contentType: /^text\/plain/, body: LOGIN_FAILED },
    { name: "email + another user's API token", authorization: basic(DEMO_USER.email, OTHER_USER.apiToken), contentType: /^text\/plain/, body: LOGIN_FAILED },
    { name: 'an unknown scheme', authorization: 'Token abc', contentType: /^text\/plain/, body: LOGIN_FAILED },
    { name: 'Basic that is not base64', authorization: 'Basic !!!', contentType: /^text\/plain/, body: LOGIN_FAILED },
    { name: 'a wrong Bearer token', authorization: bearer('not-a-token'), contentType: /^application\/json/, body: /Token is invalid, expired, or not supported for this endpoint\./ },
  ];

  it.each(cases)('$name', async ({ authorization, contentType, body }) => {
    const response = await request(sandbox.server).get('/2.0/user').set('Authorization', authorization);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Basic realm="Bitbucket.org HTTP"');
    expect(response.headers['content-type']).toMatch(contentType);
    expect(response.text).toMatch(body);
    if (contentType.test('application/json')) expect(response.body).toEqual({ type: 'error', error: { message: expect.any(String) } });
  });
});
