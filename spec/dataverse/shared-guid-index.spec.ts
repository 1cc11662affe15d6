/**
 * Two replicas behind a load balancer: a Dataverse Guid listed through one resolves on the other (the reverse index
 * lives in the app's shared store, reverse-index.ts). Branch Guids are name-based (no Bitbucket UUID): the Guid alone
 * cannot be read back, so only the shared index gets the other replica there. Needs a real Redis server:
 * TEST_REDIS_URL (.ci/run starts redis-server and sets it).
 */
import supertest from 'supertest';
import type { Row } from '../../src/odata/ast';
import { startSecondReplica, type SecondReplica } from '../helpers/second-replica';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/with-redis';

const REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";

describeWithRedis('Dataverse Guids across two replicas sharing Redis', () => {
  let stack: Stack;
  let b: SecondReplica;
  const onB = () => supertest(b.app);

  beforeAll(async () => {
    const secret = `spec-shared-guid-${process.pid}-${Date.now()}-padding-padding`;
    stack = await startStack({ env: { REDIS_URL: REDIS_URL!, SKIPTOKEN_SECRET: secret } });
    b = await startSecondReplica(stack.config);
  });
  afterAll(async () => {
    await b.close();
    await stack.close();
  });

  test('a Branch listed on A is read by its Guid on B, for what B pays by composite key, and filtered by it there', async () => {
    const listed = await stack.request.get(`/dataverse/Branches?$filter=${encodeURIComponent(`${REPO} and Name eq 'feature/login-page'`)}`).set('Authorization', DEMO_BEARER);
    expect(listed.status).toBe(200);
    const row = listed.body.value[0] as Row;
    const guid = row.BranchGuid as string;

    const byGuid = await onB().get(`/dataverse/Branches(${guid})`).set('Authorization', DEMO_BEARER);
    expect(byGuid.status).toBe(200);
    expect(byGuid.body).toMatchObject({ BranchGuid: guid, Name: 'feature/login-page', Workspace: 'acme-dev', RepositorySlug: 'platform-api' });
    const byKey = await onB().get("/odata/Branches(Workspace='acme-dev',RepositorySlug='platform-api',Name='feature%2Flogin-page')").set('Authorization', DEMO_BEARER);
    expect(byKey.status).toBe(200);
    expect(byGuid.headers['x-upstream-requests']).toBe(byKey.headers['x-upstream-requests']);

    const filtered = await onB().get(`/dataverse/Branches?$filter=${encodeURIComponent(`${REPO} and BranchGuid eq ${guid}`)}`).set('Authorization', DEMO_BEARER);
    expect(filtered.status).toBe(200);
    expect(filtered.body.value.map((branch: Row) => branch.BranchGuid)).toEqual([guid]);
  });

  test('a Guid neither replica served is still a 404 that says how to find the row', async () => {
    const response = await onB().get('/dataverse/Branches(00000000-0000-5000-8000-000000000000)').set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain('list the set');
  });
});
