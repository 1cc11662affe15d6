import request from 'supertest';
import { ManualClock, RATE_LIMIT_EXCEEDED_TEXT } from '../../../sandbox/auth';
import { DEMO_USER, OTHER_USER, REPOSITORY_ACCESS_TOKEN, WORKSPACE_ACCESS_TOKEN } from '../../../sandbox/identities';
import { basic, bearer, startAuthTestServer, type AuthTestServer } from './auth-test-app';
import { authorizationCode, tokenRequest } from './oauth-flow-helpers';

const BUDGET = 3;
const MINUTE = 60_000;

let sandbox: AuthTestServer;
let clock: ManualClock;
beforeEach(async () => {
  sandbox = await startAuthTestServer({ rateLimitPerHour: BUDGET });
  clock = new ManualClock();
  sandbox.state.clock.use(clock);
});
afterEach(() => sandbox.close());

function get(authorization?: string, path = '/2.0/user'): request.Test {
  const call = request(sandbox.server).get(path);
  return authorization ? call.set('Authorization', authorization) : call;
}

async function spend(times: number, authorization?: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < times; index += 1) statuses.push((await get(authorization)).status);
  return statuses;
}

async function oauthToken(sandboxUser?: string): Promise<string> {
  const code = await authorizationCode(sandbox.server, sandboxUser ? { sandbox_user: sandboxUser } : {});
  return (await tokenRequest(sandbox.server, { grant_type: 'authorization_code', code })).body.access_token;
}

describe('rolling one-hour window', () => {
  it('answers 429 text/plain with Retry-After once the budget is spent, and capacity returns as requests age out', async () => {
    const demo = bearer(DEMO_USER.bearerToken);
    expect(await spend(1, demo)).toEqual([200]);
    clock.advance(10 * MINUTE);
    expect(await spend(2, demo)).toEqual([200, 200]);

    const refused = await get(demo);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^text\/plain/);
    expect(refused.text).toBe(RATE_LIMIT_EXCEEDED_TEXT);
    expect(refused.headers['retry-after']).toBe(String(50 * 60));

    clock.advance(50 * MINUTE - 1000);
    expect((await get(demo)).headers['retry-after']).toBe('1');
    clock.advance(1000);
    expect(await spend(2, demo)).toEqual([200, 429]);
  });

  it('does not count refused requests, nor requests outside /2.0', async () => {
    const demo = bearer(DEMO_USER.bearerToken);
    await spend(BUDGET + 5, demo);
    await request(sandbox.server).get('/_sandbox/rate-limit');
    clock.advance(60 * MINUTE);
    expect(await spend(BUDGET + 1, demo)).toEqual([200, 200, 200, 429]);
  });
});

describe('budgets per rate key', () => {
  it('keeps separate budgets per user, per access token and per anonymous IP', async () => {
    expect(await spend(BUDGET + 1, bearer(DEMO_USER.bearerToken))).toEqual([200, 200, 200, 429]);
    expect(await spend(1, bearer(OTHER_USER.bearerToken))).toEqual([200]);
    expect(await spend(1, bearer(WORKSPACE_ACCESS_TOKEN.token))).toEqual([200]);
    expect(await spend(1, bearer(REPOSITORY_ACCESS_TOKEN.token))).toEqual([200]);
    expect(await spend(1)).toEqual([200]);
    expect(await spend(1, basic(DEMO_USER.email, DEMO_USER.apiToken))).toEqual([200]);
  });

  it('makes every user of one OAuth consumer share the consumer\'s budget', async () => {
    const demoToken = await oauthToken();
    const olgaToken = await oauthToken(OTHER_USER.nickname);
    expect(await spend(2, bearer(demoToken))).toEqual([200, 200]);
    expect(await spend(2, bearer(olgaToken))).toEqual([200, 429]);
    const clientCredentials = (await tokenRequest(sandbox.server, { grant_type: 'client_credentials' })).body.access_token;
    expect((await get(bearer(clientCredentials))).status).toBe(429);
  });
});

describe('X-RateLimit-* headers', () => {
  it('go to access tokens on /2.0/repositories/*, with NearLimit once under 20% remains', async () => {
    await request(sandbox.server).put('/_sandbox/rate-limit').send({ perHour: 10 });
    const token = bearer(WORKSPACE_ACCESS_TOKEN.token);
    const nearLimit: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      const response = await get(token, '/2.0/repositories/acme-dev');
      expect(response.headers['x-ratelimit-limit']).toBe('10');
      expect(response.headers['x-ratelimit-resource']).toBe('api');
      nearLimit.push(response.headers['x-ratelimit-nearlimit']);
    }
    expect(nearLimit).toEqual(['false', 'false', 'false', 'false', 'false', 'false', 'false', 'false', 'true', 'true']);
    const refused = await get(token, '/2.0/repositories/acme-dev');
    expect(refused.status).toBe(429);
    expect(refused.headers['x-ratelimit-nearlimit']).toBe('true');
  });

  it.each([
    { name: 'an OAuth token', authorization: bearer(DEMO_USER.bearerToken), path: '/2.0/repositories/acme-dev' },
    { name: 'an API token', authorization: basic(DEMO_USER.email, DEMO_USER.apiToken), path: '/2.0/repositories/acme-dev' },
    { name: 'an access token outside /2.0/repositories', authorization: bearer(WORKSPACE_ACCESS_TOKEN.token), path: '/2.0/user' },
  ])('are absent for $name', async ({ authorization, path }) => {
    const response = await get(authorization, path);
    expect(response.status).toBe(200);
    expect(response.headers['x-ratelimit-limit']).toBeUndefined();
  });
});

describe('/_sandbox/rate-limit', () => {
  it('shows and changes the budget at runtime, anonymous separately', async () => {
    expect((await request(sandbox.server).get('/_sandbox/rate-limit')).body).toEqual({ perHour: BUDGET, anonymousPerHour: null });
    const put = await request(sandbox.server).put('/_sandbox/rate-limit').send({ perHour: 5, anonymousPerHour: 1 });
    expect(put.body).toEqual({ perHour: 5, anonymousPerHour: 1 });
    expect(await spend(2)).toEqual([200, 429]);
    expect(await spend(6, bearer(DEMO_USER.bearerToken))).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('POST /reset forgets counted requests', async () => {
    await spend(BUDGET + 1);
    await request(sandbox.server).post('/_sandbox/rate-limit/reset');
    expect(await spend(1)).toEqual([200]);
  });

  it.each([
    { body: { perHour: -1 }, error: 'perHour must be an integer from 0 to 100000000, got -1' },
    { body: { perHour: 1.5 }, error: 'perHour must be an integer from 0 to 100000000, got 1.5' },
    { body: { perHour: 'many' }, error: 'perHour must be an integer from 0 to 100000000, got "many"' },
    { body: { perMinute: 5 }, error: 'Unknown setting "perMinute": allowed are perHour, anonymousPerHour' },
    { body: {}, error: 'Send at least one of: perHour, anonymousPerHour' },
  ])('refuses $body', async ({ body, error }) => {
    const response = await request(sandbox.server).put('/_sandbox/rate-limit').send(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ errors: [error] });
  });
});
