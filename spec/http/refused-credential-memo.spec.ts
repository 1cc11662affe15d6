/**
 * A credential the client presents that Bitbucket refused with 401 is answered the same 401 for a minute without
 * calling Bitbucket again (src/bitbucket/refused-credentials.ts): a flood of one made-up token costs one call, not one
 * per request. Accepted credentials and 403s are untouched. The memo is in-process, keyed by the principal's keyed
 * hash; the shared store (Redis) gets nothing of it. The gateway's clock is injected, nothing sleeps.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { DEMO_USER, NARROW_REPOSITORY_ACCESS_TOKEN } from '../../sandbox/identities';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers/with-redis';

const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
const madeUp = () => `made-up-${process.pid}-${randomBytes(12).toString('hex')}`;
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** The same request twice: both answers, and the upstream calls they made together. */
async function twice(stack: Stack, url: string, authorization: string) {
  await stack.clearUpstreamCalls();
  const first = await stack.request.get(url).set('Authorization', authorization);
  const second = await stack.request.get(url).set('Authorization', authorization);
  const calls = (await stack.upstreamCalls()).map((call) => `${call.method} ${call.path} ${call.status}`);
  return { first, second, calls };
}

describe('a credential Bitbucket refused', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ now: () => clock.now });
  });
  afterAll(() => stack.close());

  test('the same made-up Bearer token twice: two 401s, one Bitbucket call, the same error and challenge', async () => {
    const token = madeUp();
    const { first, second, calls } = await twice(stack, '/odata/Me', `Bearer ${token}`);
    expect([first.status, second.status]).toEqual([401, 401]);
    expect(calls).toEqual(['GET /2.0/user 401']);
    expect(second.body).toEqual(first.body);
    expect(first.body.error.message).toContain('Token is invalid');
    expect(second.headers['www-authenticate']).toBe(first.headers['www-authenticate']);
    expect(second.headers['x-upstream-requests']).toBe('0');
  });

  test('made-up Basic credentials twice: one call; another made-up token is still asked', async () => {
    const { first, second, calls } = await twice(stack, '/odata/Me', basic(DEMO_USER.email, madeUp()));
    expect([first.status, second.status]).toEqual([401, 401]);
    expect(second.body).toEqual(first.body);
    expect(calls).toEqual(['GET /2.0/user 401']);
    const other = await twice(stack, '/odata/Me', `Bearer ${madeUp()}`);
    expect(other.calls).toEqual(['GET /2.0/user 401']);
  });

  test('after the memo lifetime (60 s) the credential is asked again', async () => {
    const token = `Bearer ${madeUp()}`;
    await twice(stack, '/odata/Me', token);
    clock.now += 61_000;
    const later = await twice(stack, '/odata/Me', token);
    expect(later.calls).toEqual(['GET /2.0/user 401']);
  });

  test('a valid token is unaffected: each request calls Bitbucket and succeeds', async () => {
    const { first, second, calls } = await twice(stack, '/odata/Me', DEMO_BEARER);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(calls).toEqual(['GET /2.0/user 200', 'GET /2.0/user 200']);
  });

  test('a 403 (a valid token without the scope) is not memoed', async () => {
    const url = "/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=1&$select=Id";
    const { first, second, calls } = await twice(stack, url, `Bearer ${NARROW_REPOSITORY_ACCESS_TOKEN.token}`);
    expect([first.status, second.status]).toEqual([403, 403]);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.filter((call) => call.endsWith(' 403')).length).toBe(2);
  });
});

describeWithRedis('a refused credential with Redis as the shared store', () => {
  test('one call for two refusals, and no key or value in Redis holds the token', async () => {
    const secret = `spec-refused-memo-${process.pid}-${Date.now()}-padding-padding`;
    const stack = await startStack({ env: { REDIS_URL: TEST_REDIS_URL!, SKIPTOKEN_SECRET: secret } });
    const redis = new Redis(TEST_REDIS_URL!);
    try {
      const token = madeUp();
      const { first, second, calls } = await twice(stack, '/odata/Me', `Bearer ${token}`);
      expect([first.status, second.status]).toEqual([401, 401]);
      expect(calls).toEqual(['GET /2.0/user 401']);
      // Every key and value in Redis: strings, hashes; none holds the token.
      const texts: string[] = [];
      for (const name of await redis.keys('*')) {
        texts.push(name);
        const type = await redis.type(name);
        if (type === 'string') texts.push((await redis.getBuffer(name))?.toString('latin1') ?? '');
        if (type === 'hash') texts.push(...Object.entries(await redis.hgetall(name)).flat());
      }
      expect(texts.some((text) => text.includes(token))).toBe(false);
    } finally {
      redis.disconnect();
      await stack.close();
    }
  });
});
