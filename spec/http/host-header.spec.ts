/**
 * Links the gateway writes (nextLinks, `@odata.context`, `Location`, the connector's host, the OAuth callback) are
 * built from `PUBLIC_URL`, or from the request's `Host` only when that host is this gateway's: loopback, or listed in
 * `ALLOWED_HOSTS`. A forged `Host` would otherwise point clients, and Bitbucket's authorization code, elsewhere.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { SIGN_IN_ENV } from '../credentials/sign-in-stack';

describe('without PUBLIC_URL', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { ...SIGN_IN_ENV, PUBLIC_URL: '', OAUTH_CALLBACK_URL: '', ALLOWED_HOSTS: 'odata.example.com' } });
  });
  afterAll(() => stack.close());

  test('a forged Host gets a 400 naming the settings, not a nextLink to it', async () => {
    const response = await stack.request.get('/odata/Tags').set('Host', 'evil.example').set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=2');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('UnknownHost');
    expect(response.body.error.message).toContain('evil.example');
    expect(response.body.error.message).toContain('PUBLIC_URL');
    expect(JSON.stringify(response.body)).not.toMatch(/http:\/\/evil/);
  });

  test.each(['/connector/apiDefinition.swagger.json', '/auth/login'])('%s refuses a forged Host', async (path) => {
    const response = await stack.request.get(path).set('Host', 'evil.example:8080');
    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
  });

  test('the OAuth redirect_uri is never built from a forged Host', async () => {
    const response = await stack.request.get('/auth/login').set('Host', 'evil.example');
    expect(response.status).toBe(400);
  });

  test('a host in ALLOWED_HOSTS and loopback names are served, with links to themselves', async () => {
    const allowed = await stack.request.get('/odata/Tags').set('Host', 'odata.example.com').set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=2');
    expect(allowed.status).toBe(200);
    expect(allowed.body['@odata.nextLink']).toMatch(/^http:\/\/odata\.example\.com\/odata\/Tags\?/);
    for (const host of ['localhost:8080', '127.0.0.1:9', '[::1]:8080']) {
      const local = await stack.request.get('/odata/').set('Host', host).set('Authorization', DEMO_BEARER);
      expect([host, local.status, local.body['@odata.context']]).toEqual([host, 200, `http://${host}/odata/$metadata`]);
    }
  });
});

test('with PUBLIC_URL, links use it whatever Host says', async () => {
  const stack = await startStack({ env: { PUBLIC_URL: 'https://odata.example.org' } });
  try {
    const response = await stack.request.get('/odata/Tags').set('Host', 'evil.example').set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=2');
    expect(response.status).toBe(200);
    expect(response.body['@odata.nextLink']).toMatch(/^https:\/\/odata\.example\.org\/odata\/Tags\?/);
  } finally {
    await stack.close();
  }
});
