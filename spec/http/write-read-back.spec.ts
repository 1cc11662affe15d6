/**
 * A write Bitbucket confirmed is answered as done even when reading the entity back fails: Power Automate retries a
 * 5xx or 429, and a retried create is a duplicate. The answer is then 204 with `Location`/`OData-EntityId` (where
 * the new entity is) and `X-Read-Back` saying why there is no body. Reproduced with the sandbox's rate limit: the
 * write is the last call the hour allows, so the read-back is refused with 429.
 */
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function allowCalls(perHour: number): Promise<void> {
  await axios.post(`${stack.sandboxUrl}/_sandbox/rate-limit/reset`);
  await axios.put(`${stack.sandboxUrl}/_sandbox/rate-limit`, { perHour });
}
afterEach(() => allowCalls(1_000_000));

test('a create whose read-back is refused: 204 with Location, never a 429/503 that invites a retry', async () => {
  await allowCalls(1);
  const response = await stack.request.post('/odata/Projects').set('Authorization', DEMO_BEARER).send({ Workspace: 'acme-dev', Key: 'RB1', Name: 'Read-back' });
  expect(response.status).toBe(204);
  expect(response.headers.location).toMatch(/\/odata\/Projects\(Workspace='acme-dev',Key='RB1'\)$/);
  expect(response.headers['odata-entityid']).toBe(response.headers.location);
  expect(response.headers['x-read-back']).toMatch(/^failed; rate-limited/);
  await allowCalls(1_000_000);
  const created = await stack.request.get("/odata/Projects(Workspace='acme-dev',Key='RB1')").set('Authorization', DEMO_BEARER);
  expect([created.status, created.body.Name]).toEqual([200, 'Read-back']);
});

test('an update whose read-back is refused: 204, the change is made', async () => {
  const pr = "/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=7)";
  // The If-Match check reads first, then the write: allow exactly those two.
  await allowCalls(2);
  const response = await stack.request.patch(pr).set('Authorization', DEMO_BEARER).send({ Title: 'Changed, read-back refused' });
  expect(response.status).toBe(204);
  expect(response.headers['x-read-back']).toMatch(/^failed; rate-limited/);
  await allowCalls(1_000_000);
  expect((await stack.request.get(pr).set('Authorization', DEMO_BEARER)).body.Title).toBe('Changed, read-back refused');
});

test('an action whose read-back is refused: 204, the action happened', async () => {
  const pr = "/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=7)";
  const before = (await stack.request.get(pr).set('Authorization', DEMO_BEARER)).body.ApprovalCount as number;
  await allowCalls(2);
  const response = await stack.request.post(`${pr}/Bitbucket.Approve`).set('Authorization', DEMO_BEARER);
  expect(response.status).toBe(204);
  expect(response.headers['x-read-back']).toMatch(/^failed; rate-limited/);
  await allowCalls(1_000_000);
  expect((await stack.request.get(pr).set('Authorization', DEMO_BEARER)).body.ApprovalCount).toBe(before + 1);
});
