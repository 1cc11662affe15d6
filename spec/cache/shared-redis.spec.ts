/**
 * Two gateway replicas sharing one Redis (issue #14 item 4): what one read, the other reuses without a Bitbucket call,
 * both count one budget for the principal, a write through one makes the other read again, and Redis holds no
 * credential. Needs a real Redis server: TEST_REDIS_URL (.ci/run starts redis-server and sets it).
 */
import supertest from 'supertest';
import Redis from 'ioredis';
import { DEMO_USER } from '../../sandbox/identities';
import { createApp, storeOf, upstreamReadinessOf } from '../../src/app';
import { createLogger } from '../../src/logger';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/with-redis';

describeWithRedis('two replicas sharing Redis', () => {
  let stack: Stack;
  let replicaB: ReturnType<typeof createApp>;
  const BRANCHES = "/odata/Branches?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$select=Name&$orderby=Name";

  beforeAll(async () => {
    // A secret of this run only: principal hashes (and so cache entries) of earlier runs are never found.
    const secret = `spec-shared-redis-${process.pid}-${Date.now()}-padding-padding`;
    stack = await startStack({ env: { REDIS_URL: REDIS_URL!, SKIPTOKEN_SECRET: secret, UPSTREAM_CACHE_SECONDS: '60', UPSTREAM_BUDGET_PER_HOUR: '100000', UPSTREAM_BUDGET_RESERVE: '1' } });
    replicaB = createApp({ config: stack.config, logger: createLogger('error', () => undefined) });
    await upstreamReadinessOf(replicaB).settled();
    expect(storeOf(replicaB).kind).toBe('redis');
  });
  afterAll(async () => {
    upstreamReadinessOf(replicaB).stop();
    await storeOf(replicaB).close();
    await stack.close();
  });

  test("a read on one replica is reused by the other without a Bitbucket call, and the budget is one", async () => {
    await stack.clearUpstreamCalls();
    const onA = await stack.request.get(BRANCHES).set('Authorization', DEMO_BEARER);
    expect(onA.status).toBe(200);
    const spent = Number(onA.headers['x-upstream-requests']);
    expect(spent).toBeGreaterThan(0);
    const onB = await supertest(replicaB).get(BRANCHES).set('Authorization', DEMO_BEARER);
    expect(onB.status).toBe(200);
    expect(onB.body.value).toEqual(onA.body.value);
    expect(onB.headers['x-upstream-requests']).toBe('0');
    expect(await stack.upstreamCalls()).toHaveLength(spent);
    // A call made through B after A's: B's remaining counts A's calls too.
    const other = await supertest(replicaB).get("/odata/Repositories?$filter=Workspace eq 'acme-dev'&$top=1&$select=Slug").set('Authorization', DEMO_BEARER);
    expect(Number(other.headers['x-budget-remaining'])).toBe(100000 - spent - Number(other.headers['x-upstream-requests']));
  });

  test('a write through one replica makes the other read its repository again', async () => {
    const before = await supertest(replicaB).get(BRANCHES).set('Authorization', DEMO_BEARER);
    const hash = (await stack.request.get("/odata/Branches?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=1&$select=TargetHash").set('Authorization', DEMO_BEARER)).body.value[0].TargetHash;
    const created = await stack.request
      .post("/odata/Repositories(Workspace='acme-dev',Slug='platform-api')/Branches")
      .set('Authorization', DEMO_BEARER)
      .set('Prefer', 'return=minimal')
      .send({ Name: `shared/${process.pid}-${Date.now()}`, TargetHash: hash });
    expect(created.status).toBe(204);
    const after = await supertest(replicaB).get(BRANCHES).set('Authorization', DEMO_BEARER);
    expect(after.body.value.length).toBe(before.body.value.length + 1);
    expect(Number(after.headers['x-upstream-requests'])).toBeGreaterThan(0);
  });

  test('Redis holds no credential: no key or value contains a token, an API token or an email', async () => {
    const redis = new Redis(REDIS_URL!);
    try {
      const keys = await redis.keys('bbodata:*');
      expect(keys.length).toBeGreaterThan(0);
      const secrets = [DEMO_USER.bearerToken, DEMO_USER.apiToken, DEMO_USER.email];
      for (const key of keys) {
        const type = await redis.type(key);
        const value = type === 'string' ? ((await redis.getBuffer(key)) ?? Buffer.alloc(0)).toString('latin1') : '';
        for (const secret of secrets) {
          expect(key).not.toContain(secret);
          expect(value).not.toContain(secret);
        }
      }
    } finally {
      redis.disconnect();
    }
  });
});
