/**
 * Keys are Bitbucket's canonical values. Bitbucket resolves `/repositories/{workspace}/{repo_slug}` case-insensitively
 * (the sandbox does too), but OData keys compare case-sensitively: `'PLATFORM-API'` names no repository. So a stream
 * fetched under another spelling is empty (rows, `$count` and `/$count` agree on 0) after at most one upstream call,
 * two spellings of one repository give each row once, by-key reads under another spelling are 404, and a 404 on a
 * list is "no rows" only when the parent the client named does not exist: any other 404 is a loud 502.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const ONE_REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";

async function get(url: string) {
  await stack.clearUpstreamCalls();
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  return { response, calls: await stack.upstreamCalls() };
}

describe('a spelling Bitbucket resolves but does not use names nothing', () => {
  test("RepositorySlug eq 'PLATFORM-API' with $count: no rows, count 0, one call", async () => {
    const { response, calls } = await get("/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'PLATFORM-API'&$count=true");
    expect(response.status).toBe(200);
    expect(response.body.value).toEqual([]);
    expect(response.body['@odata.count']).toBe(0);
    expect(calls).toHaveLength(1);
  });

  test("without a workspace, only the workspaces' repository lists are read besides the one page", async () => {
    const { response } = await get("/odata/PullRequests?$filter=RepositorySlug eq 'PLATFORM-API'&$count=true");
    expect(response.status).toBe(200);
    expect(response.body.value).toEqual([]);
    expect(response.body['@odata.count']).toBe(0);
  });

  test('/$count agrees: 0', async () => {
    const { response, calls } = await get("/odata/PullRequests/$count?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'PLATFORM-API'");
    expect(response.status).toBe(200);
    expect(response.text).toBe('0');
    expect(calls).toHaveLength(1);
  });

  test('commits under another spelling cost one call, not a walk of the whole history', async () => {
    const { response, calls } = await get("/odata/Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'PLATFORM-API'&$top=1");
    expect(response.status).toBe(200);
    expect(response.body.value).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  test('two spellings of one repository give each row once, under the canonical spelling', async () => {
    const both = await get("/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug in ('platform-api','Platform-API')&$count=true&$select=RepositorySlug,Id");
    const one = await get(`/odata/PullRequests?$filter=${ONE_REPO}&$count=true&$select=RepositorySlug,Id`);
    expect(both.response.status).toBe(200);
    expect(one.response.body.value.length).toBeGreaterThan(0);
    expect(both.response.body.value).toEqual(one.response.body.value);
    expect(both.response.body['@odata.count']).toBe(one.response.body['@odata.count']);
    expect(new Set(both.response.body.value.map((row: { RepositorySlug: string }) => row.RepositorySlug))).toEqual(new Set(['platform-api']));
  });

  test('webhooks carry the canonical keys; under another spelling there are none', async () => {
    const canonical = await get(`/odata/Webhooks?$filter=${ONE_REPO}&$select=Workspace,RepositorySlug,Uuid`);
    expect(canonical.response.status).toBe(200);
    expect(canonical.response.body.value.length).toBeGreaterThan(0);
    const other = await get("/odata/Webhooks?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'Platform-API'&$count=true");
    expect(other.response.status).toBe(200);
    expect(other.response.body.value).toEqual([]);
    expect(other.response.body['@odata.count']).toBe(0);
    const uuid: string = canonical.response.body.value[0].Uuid;
    const byKey = await get(`/odata/Webhooks(Workspace='acme-dev',RepositorySlug='PLATFORM-API',Uuid='${encodeURIComponent(uuid)}')`);
    expect(byKey.response.status).toBe(404);
  });

  test('comments under another spelling: none, and by key 404; the list alone tells (its items link to platform-api)', async () => {
    const prs = await get(`/odata/PullRequests?$filter=${ONE_REPO} and CommentCount gt 0&$top=1&$select=Id`);
    const id: number = prs.response.body.value[0].Id;
    const canonical = await get(`/odata/PullRequestComments?$filter=${ONE_REPO} and PullRequestId eq ${id}&$select=RepositorySlug,Id`);
    expect(canonical.response.status).toBe(200);
    expect(canonical.response.body.value.length).toBeGreaterThan(0);
    expect(canonical.response.body.value[0].RepositorySlug).toBe('platform-api');
    expect(canonical.calls.map((call) => call.path)).toEqual([`/2.0/repositories/acme-dev/platform-api/pullrequests/${id}/comments`]);
    const other = await get(`/odata/PullRequestComments?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'PLATFORM-API' and PullRequestId eq ${id}&$count=true`);
    expect(other.response.status).toBe(200);
    expect(other.response.body.value).toEqual([]);
    expect(other.response.body['@odata.count']).toBe(0);
    expect(other.calls).toHaveLength(1);
    expect(other.calls[0].path).toBe(`/2.0/repositories/acme-dev/PLATFORM-API/pullrequests/${id}/comments`);
    const commentId: number = canonical.response.body.value[0].Id;
    const byKey = await get(`/odata/PullRequestComments(Workspace='acme-dev',RepositorySlug='PLATFORM-API',PullRequestId=${id},Id=${commentId})`);
    expect(byKey.response.status).toBe(404);
    const navigation = await get(`/odata/PullRequests(Workspace='acme-dev',RepositorySlug='PLATFORM-API',Id=${id})/Comments`);
    expect(navigation.response.status).toBe(404);
  });

  test('pipeline steps, commit statuses, pull request commits: one call, their items state the spelling (full_name, pipeline UUID, full hash)', async () => {
    const uuid: string = (await get(`/odata/Pipelines?$filter=${ONE_REPO}&$top=1&$select=Uuid`)).response.body.value[0].Uuid;
    const hash: string = (await get(`/odata/Commits?$filter=${ONE_REPO}&$top=1&$select=Hash`)).response.body.value[0].Hash;
    const OTHER = "Workspace eq 'acme-dev' and RepositorySlug eq 'PLATFORM-API'";
    // A short hash is no spelling of the full one the statuses state: the commit is read to tell (2 calls).
    const cases: Array<[string, boolean, number]> = [
      [`PipelineSteps?$filter=${ONE_REPO} and PipelineUuid eq '${uuid}'`, true, 1],
      [`PipelineSteps?$filter=${OTHER} and PipelineUuid eq '${uuid}'`, false, 1],
      [`PipelineSteps?$filter=${ONE_REPO} and PipelineUuid eq '${uuid.toUpperCase()}'`, false, 1],
      [`CommitStatuses?$filter=${ONE_REPO} and CommitHash eq '${hash}'`, true, 1],
      [`CommitStatuses?$filter=${OTHER} and CommitHash eq '${hash}'`, false, 1],
      [`CommitStatuses?$filter=${ONE_REPO} and CommitHash eq '${hash.slice(0, 12)}'`, false, 2],
      [`PullRequestCommits?$filter=${ONE_REPO} and PullRequestId eq 2`, true, 1],
      [`PullRequestCommits?$filter=${OTHER} and PullRequestId eq 2`, false, 1],
    ];
    for (const [url, some, cost] of cases) {
      const { response, calls } = await get(`/odata/${url}&$count=true`);
      expect([url, response.status, calls.length]).toEqual([url, 200, cost]);
      expect(response.body['@odata.count']).toBe(response.body.value.length);
      expect([url, response.body.value.length > 0]).toEqual([url, some]);
    }
  });

  test('by key under another spelling: 404 (repository, pull request)', async () => {
    expect((await get("/odata/Repositories(Workspace='acme-dev',Slug='PLATFORM-API')")).response.status).toBe(404);
    expect((await get("/odata/PullRequests(Workspace='acme-dev',RepositorySlug='PLATFORM-API',Id=1)")).response.status).toBe(404);
    expect((await get("/odata/Repositories(Workspace='acme-dev',Slug='platform-api')")).response.status).toBe(200);
  });
});

describe('navigation under a parent that does not exist is 404, $count included', () => {
  test.each([
    "/odata/Repositories(Workspace='acme-dev',Slug='nope')/PullRequests/$count",
    "/odata/Repositories(Workspace='acme-dev',Slug='PLATFORM-API')/PullRequests/$count",
    "/odata/Repositories(Workspace='acme-dev',Slug='nope')/PullRequests",
    "/odata/Repositories(Workspace='acme-dev',Slug='nope')/Commits/$count",
  ])('%s', async (url) => {
    const { response } = await get(url);
    expect(response.status).toBe(404);
  });

  test('the parent costs nothing when the count is above 0 (its rows carry its exact key), one read when it is 0', async () => {
    const some = await get("/odata/Repositories(Workspace='acme-dev',Slug='platform-api')/PullRequests/$count");
    expect(some.response.status).toBe(200);
    expect(Number(some.response.text)).toBeGreaterThan(0);
    expect(some.calls.map((call) => call.path)).toEqual(['/2.0/repositories/acme-dev/platform-api/pullrequests']);
    const none = await get("/odata/Repositories(Workspace='acme-dev',Slug='platform-api')/PullRequests/$count?$filter=State eq 'NONE'");
    expect(none.response.status).toBe(200);
    expect(none.response.text).toBe('0');
    expect(none.calls.map((call) => call.path)).toEqual(['/2.0/repositories/acme-dev/platform-api/pullrequests', '/2.0/repositories/acme-dev/platform-api']);
  });
});

describe('a 404 is "no rows" only for a missing parent the client named', () => {
  test('a repository that does not exist: no rows, 200', async () => {
    const { response } = await get("/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'nope'&$count=true");
    expect(response.status).toBe(200);
    expect(response.body.value).toEqual([]);
    expect(response.body['@odata.count']).toBe(0);
  });

  test('a missing entity under an existing parent: 404', async () => {
    const { response } = await get("/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=99999)");
    expect(response.status).toBe(404);
  });
});

describe('a base URL that is not the API (no /2.0): every set is a 502 naming the URL, never an empty 200', () => {
  let wrong: Stack;
  beforeAll(async () => {
    // The outer stack's sandbox, addressed without `/2.0`.
    wrong = await startStack({ env: { BITBUCKET_API_URL: stack.sandboxUrl } });
  });
  afterAll(() => wrong.close());

  test.each([
    '/odata/Workspaces',
    '/odata/Repositories',
    "/odata/Repositories?$filter=Workspace eq 'acme-dev'",
    "/odata/Repositories(Workspace='acme-dev',Slug='platform-api')",
    "/odata/Repositories(Workspace='acme-dev',Slug='platform-api')/PullRequests",
    "/odata/Repositories(Workspace='acme-dev',Slug='platform-api')/PullRequests/$count",
    '/odata/PullRequests?$top=5',
    `/odata/PullRequests?$filter=${ONE_REPO}&$count=true`,
    `/odata/PullRequests/$count?$filter=${ONE_REPO}`,
    "/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=1)",
    `/odata/Commits?$filter=${ONE_REPO}&$top=1`,
    `/odata/Webhooks?$filter=${ONE_REPO}`,
    `/odata/PullRequestComments?$filter=${ONE_REPO} and PullRequestId eq 1`,
    "/odata/Projects?$filter=Workspace eq 'acme-dev'",
    "/odata/WorkspaceMembers?$filter=Workspace eq 'acme-dev'",
    '/odata/Me',
  ])('%s', async (url) => {
    const response = await wrong.request.get(url).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(502);
    expect(response.body.error.message).toContain(stack.sandboxUrl);
    expect(response.body.error.message).toContain('BITBUCKET_API_URL');
  });
});
