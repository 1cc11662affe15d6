/**
 * Pushdown tables: an OData URL → the exact upstream requests the sandbox recorded. Each row states what Bitbucket
 * was asked; the answers' correctness is the differential suite's job, but a few rows here also check the rows.
 */
import { DEMO_BEARER, startStack, type Stack, type UpstreamCall } from '../helpers/stack';

let stack: Stack;
let ws: string;
let repo: string;

beforeAll(async () => {
  stack = await startStack();
  const repos = await stack.request.get(`/odata/Repositories?$filter=Workspace eq 'acme-dev'&$orderby=Slug&$select=Workspace,Slug`).set('Authorization', DEMO_BEARER);
  expect(repos.status).toBe(200);
  ws = repos.body.value[0].Workspace;
  repo = repos.body.value[0].Slug;
});
afterAll(() => stack.close());

const ALL_STATES = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'];

interface Case {
  name: string;
  url: () => string;
  /** The upstream calls, in order: path and the query parameters that matter (others may be present). */
  calls: () => Array<{ path: string; query?: Record<string, string | string[] | undefined> }>;
}

const cases: Case[] = [
  {
    name: 'PullRequests of one repository with $top=5 costs one call with pagelen=5, ordered by id',
    url: () => `/odata/PullRequests?$filter=Workspace eq '${ws}' and RepositorySlug eq '${repo}'&$top=5`,
    calls: () => [{ path: `/2.0/repositories/${ws}/${repo}/pullrequests`, query: { pagelen: '5', sort: 'id', state: ALL_STATES, q: undefined } }],
  },
  {
    name: "State eq 'OPEN' travels as q=state=\"OPEN\" through navigation",
    url: () => `/odata/Repositories(Workspace='${ws}',Slug='${repo}')/PullRequests?$filter=State eq 'OPEN'&$top=5`,
    calls: () => [{ path: `/2.0/repositories/${ws}/${repo}/pullrequests`, query: { q: 'state = "OPEN"', pagelen: '5' } }],
  },
  {
    name: "contains(Title,'Fix') travels as title ~ \"Fix\" (superset, re-checked here, so no exact pagelen)",
    url: () => `/odata/Repositories(Workspace='${ws}',Slug='${repo}')/PullRequests?$filter=contains(Title,'Fix')&$top=5`,
    calls: () => [{ path: `/2.0/repositories/${ws}/${repo}/pullrequests`, query: { q: 'title ~ "Fix"', pagelen: '50' } }],
  },
  {
    name: 'a datetime comparison goes up with an explicit offset',
    url: () => `/odata/PullRequests?$filter=Workspace eq '${ws}' and RepositorySlug eq '${repo}' and CreatedOn ge 2024-01-01T00:00:00Z&$top=2`,
    calls: () => [{ path: `/2.0/repositories/${ws}/${repo}/pullrequests`, query: { q: 'created_on >= 2024-01-01T00:00:00+00:00', pagelen: '2' } }],
  },
  {
    name: 'a pull request by key is one GET of that pull request',
    url: () => `/odata/PullRequests(Workspace='${ws}',RepositorySlug='${repo}',Id=1)`,
    calls: () => [{ path: `/2.0/repositories/${ws}/${repo}/pullrequests/1` }],
  },
  {
    name: '/$count of an exact filter reads Bitbucket\'s size with pagelen=1',
    url: () => `/odata/PullRequests/$count?$filter=Workspace eq '${ws}' and RepositorySlug eq '${repo}' and State eq 'MERGED'`,
    calls: () => [{ path: `/2.0/repositories/${ws}/${repo}/pullrequests`, query: { pagelen: '1', q: 'state = "MERGED"' } }],
  },
  {
    name: '$orderby CreatedOn desc becomes sort=-created_on',
    url: () => `/odata/PullRequests?$filter=Workspace eq '${ws}' and RepositorySlug eq '${repo}'&$orderby=CreatedOn desc&$top=3`,
    calls: () => [{ path: `/2.0/repositories/${ws}/${repo}/pullrequests`, query: { sort: '-created_on', pagelen: '4' } }],
  },
  {
    name: 'Pipelines ignore q upstream, so their filter never goes up',
    url: () => `/odata/Pipelines?$filter=Workspace eq '${ws}' and RepositorySlug eq '${repo}' and State eq 'COMPLETED'`,
    calls: () => [{ path: `/2.0/repositories/${ws}/${repo}/pipelines`, query: { q: undefined, pagelen: '100' } }],
  },
  {
    name: 'Workspace eq fixes the path of the repository list; IsPrivate goes into q',
    url: () => `/odata/Repositories?$filter=Workspace eq '${ws}' and IsPrivate eq false`,
    calls: () => [{ path: `/2.0/repositories/${ws}`, query: { q: 'is_private = false', pagelen: '100' } }],
  },
  {
    name: "an apostrophe and a quote are escaped in q ('a''b\"c' → \"a'b\\\"c\")",
    url: () => `/odata/Repositories?$filter=Workspace eq '${ws}' and contains(Name,'a''b"c')`,
    calls: () => [{ path: `/2.0/repositories/${ws}`, query: { q: 'name ~ "a\'b\\"c"' } }],
  },
];

function matches(call: UpstreamCall, expected: { path: string; query?: Record<string, string | string[] | undefined> }): boolean {
  if (call.path !== expected.path) return false;
  return Object.entries(expected.query ?? {}).every(([key, value]) => {
    const actual = call.query[key];
    if (value === undefined) return actual === undefined;
    return JSON.stringify(Array.isArray(value) ? value : [value]) === JSON.stringify(Array.isArray(actual) ? actual : actual === undefined ? [] : [actual]);
  });
}

describe('pushdown: OData URL → upstream requests', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await stack.clearUpstreamCalls();
    const response = await stack.request.get(c.url()).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    const calls = await stack.upstreamCalls();
    const expected = c.calls();
    expect(calls).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      if (!matches(calls[i], e)) throw new Error(`call ${i}: expected ${JSON.stringify(e)}\n got ${JSON.stringify(calls[i])}`);
    });
    expect(response.headers['x-upstream-requests']).toBe(String(expected.length));
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
