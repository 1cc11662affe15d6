/**
 * A bound action answers only POST (OData 4.01 Protocol §11.5.4.1, "Invoking an Action": "To invoke an action bound
 * to a resource, the client issues a POST request"; https://docs.oasis-open.org/odata/odata/v4.01/odata-v4.01-part1-protocol.html).
 * Any other method is 405 with `Allow: POST` (RFC 9110 §15.5.6), from the catalog's MethodNotAllowed, before any
 * Bitbucket call.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

const PR = "/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=7)";
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

test.each(['get', 'head'] as const)('%s on an action is 405 with Allow: POST and calls nothing upstream', async (method) => {
  await stack.clearUpstreamCalls();
  const response = await stack.request[method](`${PR}/Bitbucket.Approve`).set('Authorization', DEMO_BEARER);
  expect(response.status).toBe(405);
  expect(response.headers.allow).toBe('POST');
  if (method === 'get') {
    expect(response.body.error.code).toBe('MethodNotAllowed');
    expect(response.body.error.message).toMatch(/^GET is not allowed on PullRequests\/Bitbucket\.Approve: .*POST/);
  }
  expect(await stack.upstreamCalls()).toEqual([]);
});
