/**
 * Pushdown tables: an OData URL → the exact upstream requests the sandbox recorded. Each row states what Bitbucket
 * was asked; the answers' correctness is the differential suite's job, but a few rows here also check the rows.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { matches, PUSHDOWN_CASES as cases, site } from './support/pushdown-cases';

let stack: Stack;
let ws: string;
let repo: string;

beforeAll(async () => {
  stack = await startStack();
  const repos = await stack.request.get(`/odata/Repositories?$filter=Workspace eq 'acme-dev'&$orderby=Slug&$select=Workspace,Slug`).set('Authorization', DEMO_BEARER);
  expect(repos.status).toBe(200);
  ws = repos.body.value[0].Workspace;
  repo = repos.body.value[0].Slug;
  Object.assign(site, { ws, repo });
});
afterAll(() => stack.close());

describe('pushdown: OData URL → upstream requests', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await stack.clearUpstreamCalls();
    const response = await stack.request.get(c.url()).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    const calls = await stack.upstreamCalls();
    const expected = c.calls();
    expect(calls).toHaveLength(expected.length);
    const left = [...calls];
    expected.forEach((e, i) => {
      const at = c.anyOrder ? left.findIndex((call) => matches(call, e)) : i;
      if (at < 0 || !matches(left[at], e)) throw new Error(`call ${i}: expected ${JSON.stringify(e)}\n got ${JSON.stringify(c.anyOrder ? calls : calls[i])}`);
      if (c.anyOrder) left.splice(at, 1);
    });
    expect(response.headers['x-upstream-requests']).toBe(String(expected.length));
    const answer = typeof c.answer === 'function' ? c.answer() : c.answer;
    if (typeof answer === 'string') expect(response.text).toBe(answer);
    else if (answer) expect(response.body).toMatchObject(answer);
  });

  test("contains(Title,'Fix') is re-checked here: only case-sensitive matches come back", async () => {
    const response = await stack.request
      .get(`/odata/PullRequests?$filter=Workspace eq '${ws}' and contains(Title,'Fix')&$select=Title`)
      .set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    for (const row of response.body.value) expect(row.Title).toContain('Fix');
    const lower = await stack.request
      .get(`/odata/PullRequests?$filter=Workspace eq '${ws}' and contains(tolower(Title),'fix') and not contains(Title,'Fix')&$select=Title`)
      .set('Authorization', DEMO_BEARER);
    expect(lower.status).toBe(200);
    // The case-insensitive `~` upstream returns these too; none of them may leak into the first answer.
    const first = new Set(response.body.value.map((r: { Title: string }) => r.Title));
    for (const row of lower.body.value) expect(first.has(row.Title)).toBe(false);
  });

  test('PullRequests with no filter fans out over workspaces and repositories, and $top stops early', async () => {
    await stack.clearUpstreamCalls();
    const response = await stack.request.get('/odata/PullRequests?$top=3').set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    expect(response.body.value).toHaveLength(3);
    const calls = await stack.upstreamCalls();
    const prCalls = calls.filter((c) => c.path.endsWith('/pullrequests'));
    expect(calls[0].path).toBe('/2.0/user/workspaces');
    // Key order (Workspace, RepositorySlug, Id) lets the repositories be read one after another.
    expect(prCalls.length).toBeLessThan(5);
  });
});
