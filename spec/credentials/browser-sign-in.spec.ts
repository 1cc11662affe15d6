/**
 * Browser sign-in end to end against the sandbox's OAuth consumer: real HTTP redirects through /auth/login, the
 * sandbox's consent endpoint and /auth/callback; the sealed session cookie; renewal before expiry; sign-out; and every
 * way the flow or the cookie fails.
 */
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { CookieSealer } from '../../src/credentials';
import { SESSION_COOKIE, sessionFromPayload } from '../../src/credentials/session';
import { STATE_COOKIE } from '../../src/credentials/oauth-state-store';
import supertest from 'supertest';
import { startSignInStack, SIGN_IN_ENV, type SignInStack } from './sign-in-stack';
import type { Browser } from './browser';

let signIn: SignInStack;
beforeAll(async () => {
  signIn = await startSignInStack();
});
afterAll(() => signIn.close());

const ODATA_ME = () => `${signIn.gatewayUrl}/odata/Me`;

async function signedIn(options: { sandboxUser?: string } = {}): Promise<Browser> {
  const browser = signIn.browser(options);
  const page = await browser.navigate(`${signIn.gatewayUrl}/auth/login`, { headers: { Accept: 'application/json' } });
  expect(page.status).toBe(200);
  return browser;
}

/** Grants the token endpoint answered with 200 (a failed one, e.g. a spent refresh token, is not counted). */
async function tokenEndpointCalls(): Promise<number> {
  const response = await fetch(`${signIn.stack.sandboxUrl}/_sandbox/requests`);
  const calls = (await response.json()) as Array<{ method: string; path: string; status: number }>;
  return calls.filter((call) => call.method === 'POST' && call.path === '/site/oauth2/access_token' && call.status === 200).length;
}

function sessionOf(browser: Browser) {
  const value = browser.cookie(signIn.gatewayUrl, SESSION_COOKIE);
  return value ? sessionFromPayload(new CookieSealer(signIn.stack.config.cookieKeys).open('session', value)) : undefined;
}

