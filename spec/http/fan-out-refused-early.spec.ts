/**
 * A fan-out is refused as soon as it is known to pass MAX_FAN_OUT (issue #16): CommitStatuses over every repository
 * lists commits per repository only until more than MAX_FAN_OUT are known, not every commit of every repository
 * (1,140 calls on the large seed before this). The parent lists are asked for no more values than still fit.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ config: { maxFanOut: 150 } });
});
afterAll(() => stack.close());

async function refused(url: string) {
  await stack.clearUpstreamCalls();
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  return { status: response.status, body: response.body as { error: { code: string; message: string } }, calls: await stack.upstreamCalls() };
}

test('CommitStatuses over every repository: 400 after listing just over MAX_FAN_OUT commits, no status read', async () => {
  const { status, body, calls } = await refused('/odata/CommitStatuses');
  expect(status).toBe(400);
  expect(body.error.code).toBe('FanOutTooWide');
  expect(body.error.message).toContain('more than 150 commits');
  expect(body.error.message).toMatch(/CommitHash/);
  const commitPages = calls.filter((call) => call.path.endsWith('/commits'));
  const listing = calls.filter((call) => !call.path.endsWith('/commits'));
  expect(calls.some((call) => call.path.endsWith('/statuses'))).toBe(false);
  // The workspaces and their repositories (one page each), then the commits of the first repositories only, until
  // 151 are known (at most FAN_OUT_CONCURRENCY more in flight): not one of the 25 repositories' every commit page.
  expect(listing.length).toBeLessThanOrEqual(3);
  const repositories = new Set(commitPages.map((call) => call.path));
  expect(repositories.size).toBeLessThan(25);
  expect(commitPages.length).toBeLessThanOrEqual(repositories.size + 2);
  // Each commit list asks for no more than still fits (plus one), never a whole history.
  expect(commitPages.every((call) => Number(call.query.pagelen) <= 100)).toBe(true);
});

test('within one repository too: refused after the pages that pass the limit', async () => {
  const { status, calls } = await refused("/odata/CommitStatuses?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'");
  expect(status).toBe(400);
  const commitPages = calls.filter((call) => call.path.endsWith('/commits'));
  expect(commitPages.length).toBe(2);
  expect(calls.some((call) => call.path.endsWith('/statuses'))).toBe(false);
});

test('a fan-out that fits is read whole as before', async () => {
  await stack.clearUpstreamCalls();
  const response = await stack.request.get("/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$count=true").set('Authorization', DEMO_BEARER);
  expect(response.status).toBe(200);
  expect(response.body['@odata.count']).toBeGreaterThan(0);
});
