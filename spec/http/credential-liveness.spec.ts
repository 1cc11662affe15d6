/**
 * Pages served from a paging snapshot call nothing upstream, so the gateway checks that the credential still works
 * (issue #11.6): the read that made the snapshot confirms it, a confirmation holds CREDENTIAL_RECHECK_SECONDS (60 s),
 * after that one `GET /2.0/user` re-checks it, and a credential Bitbucket refuses gets 401 and no rows. The token is
 * revoked in the sandbox (`/_sandbox/auth/revoke`); the gateway's clock is injected, nothing sleeps.
 */
import axios from 'axios';
import { DEMO_USER } from '../../sandbox/identities';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ now: () => clock.now });
});
afterEach(async () => {
  await axios.post(`${stack.sandboxUrl}/_sandbox/auth/reset`);
  // The gateway remembers Bitbucket's 401 to a presented credential for a minute (src/bitbucket/refused-credentials.ts);
  // the token revoked above is valid again from here.
  clock.now += 61_000;
});
afterAll(() => stack.close());

const URL = '/odata/PullRequests?$orderby=Title&$select=Workspace,RepositorySlug,Id,Title';
const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');

async function page(url: string) {
  await stack.clearUpstreamCalls();
  const response = await stack.request.get(local(url)).set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=40');
  const calls = (await stack.upstreamCalls()).map((call) => `${call.method} ${call.path} ${call.status}`);
  return { response, calls, next: response.body['@odata.nextLink'] as string | undefined };
}

describe('a walk served from a snapshot re-checks its credential', () => {
  test('a revoked token gets 401 and none of the rows on the next page', async () => {
    const first = await page(URL);
    expect(first.response.status).toBe(200);
    expect(first.next).toBeDefined();
    const revoked = await axios.post(`${stack.sandboxUrl}/_sandbox/auth/revoke`, { token: DEMO_USER.bearerToken });
    expect(revoked.data).toEqual(expect.objectContaining({ revoked: true }));
    clock.now += 61_000;
    const second = await page(first.next as string);
    expect(second.response.status).toBe(401);
    expect(second.response.body.error.code).toBe('Unauthorized');
    expect(second.response.body.value).toBeUndefined();
    expect(second.response.headers['www-authenticate']).toContain('Bearer');
    // One cheap call decided it: the credential check, refused.
    expect(second.calls).toEqual(['GET /2.0/user 401']);
  });

  test('within the recheck time no call is made; after it, one GET /user a minute for a live token', async () => {
    const first = await page(URL);
    clock.now += 30_000;
    const second = await page(first.next as string);
    expect([second.response.status, second.calls]).toEqual([200, []]);
    clock.now += 61_000;
    const third = await page(second.next as string);
    expect([third.response.status, third.calls]).toEqual([200, ['GET /2.0/user 200']]);
    clock.now += 1_000;
    const fourth = await page(third.next as string);
    expect([fourth.response.status, fourth.calls]).toEqual([200, []]);
  });
});
