/**
 * No credential leaks: every way in and every way of failing runs against gateways logging at debug level, then
 * every log line, every X-Upstream-Requests header, every nextLink and every error body is searched for every test
 * credential: the sandbox's fixed ones (API tokens, bearer tokens, client secrets, access tokens) and those issued
 * during the run (OAuth access and refresh tokens, session and state cookie values).
 */
import { DEMO_USER, OTHER_USER, WORKSPACE_ACCESS_TOKEN } from '../../sandbox/identities';
import { CookieSealer } from '../../src/credentials';
import { SESSION_COOKIE, sessionFromPayload } from '../../src/credentials/session';
import { STATE_COOKIE } from '../../src/credentials/oauth-state-store';
import { leakedCredentials, type KnownCredential } from '../helpers/known-credentials';
import { startStack, type Stack } from '../helpers/stack';
import { connectorSignIn, sandboxControl } from './sandbox-oauth';
import { SIGN_IN_ENV, startSignInStack, type SignInStack } from './sign-in-stack';

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

let signIn: SignInStack;
let service: Stack;
const issued: KnownCredential[] = [];
/** Text that must hold no credential: X-Upstream-Requests values, nextLinks, error bodies. */
const responsesText: string[] = [];

function record(headers: Record<string, string | string[] | undefined> | Headers, body: string): void {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name]);
  responsesText.push(`X-Upstream-Requests: ${String(get('x-upstream-requests') ?? '')}`);
  const status = body.startsWith('{') ? (JSON.parse(body) as Record<string, unknown>) : {};
  if (typeof status['@odata.nextLink'] === 'string') responsesText.push(status['@odata.nextLink']);
  if (status.error) responsesText.push(JSON.stringify(status.error));
  if (!body.startsWith('{')) responsesText.push(body);
}

