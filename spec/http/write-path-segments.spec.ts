/**
 * A value that becomes a Bitbucket path segment (a workspace, repository slug, branch name…) cannot be empty, `.` or
 * `..`: such a segment would change the route it is put in (RFC 3986 §5.2.4). In a create body that is a 400 naming
 * the property; as a key it names no entity (404). Neither reaches Bitbucket, and neither is a 500.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.clearUpstreamCalls());

async function writesSent(): Promise<number> {
  return (await stack.upstreamCalls()).filter((call) => call.method !== 'GET').length;
}

test.each([
  ['Projects', { Workspace: '.', Key: 'DOTS', Name: 'Dots' }, 'Workspace'],
  ['Projects', { Workspace: '..', Key: 'DOTS', Name: 'Dots' }, 'Workspace'],
  ['Webhooks', { Workspace: 'acme-dev', RepositorySlug: '..', Url: 'https://hooks.example/x', Events: 'repo:push' }, 'RepositorySlug'],
])('POST %s with a body of %j: 400 naming %s, nothing sent', async (set, body, property) => {
  const response = await stack.request.post(`/odata/${set}`).set('Authorization', DEMO_BEARER).send(body);
  expect(response.status).toBe(400);
  expect(response.body.error.target).toBe(property);
  expect(response.body.error.message).toContain(`${property} cannot be "${(body as Record<string, string>)[property]}"`);
  expect(await writesSent()).toBe(0);
});

test('DELETE of a branch whose key is ".." is 404, nothing sent', async () => {
  const response = await stack.request.delete("/odata/Branches(Workspace='acme-dev',RepositorySlug='..',Name='main')").set('Authorization', DEMO_BEARER);
  expect(response.status).toBe(404);
  expect(await writesSent()).toBe(0);
});

test('an invalid body names each problem once, in one sentence per problem (no doubled full stop)', async () => {
  const response = await stack.request.post('/odata/Webhooks').set('Authorization', DEMO_BEARER).send({ Workspace: 'acme-dev', RepositorySlug: 'platform-api', Url: 'https://hooks.example/x', Events: ['repo:push'] });
  expect(response.status).toBe(400);
  expect(response.body.error.message).not.toMatch(/\.\./);
});
