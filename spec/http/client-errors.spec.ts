/**
 * Errors clients act on (client-rules §2.C): Power Query and Power Platform re-authenticate on 401 and 403, and a
 * Power Platform 401 makes the platform call the connector's refreshUrl. So 401 is for a missing, bad or expired
 * credential only, and says which schemes to send (ER-02); 403 is for a valid credential that lacks a Bitbucket
 * scope, and names it (ER-02); an expired OAuth access token is 401, and the refreshed token works (ER-05).
 */
import axios from 'axios';
import { DEMO_OAUTH_CONSUMER, DEMO_USER, NARROW_REPOSITORY_ACCESS_TOKEN } from '../../sandbox/identities';
import { ManualClock, setSandboxClock, systemClock } from '../../sandbox/auth/clock';
import { startStack, type Stack } from '../helpers/stack';

const NARROW_BEARER = `Bearer ${NARROW_REPOSITORY_ACCESS_TOKEN.token}`;
const PULL_REQUESTS = "/odata/Repositories(Workspace='acme-dev',Slug='platform-api')/PullRequests";

/** The schemes a WWW-Authenticate value challenges with (RFC 9110 §11.6.1: auth-scheme, then parameters). */
function challengedSchemes(header: string | undefined): string[] {
  return (header ?? '').split(',').map((part) => part.trim().split(/[\s=]/)[0]).filter((scheme) => /^(basic|bearer)$/i.test(scheme));
}

describe('401 and 403 (ER-02)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  test.each([
    ['no credential', undefined],
    ['a wrong API token', `Basic ${Buffer.from(`${DEMO_USER.email}:not-the-token`).toString('base64')}`],
    ['an unknown bearer token', 'Bearer no-such-token'],
    ['a malformed Authorization header', 'Basic'],
  ])('ER-02: %s is 401 with WWW-Authenticate listing Basic and Bearer', async (_name, authorization) => {
    const request = stack.request.get('/odata/Repositories');
    const response = await (authorization === undefined ? request : request.set('Authorization', authorization));
    expect(response.status).toBe(401);
    expect(challengedSchemes(response.headers['www-authenticate']).map((s) => s.toLowerCase()).sort()).toEqual(['basic', 'bearer']);
    expect(response.headers['www-authenticate']).toMatch(/Basic realm="[^"]+"/);
    expect(response.body.error).toMatchObject({ code: 'Unauthorized', message: expect.any(String) });
  });

  test('ER-02: a valid credential is never 401: the narrow token reads its repository', async () => {
    const response = await stack.request.get("/odata/Repositories(Workspace='acme-dev',Slug='platform-api')").set('Authorization', NARROW_BEARER);
    expect(response.status).toBe(200);
  });

  test.each([
    ['Bitbucket’s string detail', []],
    ['Bitbucket’s object detail (forbidden-detail-object)', ['forbidden-detail-object']],
  ])('ER-02: a valid credential without the scope is 403 naming the missing Bitbucket scope (%s)', async (_name, quirks) => {
    await stack.resetSandbox();
    await axios.put(`${stack.sandboxUrl}/_sandbox/quirks`, { quirks });
    const response = await stack.request.get(PULL_REQUESTS).set('Authorization', NARROW_BEARER);
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(response.body.error.code).toBe('Forbidden');
    expect(response.body.error.message).toMatch(/\bpullrequest\b/);
    await stack.resetSandbox();
  });
});

describe('an expired OAuth access token (ER-05)', () => {
  const clock = new ManualClock();
  let stack: Stack;
  beforeAll(async () => {
    setSandboxClock(clock);
    stack = await startStack({ sandbox: { accessTokenTtlSeconds: 60 } });
  });
  afterAll(async () => {
    setSandboxClock(systemClock);
    await stack.close();
  });

  /** The consumer's tokens from Bitbucket's token endpoint, as Power Platform gets them (form body, Basic client auth). */
  async function tokenRequest(form: Record<string, string>): Promise<{ access_token: string; refresh_token: string }> {
    const response = await axios.post(`${stack.sandboxUrl}/site/oauth2/access_token`, new URLSearchParams(form).toString(), {
      auth: { username: DEMO_OAUTH_CONSUMER.clientId, password: DEMO_OAUTH_CONSUMER.clientSecret },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    return response.data as { access_token: string; refresh_token: string };
  }

  test('ER-05: is 401 with a Bearer challenge once its lifetime is over, and the refreshed token reads again', async () => {
    const tokens = await tokenRequest({ grant_type: 'client_credentials' });
    const read = (token: string) => stack.request.get('/odata/Repositories?$top=1').set('Authorization', `Bearer ${token}`);
    expect((await read(tokens.access_token)).status).toBe(200);
    clock.advance(61_000);
    const expired = await read(tokens.access_token);
    expect(expired.status).toBe(401);
    expect(challengedSchemes(expired.headers['www-authenticate']).map((s) => s.toLowerCase())).toContain('bearer');
    expect(expired.body.error.message).toMatch(/expired/i);
    // What the platform does on that 401: refreshUrl with the refresh token, then the same call again.
    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect((await read(refreshed.access_token)).status).toBe(200);
  });
});
