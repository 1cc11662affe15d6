/**
 * Cross-site writes with an ambient credential: in service mode (what `npm run demo` runs) a request needs no
 * credential of its own, so a foreign page's body-less form POST (a CORS-safelisted request, no preflight) would merge
 * or decline pull requests unless browsers' own provenance headers are checked. Tools that are not browsers send
 * neither `Origin` nor `Sec-Fetch-Site` and keep working.
 */
import { WORKSPACE_ACCESS_TOKEN } from '../../sandbox/identities';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { SERVICE_MODE: 'access_token', SERVICE_ACCESS_TOKEN: WORKSPACE_ACCESS_TOKEN.token } });
});
afterAll(() => stack.close());
beforeEach(() => stack.clearUpstreamCalls());

const PR = "/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=7)";

async function writesSent(): Promise<number> {
  return (await stack.upstreamCalls()).filter((call) => call.method !== 'GET').length;
}

describe('service mode refuses state changes a foreign page could trigger', () => {
  test.each([
    ['a body-less form POST from another origin', { Origin: 'https://evil.example' }],
    ['a form POST with a form body from another origin', { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['a POST from an opaque origin (sandboxed frame)', { Origin: 'null' }],
    ['Fetch Metadata says cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Fetch Metadata says same-site (another subdomain is another origin)', { 'Sec-Fetch-Site': 'same-site' }],
  ])('%s: 403, nothing sent to Bitbucket', async (_name, headers) => {
    const response = await stack.request.post(`${PR}/Bitbucket.Decline`).set(headers);
    expect(response.status).toBe(403);
    expect(response.body.error.message).toMatch(/cross-site request cannot change data/);
    expect(await writesSent()).toBe(0);
  });

  test('DELETE and PATCH are covered too', async () => {
    const del = await stack.request.delete("/odata/Branches(Workspace='acme-dev',RepositorySlug='platform-api',Name='main')").set('Sec-Fetch-Site', 'cross-site');
    const patch = await stack.request.patch(PR).set('Origin', 'https://evil.example').set('Content-Type', 'application/json').send({ Title: 'x' });
    expect([del.status, patch.status]).toEqual([403, 403]);
    expect(await writesSent()).toBe(0);
  });

  test('reads stay open to any page (they change nothing; the browser keeps the answer from a foreign page without CORS)', async () => {
    const response = await stack.request.get(PR).set('Origin', 'https://evil.example').set('Sec-Fetch-Site', 'cross-site');
    expect(response.status).toBe(200);
  });

  test("the gateway's own pages and tools that are not browsers may write", async () => {
    const ownOrigin = await stack.request.post(`${PR}/Bitbucket.Approve`).set('Sec-Fetch-Site', 'same-origin');
    expect(ownOrigin.status).toBe(200);
    const curlLike = await stack.request.post(`${PR}/Bitbucket.Unapprove`);
    expect(curlLike.status).toBe(200);
    expect(await writesSent()).toBe(2);
  });

  test('an explicit Authorization header is not ambient: the caller sent it, so no provenance check applies', async () => {
    const response = await stack.request
      .post(`${PR}/Bitbucket.Approve`)
      .set('Origin', 'https://elsewhere.example')
      .set('Authorization', `Bearer ${WORKSPACE_ACCESS_TOKEN.token}`);
    expect(response.status).not.toBe(403);
    await stack.request.post(`${PR}/Bitbucket.Unapprove`).set('Authorization', `Bearer ${WORKSPACE_ACCESS_TOKEN.token}`);
  });
});
