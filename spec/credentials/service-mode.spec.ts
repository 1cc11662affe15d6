/**
 * Service mode end to end: off unless configured; `access_token` lends an access token; `client_credentials`
 * fetches the private consumer's tokens, keeps one for its lifetime, shares one fetch among concurrent requests,
 * renews before expiry and after Bitbucket refuses it. An explicit Authorization header always wins.
 */
import { DEMO_USER, OTHER_USER, PUBLIC_OAUTH_CONSUMER, WORKSPACE_ACCESS_TOKEN } from '../../sandbox/identities';
import { loadConfig } from '../../src/config';
import { startStack, type Stack } from '../helpers/stack';
import { sandboxControl } from './sandbox-oauth';
import { ManualClock, SIGN_IN_ENV } from './sign-in-stack';

async function tokenGrants(stack: Stack): Promise<Array<{ status: number }>> {
  const response = await fetch(`${stack.sandboxUrl}/_sandbox/requests`);
  const calls = (await response.json()) as Array<{ method: string; path: string; status: number }>;
  return calls.filter((call) => call.method === 'POST' && call.path === '/site/oauth2/access_token');
}

test('service mode is off unless configured: a request without credentials is 401', async () => {
  expect(loadConfig({}).serviceMode).toBeUndefined();
  expect(loadConfig({ SERVICE_MODE: 'off' }).serviceMode).toBeUndefined();
  const stack = await startStack({ env: SIGN_IN_ENV });
  try {
    expect((await stack.request.get('/odata/Me')).status).toBe(401);
  } finally {
    await stack.close();
  }
});

describe('access_token', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { SERVICE_MODE: 'access_token', SERVICE_ACCESS_TOKEN: WORKSPACE_ACCESS_TOKEN.token } });
  });
  afterAll(() => stack.close());

  test('requests without credentials act as the access token', async () => {
    const response = await stack.request.get('/odata/Repositories?$select=Workspace');
    expect(response.status).toBe(200);
    expect(new Set(response.body.value.map((row: { Workspace: string }) => row.Workspace))).toEqual(new Set(['acme-dev']));
  });

  test('an Authorization header wins over service mode', async () => {
    const response = await stack.request.get('/odata/Me').set('Authorization', `Bearer ${OTHER_USER.bearerToken}`);
    expect(response.body.DisplayName).toBe('Olga Other');
  });
});

describe('client_credentials', () => {
  const clock = new ManualClock();
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { ...SIGN_IN_ENV, SERVICE_MODE: 'client_credentials' }, now: clock.now });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearUpstreamCalls());

  test('acts as the consumer\'s owner; one token serves many requests, concurrent ones share one fetch', async () => {
    const concurrent = await Promise.all([1, 2, 3, 4, 5].map(() => stack.request.get('/odata/Me')));
    expect(concurrent.map((response) => [response.status, response.body.DisplayName])).toEqual(Array(5).fill([200, DEMO_USER.displayName]));
    for (let i = 0; i < 3; i += 1) expect((await stack.request.get('/odata/Me')).status).toBe(200);
    expect(await tokenGrants(stack)).toHaveLength(1);
  });

  test('renewed shortly before it expires, once', async () => {
    expect((await stack.request.get('/odata/Me')).status).toBe(200);
    await stack.clearUpstreamCalls();
    clock.advance(3600 - 60); // the sandbox's tokens live 3600 s; renewal starts 5 minutes before
    for (let i = 0; i < 3; i += 1) expect((await stack.request.get('/odata/Me')).status).toBe(200);
    expect(await tokenGrants(stack)).toHaveLength(1);
  });

  test('a token Bitbucket refuses is dropped: the next request fetches a new one', async () => {
    const me = await stack.request.get('/odata/Me');
    expect(me.status).toBe(200);
    // The gateway never shows its service token, so make the sandbox forget every token it issued.
    await fetch(`${stack.sandboxUrl}/_sandbox/auth/reset`, { method: 'POST' });
    const refused = await stack.request.get('/odata/Me');
    expect(refused.status).toBe(401);
    await stack.clearUpstreamCalls();
    const again = await stack.request.get('/odata/Me');
    expect(again.status).toBe(200);
    expect(await tokenGrants(stack)).toHaveLength(1);
  });

  test('paging survives a renewal (the skiptoken is bound to the service principal, not the token)', async () => {
    const first = await stack.request.get('/odata/Repositories?$select=Workspace,Slug').set('Prefer', 'odata.maxpagesize=2');
    const nextLink: string = first.body['@odata.nextLink'];
    clock.advance(7200);
    const second = await stack.request.get(nextLink.replace(/^https?:\/\/[^/]+/, '')).set('Prefer', 'odata.maxpagesize=2');
    expect(second.status).toBe(200);
    expect(second.body.value).toHaveLength(2);
  });
});

test('client_credentials with a public consumer: 502 naming the OAuth error and what to fix', async () => {
  const stack = await startStack({ env: { OAUTH_CLIENT_ID: PUBLIC_OAUTH_CONSUMER.clientId, OAUTH_CLIENT_SECRET: PUBLIC_OAUTH_CONSUMER.clientSecret, SERVICE_MODE: 'client_credentials' } });
  try {
    const response = await stack.request.get('/odata/Me');
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('UpstreamError');
    expect(response.body.error.message).toMatch(/unauthorized_client.*private/);
    expect(response.body.error.message).not.toContain(PUBLIC_OAUTH_CONSUMER.clientSecret);
  } finally {
    await stack.close();
  }
});

test('an expired service access token reaches the client as 401', async () => {
  const stack = await startStack({ env: { SERVICE_MODE: 'access_token', SERVICE_ACCESS_TOKEN: WORKSPACE_ACCESS_TOKEN.token } });
  try {
    await sandboxControl(stack.sandboxUrl, 'expire', WORKSPACE_ACCESS_TOKEN.token);
    const response = await stack.request.get('/odata/Me');
    expect(response.status).toBe(401);
  } finally {
    await fetch(`${stack.sandboxUrl}/_sandbox/auth/reset`, { method: 'POST' });
    await stack.close();
  }
});

test('AU-04: anonymous works only in service mode with a configured access token; off by default (401 without a credential)', async () => {
  expect(loadConfig({}).serviceMode).toBeUndefined();
  const off = await startStack({ env: SIGN_IN_ENV });
  const on = await startStack({ env: { SERVICE_MODE: 'access_token', SERVICE_ACCESS_TOKEN: WORKSPACE_ACCESS_TOKEN.token } });
  try {
    const refused = await off.request.get('/odata/Me');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/Basic/);
    const anonymous = await on.request.get('/odata/Me');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.DisplayName).toBe(WORKSPACE_ACCESS_TOKEN.botDisplayName);
  } finally {
    await off.close();
    await on.close();
  }
});