describe('signing in', () => {
  test('the authorization-code flow: login → Bitbucket consent → callback → token page, then OData with the cookie', async () => {
    const browser = signIn.browser();
    const page = await browser.navigate(`${signIn.gatewayUrl}/auth/login`, { headers: { Accept: 'application/json' } });
    const hops = browser.hops.map((hop) => [new URL(hop.url).pathname, hop.status]);
    expect(hops).toEqual([
      ['/auth/login', 302],
      ['/site/oauth2/authorize', 302],
      ['/auth/callback', 303],
      ['/auth/token', 200],
    ]);
    // The gateway sent Bitbucket a state and the callback URL registered for the consumer.
    const authorize = new URL(browser.hops[0].location ?? '');
    expect(authorize.origin).toBe(signIn.stack.sandboxUrl);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('client_id')).toBe(SIGN_IN_ENV.OAUTH_CLIENT_ID);
    expect(authorize.searchParams.get('redirect_uri')).toBe(SIGN_IN_ENV.OAUTH_CALLBACK_URL);
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{32}$/);
    expect(JSON.parse(page.body)).toMatchObject({ user: 'Demo User', tokenType: 'Bearer', serviceRoot: expect.stringMatching(/\/odata\/$/) });
    expect(page.headers.get('cache-control')).toBe('no-store');

    const me = await browser.navigate(ODATA_ME());
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body).DisplayName).toBe('Demo User');
  });

  test('the session cookie is HttpOnly, SameSite=Lax, not Secure over plain http, and carries no readable token', async () => {
    const browser = await signedIn();
    const callback = browser.hops.find((hop) => hop.url.includes('/auth/callback'));
    const line = callback?.setCookies.find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    expect(line).toMatch(/; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const value = browser.cookie(signIn.gatewayUrl, SESSION_COOKIE) ?? '';
    const session = sessionOf(browser);
    expect(session?.tokens.refreshToken).toBeDefined();
    for (const secret of [session?.tokens.accessToken, session?.tokens.refreshToken]) {
      expect(value).not.toContain(secret);
      expect(Buffer.from(value.slice(3), 'base64url').toString('latin1')).not.toContain(secret);
    }
    // The state cookie was spent at the callback.
    expect(browser.cookie(signIn.gatewayUrl, STATE_COOKIE)).toBeUndefined();
  });

  test('another account signs in with its own session', async () => {
    const browser = await signedIn({ sandboxUser: 'olga' });
    const me = await browser.navigate(ODATA_ME());
    expect(JSON.parse(me.body).DisplayName).toBe('Olga Other');
  });

  test('return_to brings the browser back to a gateway path, never to another origin', async () => {
    const back = signIn.browser();
    const page = await back.navigate(`${signIn.gatewayUrl}/auth/login?return_to=${encodeURIComponent('/odata/Me')}`);
    expect(new URL(page.url).pathname).toBe('/odata/Me');
    expect(JSON.parse(page.body).DisplayName).toBe('Demo User');
    for (const foreign of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const browser = signIn.browser();
      const landed = await browser.navigate(`${signIn.gatewayUrl}/auth/login?return_to=${encodeURIComponent(foreign)}`, { headers: { Accept: 'application/json' } });
      // Back at the callback's origin (the consumer's registered one, which the browser maps to the gateway).
      expect({ foreign, path: new URL(landed.url).pathname, origin: new URL(landed.url).origin }).toEqual({ foreign, path: '/auth/token', origin: new URL(SIGN_IN_ENV.OAUTH_CALLBACK_URL).origin });
    }
  });

  test('any replica with the same SESSION_KEYS serves the session; rotation keeps old cookies; other keys do not open it', async () => {
    const browser = await signedIn();
    const cookie = `${SESSION_COOKIE}=${browser.cookie(signIn.gatewayUrl, SESSION_COOKIE)}`;
    const [first, second] = SIGN_IN_ENV.SESSION_KEYS.split(',');
    const replica = (keys: string) =>
      supertest(createApp({ config: loadConfig({ ...SIGN_IN_ENV, SESSION_KEYS: keys, BITBUCKET_API_URL: signIn.stack.apiUrl, BITBUCKET_OAUTH_URL: signIn.stack.sandboxUrl }), now: signIn.clock.now }));
    const cases = [
      { keys: `${first},${second}`, status: 200 },
      { keys: `a-newer-key-0123456789abcdef-newest,${first}`, status: 200 },
      { keys: 'an-unrelated-key-0123456789abcdef-xyz', status: 401 },
    ];
    for (const { keys, status } of cases) {
      const response = await replica(keys).get('/odata/Me').set('Cookie', cookie);
      expect({ keys, status: response.status }).toEqual({ keys, status });
    }
  });
});

