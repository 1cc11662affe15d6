/**
 * Real Bitbucket answers `GET …/pullrequests/{id}/diffstat` with a 302 to the repository diffstat (official
 * description; sandbox quirk `pull-request-diffstat-redirect`, on in the realistic profile). The gateway follows it on
 * the configured upstream, so PullRequestDiffstat answers the same rows either way, one call more per pull request.
 */
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const ONE = "$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and PullRequestId eq 2&$count=true";

async function setQuirks(quirks: string[]): Promise<void> {
  await axios.put(`${stack.sandboxUrl}/_sandbox/quirks`, { quirks });
}

async function read(url: string) {
  await stack.clearUpstreamCalls();
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  return { status: response.status, body: response.body, text: response.text, calls: await stack.upstreamCalls() };
}

afterEach(() => setQuirks([]));

test('the sandbox redirects like Bitbucket with the quirk on, and serves the list at the target', async () => {
  await setQuirks(['pull-request-diffstat-redirect']);
  const response = await axios.get(`${stack.apiUrl}/repositories/acme-dev/platform-api/pullrequests/2/diffstat`, {
    headers: { Authorization: DEMO_BEARER },
    maxRedirects: 0,
    validateStatus: () => true,
  });
  expect(response.status).toBe(302);
  expect(response.headers.location).toMatch(/\/2\.0\/repositories\/acme-dev\/platform-api\/diffstat\/acme-dev\/platform-api:[0-9a-f]{12}%0D[0-9a-f]{12}\?from_pullrequest_id=2$/);
  const target = await axios.get(response.headers.location as string, { headers: { Authorization: DEMO_BEARER } });
  expect(target.data.values.length).toBeGreaterThan(0);
});

test('PullRequestDiffstat: the same rows and count through the redirect, one call more', async () => {
  const direct = await read(`/odata/PullRequestDiffstat?${ONE}`);
  expect(direct.status).toBe(200);
  await setQuirks(['pull-request-diffstat-redirect']);
  const redirected = await read(`/odata/PullRequestDiffstat?${ONE}`);
  expect(redirected.status).toBe(200);
  expect(redirected.body.value).toEqual(direct.body.value);
  expect(redirected.body['@odata.count']).toBe(direct.body['@odata.count']);
  const targetPath = (path: string) => path.includes('/diffstat/acme-dev/platform-api:');
  expect(redirected.calls.map((call) => call.path).filter((path) => !targetPath(path))).toEqual(direct.calls.map((call) => call.path));
  expect(redirected.calls.filter((call) => targetPath(call.path))).toHaveLength(1);
  // The pagelen and fields the gateway asked for reach the target although the redirect did not carry them.
  const target = redirected.calls.find((call) => call.path.includes('/diffstat/acme-dev/'));
  expect(target?.query.pagelen).toBeDefined();
  expect(target?.query.from_pullrequest_id).toBe('2');
});

test('over every pull request of a repository, with $count through the size probe', async () => {
  await setQuirks(['pull-request-diffstat-redirect']);
  const redirected = await read("/odata/PullRequestDiffstat/$count?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and PullRequestId le 5");
  await setQuirks([]);
  const direct = await read("/odata/PullRequestDiffstat/$count?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and PullRequestId le 5");
  expect(redirected.status).toBe(200);
  expect(Number(redirected.text)).toBeGreaterThan(0);
  expect(redirected.text).toBe(direct.text);
});
