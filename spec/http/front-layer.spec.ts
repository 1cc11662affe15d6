/**
 * What every request gets from the app's front layer (src/app.ts), which also refuses over-long URLs since it took the
 * length check in (issue #15: one layer, not three): a request id, X-Upstream-Requests, its request line and metrics,
 * and for a URL over MAX_URL_LENGTH the 414 UrlTooLong error, before any parsing. /metrics, mounted after /odata now,
 * still answers.
 */
import { MAX_URL_LENGTH } from '../../src/app';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

test('a URL over the limit is answered 414 UrlTooLong, with its request id, call count, log line and metric', async () => {
  stack.logLines.length = 0;
  const url = `/odata/Commits?$filter=Message%20eq%20%27${'x'.repeat(MAX_URL_LENGTH)}%27`;
  const answer = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  expect(answer.status).toBe(414);
  expect(answer.body.error.code).toBe('UrlTooLong');
  expect(answer.body.error.message).toBe(`The request URL is ${url.length} characters long; the limit is ${MAX_URL_LENGTH}.`);
  expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(answer.headers['x-upstream-requests']).toBe('0');
  const line = stack.logLines.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.message === 'request');
  expect(line).toMatchObject({ requestId: answer.headers['x-request-id'], status: 414, route: '/odata/Commits', upstreamRequests: 0 });
  const metrics = await stack.request.get('/metrics');
  expect(metrics.status).toBe(200);
  expect(metrics.text).toMatch(/bitbucket_odata_http_requests_total\{route="\/odata\/Commits",method="GET",status="414"\} 1/);
});

test('a URL at the limit passes the front layer', async () => {
  const prefix = '/odata/Workspaces?$filter=Slug%20eq%20%27';
  const url = `${prefix}${'x'.repeat(MAX_URL_LENGTH - prefix.length - 3)}%27`;
  const answer = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  expect(url.length).toBe(MAX_URL_LENGTH);
  expect(answer.status).not.toBe(414);
  expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
});