describe('renewal', () => {
  test('near expiry the access token is renewed with the refresh token and the cookie re-issued; paging carries on', async () => {
    const browser = await signedIn();
    const before = sessionOf(browser);
    const page1 = await browser.navigate(`${signIn.gatewayUrl}/odata/Repositories?$select=Workspace,Slug`, { headers: { Prefer: 'odata.maxpagesize=2' } });
    const nextLink: string = JSON.parse(page1.body)['@odata.nextLink'];
    expect(nextLink).toContain('$skiptoken=');
    const calls = await tokenEndpointCalls();

    signIn.clock.advance(3600 - 60); // the sandbox's tokens live 3600 s; renewal starts 5 minutes before
    const page2 = await browser.navigate(nextLink.replace(/^https?:\/\/[^/]+/, signIn.gatewayUrl));
    expect(page2.status).toBe(200);
    expect(await tokenEndpointCalls()).toBe(calls + 1);
    const after = sessionOf(browser);
    expect(after?.id).toBe(before?.id);
    expect(after?.tokens.accessToken).not.toBe(before?.tokens.accessToken);
    expect(after?.tokens.refreshToken).not.toBe(before?.tokens.refreshToken);
    const reissued = browser.hops.at(-1)?.setCookies.filter((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? [];
    expect(reissued).toHaveLength(1);

    // A fresh token is not renewed again.
    await browser.navigate(ODATA_ME());
    expect(await tokenEndpointCalls()).toBe(calls + 1);
  });

  // Requests that arrive while the renewal is under way wait for it; one that comes after it settled tries the spent
  // refresh token, is refused, and goes on with the still-valid token. Either way Bitbucket renews once.
  test('concurrent requests of one session renew once', async () => {
    const browser = await signedIn();
    const calls = await tokenEndpointCalls();
    signIn.clock.advance(3600 - 60);
    const responses = await Promise.all([1, 2, 3, 4].map(() => fetch(ODATA_ME(), { headers: { Cookie: browser.cookieHeader(ODATA_ME()) } })));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(await tokenEndpointCalls()).toBe(calls + 1);
  });

  test('an old cookie whose refresh token was rotated away still works until expiry, then the session ends with 401', async () => {
    const browser = await signedIn();
    const oldCookie = browser.cookieHeader(ODATA_ME());
    signIn.clock.advance(3600 - 60);
    expect((await browser.navigate(ODATA_ME())).status).toBe(200); // renews: the old refresh token is now spent
    const stillValid = await fetch(ODATA_ME(), { headers: { Cookie: oldCookie } });
    expect(stillValid.status).toBe(200);
    signIn.clock.advance(120); // past the old access token's expiry
    const ended = await fetch(ODATA_ME(), { headers: { Cookie: oldCookie } });
    expect(ended.status).toBe(401);
    expect(ended.headers.get('www-authenticate')).toBe('Basic realm="Bitbucket", Bearer');
    expect(((await ended.json()) as { error: { message: string } }).error.message).toMatch(/refused to renew it \(\w+\).*\/auth\/login/);
    expect(ended.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=;`))).toBe(true);
  });

  test('a session ends after SESSION_TTL_SECONDS whatever the renewals', async () => {
    const browser = await signedIn();
    signIn.clock.advance(signIn.stack.config.sessionTtlSeconds + 1);
    const response = await browser.navigate(ODATA_ME());
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body).error.message).toContain('SESSION_TTL_SECONDS');
  });
});

describe('signing out and failing', () => {
  test('/auth/logout clears the cookie; OData then answers 401', async () => {
    const browser = await signedIn();
    const out = await browser.navigate(`${signIn.gatewayUrl}/auth/logout`);
    expect(out.status).toBe(200);
    expect(browser.cookie(signIn.gatewayUrl, SESSION_COOKIE)).toBeUndefined();
    const me = await browser.navigate(ODATA_ME());
    expect(me.status).toBe(401);
    expect(JSON.parse(me.body).error.message).toContain('/auth/login');
  });

  test('a copy of the cookie kept from before sign-out is refused too (the session ends on the server, not only in this jar)', async () => {
    const browser = await signedIn();
    const copy = browser.cookie(signIn.gatewayUrl, SESSION_COOKIE) ?? '';
    expect((await browser.navigate(ODATA_ME())).status).toBe(200);
    expect((await browser.navigate(`${signIn.gatewayUrl}/auth/logout`)).status).toBe(200);
    browser.setCookie(signIn.gatewayUrl, SESSION_COOKIE, copy);
    const replayed = await browser.navigate(ODATA_ME());
    expect(replayed.status).toBe(401);
    expect(JSON.parse(replayed.body).error.message).toContain('you signed out of this session');
    // Another session of the same user is untouched.
    const other = await signedIn();
    expect((await other.navigate(ODATA_ME())).status).toBe(200);
  });

  test('a tampered cookie is refused with 401 and cleared', async () => {
    const browser = await signedIn();
    const value = browser.cookie(signIn.gatewayUrl, SESSION_COOKIE) ?? '';
    const flipped = value.slice(0, 20) + (value[20] === 'A' ? 'B' : 'A') + value.slice(21);
    for (const tampered of [flipped, value.slice(0, -4), 'v1.' + Buffer.from('{"id":"x"}').toString('base64url'), 'not-a-cookie']) {
      browser.setCookie(signIn.gatewayUrl, SESSION_COOKIE, tampered);
      const response = await browser.navigate(ODATA_ME());
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="Bitbucket", Bearer');
      expect(JSON.parse(response.body).error).toMatchObject({ code: 'Unauthorized', message: expect.stringContaining('not valid') });
      expect(browser.cookie(signIn.gatewayUrl, SESSION_COOKIE)).toBeUndefined();
    }
  });

  test('a callback whose state differs from the browser\'s is refused with 403 and starts no session', async () => {
    const browser = signIn.browser();
    const login = await fetch(`${signIn.gatewayUrl}/auth/login`, { redirect: 'manual' });
    const stateCookie = login.headers.getSetCookie().find((line) => line.startsWith(`${STATE_COOKIE}=`)) ?? '';
    expect(stateCookie).toMatch(/; Path=\/auth; Max-Age=600; HttpOnly; SameSite=Lax$/);
    const consent = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location') ?? '');
    const cookie = stateCookie.split(';')[0];
    const cases = [
      { name: 'altered state', state: 'x' + (callback.searchParams.get('state') ?? ''), cookie },
      { name: 'no state', state: undefined, cookie },
      { name: 'no state cookie (another browser)', state: callback.searchParams.get('state') ?? '', cookie: '' },
    ];
    for (const { name, state, cookie: sent } of cases) {
      const url = new URL(`${signIn.gatewayUrl}/auth/callback`);
      url.searchParams.set('code', callback.searchParams.get('code') ?? '');
      if (state !== undefined) url.searchParams.set('state', state);
      const response = await fetch(url, { redirect: 'manual', headers: sent ? { Cookie: sent } : {} });
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect({ name, status: response.status, code: body.error.code }).toEqual({ name, status: 403, code: 'Forbidden' });
      expect(body.error.message).toContain('/auth/login');
      expect(response.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    }
    expect(browser.hops).toEqual([]);
  });

  test('a replayed callback is refused: the state cookie is spent', async () => {
    const browser = await signedIn();
    const callback = browser.hops.find((hop) => hop.url.includes('/auth/callback'))?.url ?? '';
    const replay = await browser.navigate(callback);
    expect(replay.status).toBe(403);
  });

  test('consent denied at Bitbucket ends the flow with 401', async () => {
    const response = await fetch(`${signIn.gatewayUrl}/auth/callback?error=access_denied&error_description=The+user+denied+access`, { redirect: 'manual' });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('denied');
  });

  test('a session cannot change data from a foreign page (cross-site POST with the cookie)', async () => {
    const browser = await signedIn();
    const before = (await (await fetch(`${signIn.stack.sandboxUrl}/_sandbox/requests`)).json()) as unknown[];
    const response = await browser.navigate(`${signIn.gatewayUrl}/odata/Projects`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(403);
    const after = (await (await fetch(`${signIn.stack.sandboxUrl}/_sandbox/requests`)).json()) as unknown[];
    expect(after.length).toBe(before.length);
  });

  test("one session's nextLink replayed by another session is InvalidSkipToken", async () => {
    const demo = await signedIn();
    const olga = await signedIn({ sandboxUser: 'olga' });
    const url = `${signIn.gatewayUrl}/odata/Repositories?$filter=Workspace eq 'blue-harbor'&$select=Slug`;
    const first = await demo.navigate(url, { headers: { Prefer: 'odata.maxpagesize=2' } });
    const nextLink = (JSON.parse(first.body)['@odata.nextLink'] as string).replace(/^https?:\/\/[^/]+/, signIn.gatewayUrl);
    expect((await demo.navigate(nextLink, { headers: { Prefer: 'odata.maxpagesize=2' } })).status).toBe(200);
    const replay = await olga.navigate(nextLink, { headers: { Prefer: 'odata.maxpagesize=2' } });
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.body).error.code).toBe('InvalidSkipToken');
  });

  test('/auth/token without a session is 401 and points to /auth/login', async () => {
    const response = await fetch(`${signIn.gatewayUrl}/auth/token`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('/auth/login');
  });
});