beforeAll(async () => {
  signIn = await startSignInStack();
  service = await startStack({ env: { ...SIGN_IN_ENV, SERVICE_MODE: 'client_credentials' } });
  const { stack } = signIn;
  const sealer = new CookieSealer(stack.config.cookieKeys);

  // Header pass-through, good and bad.
  const connector = await connectorSignIn(stack.sandboxUrl);
  const expired = await connectorSignIn(stack.sandboxUrl);
  const revoked = await connectorSignIn(stack.sandboxUrl);
  await sandboxControl(stack.sandboxUrl, 'expire', expired.access_token);
  await sandboxControl(stack.sandboxUrl, 'revoke', revoked.access_token);
  for (const tokens of [connector, expired, revoked]) issued.push({ name: 'issued access token', value: tokens.access_token }, { name: 'issued refresh token', value: tokens.refresh_token });
  const headers = [
    undefined,
    basic(DEMO_USER.email, DEMO_USER.apiToken),
    basic(DEMO_USER.email, 'ATATT-wrong-api-token-123'),
    basic(DEMO_USER.nickname, 'demo-app-password'),
    `Bearer ${DEMO_USER.bearerToken}`,
    `Bearer ${OTHER_USER.bearerToken}`,
    `Bearer ${WORKSPACE_ACCESS_TOKEN.token}`,
    `Bearer ${connector.access_token}`,
    `Bearer ${expired.access_token}`,
    `Bearer ${revoked.access_token}`,
    'Bearer with spaces inside',
  ];
  for (const authorization of headers) {
    for (const url of ['/odata/Me', '/odata/Repositories?$select=Slug', "/odata/WorkspaceMembers?$filter=Workspace eq 'acme-dev'"]) {
      const request = stack.request.get(url).set('Prefer', 'odata.maxpagesize=2');
      const response = authorization ? await request.set('Authorization', authorization) : await request;
      record(response.headers, response.text);
      const nextLink = response.body?.['@odata.nextLink'];
      if (typeof nextLink === 'string') {
        // Replayed by someone else: refused, and the refusal shows nothing either.
        const replay = await stack.request.get(nextLink.replace(/^https?:\/\/[^/]+/, '')).set('Authorization', `Bearer ${OTHER_USER.bearerToken}`);
        record(replay.headers, replay.text);
      }
    }
  }

  // Browser sessions: sign in, use, renew, tamper, sign out.
  for (const sandboxUser of [undefined, 'olga']) {
    const browser = signIn.browser({ sandboxUser });
    await browser.navigate(`${signIn.gatewayUrl}/auth/login?return_to=/odata/Me`);
    const cookieValue = browser.cookie(signIn.gatewayUrl, SESSION_COOKIE) ?? '';
    const session = sessionFromPayload(sealer.open('session', cookieValue));
    issued.push({ name: 'session cookie', value: cookieValue }, { name: 'session access token', value: session?.tokens.accessToken ?? '' }, { name: 'session refresh token', value: session?.tokens.refreshToken ?? '' });
    for (const hop of browser.hops) {
      for (const line of hop.setCookies) if (line.startsWith(`${STATE_COOKIE}=`)) issued.push({ name: 'state cookie', value: line.split(';')[0].slice(STATE_COOKIE.length + 1) });
    }
    const page = await browser.navigate(`${signIn.gatewayUrl}/odata/Repositories?$select=Slug`, { headers: { Prefer: 'odata.maxpagesize=2' } });
    record(page.headers, page.body);
    signIn.clock.advance(3600 - 60);
    const renewed = await browser.navigate(`${signIn.gatewayUrl}/odata/Me`);
    record(renewed.headers, renewed.body);
    const after = sessionFromPayload(sealer.open('session', browser.cookie(signIn.gatewayUrl, SESSION_COOKIE) ?? ''));
    issued.push({ name: 'renewed access token', value: after?.tokens.accessToken ?? '' }, { name: 'renewed refresh token', value: after?.tokens.refreshToken ?? '' });
    browser.setCookie(signIn.gatewayUrl, SESSION_COOKIE, cookieValue.slice(0, -3) + 'AAA');
    const tampered = await browser.navigate(`${signIn.gatewayUrl}/odata/Me`);
    record(tampered.headers, tampered.body);
    await browser.navigate(`${signIn.gatewayUrl}/auth/logout`);
  }
  const mismatch = await fetch(`${signIn.gatewayUrl}/auth/callback?code=abc&state=def`);
  record(mismatch.headers, await mismatch.text());

  // Service mode: fetch, reuse, refusal, renewal.
  for (let i = 0; i < 3; i += 1) {
    const response = await service.request.get('/odata/Repositories?$select=Slug').set('Prefer', 'odata.maxpagesize=2');
    record(response.headers, response.text);
  }
  await fetch(`${service.sandboxUrl}/_sandbox/auth/reset`, { method: 'POST' });
  for (let i = 0; i < 2; i += 1) {
    const response = await service.request.get('/odata/Me');
    record(response.headers, response.text);
  }
});
afterAll(async () => {
  await signIn.close();
  await service.close();
});

test('the scenarios ran and produced log lines and responses to search', () => {
  expect(signIn.stack.logLines.length).toBeGreaterThan(50);
  expect(service.logLines.length).toBeGreaterThan(5);
  expect(issued.filter(({ value }) => value.length >= 8).length).toBeGreaterThan(15);
  expect(responsesText.length).toBeGreaterThan(40);
});

test('the search finds each credential when it is there, as given or percent-encoded', () => {
  const planted = issued.filter(({ value }) => value.length >= 8);
  expect(leakedCredentials(planted.map(({ value }) => encodeURIComponent(value)).join(' '), planted)).toHaveLength(planted.length);
  expect(leakedCredentials(`{"url":"https://x/?t=${DEMO_USER.bearerToken}"}`).map(({ name }) => name)).toEqual(['demo bearer token']);
});

test('no log line holds a credential', () => {
  expect(leakedCredentials([...signIn.stack.logLines, ...service.logLines].join('\n'), issued).map(({ name }) => name)).toEqual([]);
});

test('no X-Upstream-Requests header, nextLink or error body holds a credential', () => {
  expect(leakedCredentials(responsesText.join('\n'), issued).map(({ name }) => name)).toEqual([]);
});
