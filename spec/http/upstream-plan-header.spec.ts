/**
 * `X-Explain: 1` → `X-Upstream-Plan` (src/http/upstream-plan-header.ts, src/plan/describe-plan.ts): the plan of each
 * query as JSON, stated against what the sandbox recorded; absent unless asked; ASCII only; never a credential.
 */
import type { PlanDescription } from '../../src/plan/describe-plan';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { DEMO_USER } from '../../sandbox/identities';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function explain(url: string): Promise<{ plans: PlanDescription[]; calls: Awaited<ReturnType<Stack['upstreamCalls']>>; status: number; raw: string }> {
  await stack.clearUpstreamCalls();
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER).set('X-Explain', '1');
  const raw = String(response.headers['x-upstream-plan'] ?? '');
  return { plans: raw ? (JSON.parse(raw) as PlanDescription[]) : [], calls: await stack.upstreamCalls(), status: response.status, raw };
}

describe('X-Upstream-Plan: OData URL → the plan the gateway reports, and the calls it made', () => {
  const cases: Array<{ name: string; url: string; plan: Partial<PlanDescription>; here: RegExp[]; path: string; query: Record<string, string> }> = [
    {
      name: 'one repository, an exact q, a pushed sort and fields',
      url: "/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and State eq 'OPEN'&$orderby=CreatedOn desc&$top=3&$select=Id,Title",
      plan: { entitySet: 'PullRequests', route: 'list', path: '/repositories/acme-dev/platform-api/pullrequests', fanOut: [], q: 'state = "OPEN"', qExact: true, sort: '-created_on' },
      here: [/^\$filter: checked again on every row/, /^\$orderby: Bitbucket sorts by -created_on/, /^\$top=3: counted here/, /^\$select: the columns Id, Title$/],
      path: '/2.0/repositories/acme-dev/platform-api/pullrequests',
      query: { q: 'state = "OPEN"', sort: '-created_on' },
    },
    {
      name: 'contains only narrows (BBQL ~ is case-insensitive): decided here',
      url: "/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and contains(Title,'Fix')",
      plan: { path: '/repositories/acme-dev/platform-api/pullrequests', q: 'title ~ "Fix"', qExact: false },
      here: [/^\$filter: decided here on every row/],
      path: '/2.0/repositories/acme-dev/platform-api/pullrequests',
      query: { q: 'title ~ "Fix"' },
    },
    {
      name: 'a key read goes to the single-entity route',
      url: "/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=7)",
      plan: { route: 'get', path: '/repositories/acme-dev/platform-api/pullrequests/7', fanOut: [] },
      here: [/^\$filter: checked again on every row/],
      path: '/2.0/repositories/acme-dev/platform-api/pullrequests/7',
      query: {},
    },
  ];

  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { plans, calls, status } = await explain(c.url);
    expect(status).toBe(200);
    const plan = plans.find((candidate) => candidate.entitySet === 'PullRequests') as PlanDescription;
    expect(plan).toMatchObject(c.plan);
    c.here.forEach((pattern, index) => expect(plan.evaluatedHere[index]).toMatch(pattern));
    // The plan says what the sandbox saw: the same path, q, sort and fields.
    const call = calls.find((candidate) => candidate.path === c.path);
    expect(call).toBeDefined();
    expect(call?.query).toMatchObject(c.query);
    if (plan.fields !== undefined) expect(call?.query.fields).toBe(plan.fields);
  });

  test('a fan-out names the open route parameters, and the listing of repositories it read has its own plan', async () => {
    const { plans, calls } = await explain("/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$top=1&$select=Id");
    const pullRequests = plans.find((plan) => plan.entitySet === 'PullRequests');
    expect(pullRequests).toMatchObject({ path: '/repositories/acme-dev/{repo_slug}/pullrequests', fixed: { workspace: ['acme-dev'] }, fanOut: ['repo_slug'] });
    expect(plans.find((plan) => plan.entitySet === 'Repositories')).toMatchObject({ path: '/repositories/acme-dev' });
    expect(calls.some((call) => call.path === '/2.0/repositories/acme-dev')).toBe(true);
  });

  test('without X-Explain: 1 there is no plan header', async () => {
    const response = await stack.request.get("/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=1").set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    expect(response.headers['x-upstream-plan']).toBeUndefined();
  });

  test('non-ASCII in the query is escaped as JSON \\u, and the header holds no credential', async () => {
    const { plans, raw, status } = await explain("/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and Title eq 'Übersetzung ''für'' 日本'");
    expect(status).toBe(200);
    expect(raw).toMatch(/^[\x20-\x7e]*$/);
    // Text equality goes to Bitbucket as `~` (a superset: BBQL compares case-insensitively) and is decided here.
    expect(plans[0]).toMatchObject({ q: 'title ~ "Übersetzung \'für\' 日本"', qExact: false });
    expect(raw).not.toContain(DEMO_USER.bearerToken);
  });
});
