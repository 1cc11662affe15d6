/**
 * Change notices with two replicas sharing Redis (issue #14): what replica A reads, replica B serves past
 * UPSTREAM_CACHE_SECONDS under the same trust, and a notice delivered to A (or a signed delivery A cannot read) makes B
 * read again at once. Needs a real Redis server: TEST_REDIS_URL (scripts/with-test-services.sh starts one).
 */
import supertest from 'supertest';
import { noticeTrustOf } from '../../src/app';
import { startSecondReplica, type SecondReplica } from '../helpers/second-replica';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/with-redis';
import { postDelivery } from './signed-delivery';

const SECRET = 'spec-webhook-secret-shared-0123';
const BRANCHES = "/odata/Branches?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$select=Name&$orderby=Name";
const REPOSITORIES = "/odata/Repositories?$filter=Workspace eq 'acme-dev'&$select=Slug&$top=1";
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('change notices across replicas sharing Redis', () => {
  let stack: Stack;
  let replicaB: SecondReplica;

  beforeAll(async () => {
    // A secret of this run only: principal hashes (and so cache entries) of earlier runs are never found.
    const secret = `spec-notices-redis-${process.pid}-${Date.now()}-padding-padding`;
    stack = await startStack({ env: { REDIS_URL: REDIS_URL!, SKIPTOKEN_SECRET: secret, UPSTREAM_CACHE_SECONDS: '1', WEBHOOK_SECRET: SECRET, WEBHOOK_WORKSPACES: 'acme-dev' } });
    replicaB = await startSecondReplica(stack.config);
    // A replica's start begins a new trust epoch (it may have missed deliveries while starting): wait for it, so that
    // what A reads from here on is trusted on both.
    await noticeTrustOf(replicaB.app)?.beat();
  });
  afterAll(async () => {
    noticeTrustOf(stack.app)?.stop();
    noticeTrustOf(replicaB.app)?.stop();
    await replicaB.close();
    await stack.close();
  });

  test('a notice received by replica A makes replica B read the repository again', async () => {
    const onA = await stack.request.get(BRANCHES).set('Authorization', DEMO_BEARER);
    expect(Number(onA.headers['x-upstream-requests'])).toBeGreaterThan(0);
    await pause(1_200); // past UPSTREAM_CACHE_SECONDS
    // B reads what no event announces (one call, as a refresh does among its sets): the credential is confirmed.
    expect(Number((await supertest(replicaB.app).get(REPOSITORIES).set('Authorization', DEMO_BEARER)).headers['x-upstream-requests'])).toBeGreaterThan(0);
    const trusted = await supertest(replicaB.app).get(BRANCHES).set('Authorization', DEMO_BEARER);
    expect(trusted.body.value).toEqual(onA.body.value);
    expect(trusted.headers['x-upstream-requests']).toBe('0');
    const delivered = await postDelivery(stack.request, 'repo:push', { repository: { full_name: 'acme-dev/platform-api' }, actor: {} }, { secret: SECRET });
    expect(delivered.status).toBe(204);
    const after = await supertest(replicaB.app).get(BRANCHES).set('Authorization', DEMO_BEARER);
    expect(Number(after.headers['x-upstream-requests'])).toBeGreaterThan(0);
    // What B reads once the notice has settled (an answer read just after one keeps the ordinary window) is trusted on
    // A in turn.
    await pause(1_200);
    expect(Number((await supertest(replicaB.app).get(BRANCHES).set('Authorization', DEMO_BEARER)).headers['x-upstream-requests'])).toBeGreaterThan(0);
    await pause(1_200);
    expect(Number((await stack.request.get(REPOSITORIES).set('Authorization', DEMO_BEARER)).headers['x-upstream-requests'])).toBeGreaterThan(0);
    expect((await stack.request.get(BRANCHES).set('Authorization', DEMO_BEARER)).headers['x-upstream-requests']).toBe('0');
  });

  test('a signed delivery replica A cannot read withdraws the trust on replica B before A answers, not at A\'s next alive beat', async () => {
    await stack.request.get(BRANCHES).set('Authorization', DEMO_BEARER);
    await pause(1_200); // past UPSTREAM_CACHE_SECONDS
    expect(Number((await supertest(replicaB.app).get(REPOSITORIES).set('Authorization', DEMO_BEARER)).headers['x-upstream-requests'])).toBeGreaterThan(0);
    expect((await supertest(replicaB.app).get(BRANCHES).set('Authorization', DEMO_BEARER)).headers['x-upstream-requests']).toBe('0');
    // No X-Event-Key (a proxy dropped it): what it announced is unknown. A's alive beats come every 10 s; B must not
    // wait for the next one.
    const unreadable = await postDelivery(stack.request, '', { repository: { full_name: 'acme-dev/platform-api' }, actor: {} }, { secret: SECRET });
    expect(unreadable.status).toBe(400);
    await stack.clearUpstreamCalls();
    const after = await supertest(replicaB.app).get(BRANCHES).set('Authorization', DEMO_BEARER);
    expect(after.status).toBe(200);
    expect(Number(after.headers['x-upstream-requests'])).toBeGreaterThan(0);
    expect((await stack.upstreamCalls()).map((call) => call.path)).toContain('/2.0/repositories/acme-dev/platform-api/refs/branches');
  });
});
