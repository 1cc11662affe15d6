/**
 * The pushdown table's URLs against the Bitbucket that exists (`SANDBOX_PROFILE=realistic`, and no `size` anywhere):
 * the upstream calls may differ from the well-behaved case (a refused `q` conjunct is evaluated here, a count is read
 * instead of reported), but the answer must be the same, or a loud error: never a different 200.
 */
import { REALISTIC_QUIRKS } from '../../sandbox/options';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { PUSHDOWN_CASES, site } from './support/pushdown-cases';

let ideal: Stack;
let realistic: Stack;

beforeAll(async () => {
  ideal = await startStack();
  realistic = await startStack({ sandbox: { quirks: [...REALISTIC_QUIRKS, 'no-size-anywhere'] } });
  const repos = await ideal.request.get(`/odata/Repositories?$filter=Workspace eq 'acme-dev'&$orderby=Slug&$select=Workspace,Slug`).set('Authorization', DEMO_BEARER);
  Object.assign(site, { ws: repos.body.value[0].Workspace, repo: repos.body.value[0].Slug });
});
afterAll(async () => {
  await ideal.close();
  await realistic.close();
});

/** The answer without what legitimately differs between two gateways (their own links and tokens). */
function comparable(response: { status: number; body: unknown; text: string }): unknown {
  if (typeof response.body !== 'object' || response.body === null || Object.keys(response.body).length === 0) return { status: response.status, text: response.text };
  const body = { ...(response.body as Record<string, unknown>) };
  delete body['@odata.nextLink'];
  return { status: response.status, body };
}

test.each(PUSHDOWN_CASES.map((c) => [c.name, c] as const))('%s: the same answer on the realistic profile', async (_name, c) => {
  // One Host for both, so their own links (@odata.context) read the same.
  const expected = await ideal.request.get(c.url()).set('Authorization', DEMO_BEARER).set('Host', 'localhost');
  const actual = await realistic.request.get(c.url()).set('Authorization', DEMO_BEARER).set('Host', 'localhost');
  expect(expected.status).toBe(200);
  expect(comparable(actual)).toEqual(comparable(expected));
});
