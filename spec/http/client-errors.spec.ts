/**
 * Errors clients act on (client-rules §2.C): Power Query and Power Platform re-authenticate on 401 and 403, and a
 * Power Platform 401 makes the platform call the connector's refreshUrl. So 401 is for a missing, bad or expired
 * credential only, and says which schemes to send (ER-02); 403 is for a valid credential that lacks a Bitbucket
 * scope, and names it (ER-02); an expired OAuth access token is 401, and the refreshed token works (ER-05).
 */
import axios from 'axios';
import { DEMO_OAUTH_CONSUMER, DEMO_USER, NARROW_REPOSITORY_ACCESS_TOKEN } from '../../sandbox/identities';
import { ManualClock } from '../../sandbox/auth/clock';
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
    stack = await startStack({ sandbox: { accessTokenTtlSeconds: 60, clock } });
  });
  afterAll(async () => {
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

describe('throttling (ER-01)', () => {
  let stack: Stack;
  const control = () => axios.create({ baseURL: stack.sandboxUrl, validateStatus: () => true });
  beforeAll(async () => {
    // No waiting inside the gateway: the first 429 is answered, so the test sees what the client gets.
    stack = await startStack({ env: { UPSTREAM_MAX_RETRY_AFTER_SECONDS: '0' } });
  });
  afterEach(async () => {
    await control().put('/_sandbox/rate-limit', { perHour: 1_000_000 });
    await control().post('/_sandbox/rate-limit/reset');
    await stack.resetSandbox();
  });
  afterAll(() => stack.close());

  /** Spends the sandbox's budget of one call an hour, then reads: the second read meets Bitbucket's 429. */
  async function throttledRead(quirks: string[]) {
    await control().put('/_sandbox/quirks', { quirks });
    await control().put('/_sandbox/rate-limit', { perHour: 1 });
    await control().post('/_sandbox/rate-limit/reset');
    const basic = `Basic ${Buffer.from(`${DEMO_USER.email}:${DEMO_USER.apiToken}`).toString('base64')}`;
    expect((await stack.request.get('/odata/Me').set('Authorization', basic)).status).toBe(200);
    await stack.clearUpstreamCalls();
    const response = await stack.request.get("/odata/Repositories?$filter=Workspace eq 'acme-dev'").set('Authorization', basic);
    return { response, calls: (await stack.upstreamCalls()).length };
  }

  test.each([
    ["Bitbucket's usual 429 without Retry-After (rate-limit-without-retry-after)", ['rate-limit-without-retry-after'], /did not say/],
    ['a 429 whose Retry-After is an hour away', [], /Retrying sooner than that may be refused again/],
  ])('ER-01: %s is answered 429 with an integer Retry-After of 1-120 s, never an HTTP-date, and the body says when', async (_name, quirks, when) => {
    const { response, calls } = await throttledRead(quirks);
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(120);
    expect(response.headers['odata-version']).toBe('4.0');
    expect(response.body.error).toMatchObject({ code: 'UpstreamRateLimited' });
    expect(response.body.error.message).toMatch(when);
    expect(response.body.error.message).toContain(`Retry after ${response.headers['retry-after']} seconds`);
    expect(calls).toBe(1); // one refused call, not a retry storm against a spent budget
  });
});

describe('the error format (ER-03) and unsupported options (ER-04)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  const basic = () => `Basic ${Buffer.from(`${DEMO_USER.email}:${DEMO_USER.apiToken}`).toString('base64')}`;

  test.each([
    ['a filter that does not parse', "/odata/Repositories?$filter=Name eq 'x", 400],
    ['an unknown entity set', '/odata/NoSuchSet', 404],
    ['an unknown entity', "/odata/Repositories(Workspace='acme-dev',Slug='no-such-repository')", 404],
    ['a method the resource does not allow', '/odata/$metadata', 405],
    ['no credential', '/odata/Repositories', 401],
  ])('ER-03: %s is {"error":{"code","message"}} JSON with OData-Version 4.0', async (_name, url, status) => {
    const request = status === 405 ? stack.request.delete(url) : stack.request.get(url);
    const response = await (status === 401 ? request : request.set('Authorization', basic()));
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['odata-version']).toBe('4.0');
    expect(response.body).toEqual({ error: expect.objectContaining({ code: expect.stringMatching(/^\w+$/), message: expect.any(String) }) });
    expect(response.body.error.message.length).toBeGreaterThan(10);
  });

  test.each([
    ['$apply', '/odata/Repositories?$apply=groupby((Workspace))'],
    ['$compute', "/odata/Repositories?$compute=Name as N"],
    ['an unknown system query option', '/odata/Repositories?$frobnicate=1'],
    ['$expand=*', '/odata/Repositories?$expand=*'],
    ['a nested $expand', "/odata/PullRequests?$expand=Repository($expand=Project)"],
    ['$levels', '/odata/Repositories?$expand=PullRequests($levels=2)'],
    ['$batch', '/odata/$batch'],
    ['$format=atom', '/odata/Repositories?$format=atom'],
  ])('ER-04: %s is 400 or 501 with an OData error, never 5xx and never ignored', async (_name, url) => {
    const response = await stack.request.get(url).set('Authorization', basic());
    expect({ url, status: [400, 406, 501].includes(response.status) }).toEqual({ url, status: true });
    expect(response.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(response.body.value).toBeUndefined();
  });
});
