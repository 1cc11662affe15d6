/**
 * `$expand` end to end, over the sandbox: an expansion answers what the navigation path or the by-key read of the
 * target answers, with the nested options applied, at the upstream cost promised (one read per distinct related
 * entity for a single-valued navigation), within MAX_EXPAND_ROWS, and refuses what it does not offer.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

const MAX_EXPAND_ROWS = 3;

let stack: Stack;
let ws: string;
let repo: string;

function get(url: string, accept?: string) {
  const request = stack.request.get(url).set('Authorization', DEMO_BEARER);
  return accept ? request.set('Accept', accept) : request;
}

type Row = Record<string, unknown>;

/** The body's rows without control information, for comparing an expansion with the direct answer. */
function data(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([name]) => !name.includes('@')));
}

beforeAll(async () => {
  stack = await startStack({ env: { MAX_EXPAND_ROWS: String(MAX_EXPAND_ROWS) } });
  // The repository with the most pull requests, so collection expansions have something to cut.
  const repos = await get(`/odata/Repositories?$filter=Workspace eq 'acme-dev'&$orderby=Slug&$select=Workspace,Slug`);
  expect(repos.status).toBe(200);
  let best = -1;
  for (const candidate of repos.body.value as Row[]) {
    const count = await get(`/odata/Repositories(Workspace='${candidate.Workspace}',Slug='${candidate.Slug}')/PullRequests/$count`);
    if (Number(count.text) > best) {
      best = Number(count.text);
      ws = String(candidate.Workspace);
      repo = String(candidate.Slug);
    }
  }
  expect(best).toBeGreaterThan(MAX_EXPAND_ROWS);
});
afterAll(() => stack.close());

describe('single-valued: PullRequests?$expand=Repository', () => {
  test('each expanded Repository equals the by-key read of that repository', async () => {
    const response = await get(`/odata/PullRequests?$filter=Workspace eq '${ws}'&$top=20&$expand=Repository`);
    expect(response.status).toBe(200);
    const rows = response.body.value as Row[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const direct = await get(`/odata/Repositories(Workspace='${row.Workspace}',Slug='${row.RepositorySlug}')`);
      expect(data(row.Repository as Row)).toEqual(data(direct.body));
      expect((row.Repository as Row)['@odata.etag']).toBe(direct.headers.etag);
    }
  });

  test('a page of 20 pull requests read by fan-out takes each repository from the fan-out: no by-key read (issue #15)', async () => {
    const url = `/odata/PullRequests?$filter=Workspace eq '${ws}'&$top=20&$select=Id,RepositorySlug&$expand=Repository($select=Name)`;
    const plain = await get(url.replace(/&\$expand=.*$/, ''));
    await stack.clearUpstreamCalls();
    const response = await get(url);
    expect(response.status).toBe(200);
    const rows = response.body.value as Row[];
    expect(rows).toHaveLength(20);
    const calls = await stack.upstreamCalls();
    expect(calls.filter((call) => /^\/2\.0\/repositories\/[^/]+\/[^/]+$/.test(call.path))).toEqual([]);
    expect(response.headers['x-upstream-requests']).toBe(plain.headers['x-upstream-requests']);
    for (const row of rows) expect(Object.keys(row.Repository as Row)).toEqual(['Name']);
  });

  test('a page of pull requests of named repositories (no fan-out) reads each distinct repository once, not once per row', async () => {
    const first = (await get(`/odata/PullRequests?$filter=Workspace eq '${ws}'&$top=20&$select=Id,RepositorySlug`)).body.value as Row[];
    const slugs = [...new Set(first.map((row) => row.RepositorySlug))];
    expect(slugs.length).toBeGreaterThan(1);
    const url = `/odata/PullRequests?$filter=Workspace eq '${ws}' and RepositorySlug in (${slugs.map((slug) => `'${slug}'`).join(',')})&$top=20&$select=Id,RepositorySlug&$expand=Repository($select=Name)`;
    const plain = await get(url.replace(/&\$expand=.*$/, ''));
    await stack.clearUpstreamCalls();
    const response = await get(url);
    expect(response.status).toBe(200);
    const rows = response.body.value as Row[];
    expect(rows).toHaveLength(20);
    const distinct = new Set(rows.map((row) => row.RepositorySlug));
    expect(distinct.size).toBeLessThan(rows.length);
    const calls = await stack.upstreamCalls();
    const repositoryReads = calls.filter((call) => /^\/2\.0\/repositories\/[^/]+\/[^/]+$/.test(call.path));
    expect(repositoryReads.map((call) => call.path).sort()).toEqual([...distinct].map((slug) => `/2.0/repositories/${ws}/${slug}`).sort());
    expect(Number(response.headers['x-upstream-requests'])).toBe(Number(plain.headers['x-upstream-requests']) + distinct.size);
    for (const row of rows) expect(Object.keys(row.Repository as Row)).toEqual(['Name']);
  });

  test('on a single entity by key, with the parent $select', async () => {
    const response = await get(`/odata/PullRequests(Workspace='${ws}',RepositorySlug='${repo}',Id=1)?$select=Id,Title&$expand=Repository($select=Name,Slug)`);
    expect(response.status).toBe(200);
    const direct = await get(`/odata/Repositories(Workspace='${ws}',Slug='${repo}')?$select=Name,Slug`);
    expect(response.body).toEqual({
      '@odata.context': expect.stringMatching(/\/odata\/\$metadata#PullRequests\(Id,Title,Repository\(Name,Slug\)\)\/\$entity$/),
      Id: 1,
      Title: expect.any(String),
      Repository: data(direct.body),
    });
  });

  test('a navigation property in $select as well as in $expand is written once, by the expansion', async () => {
    const response = await get(`/odata/PullRequests?$filter=Workspace eq '${ws}'&$top=2&$select=Id,Repository&$expand=Repository($select=Name)`);
    expect(response.status).toBe(200);
    expect(response.body['@odata.context']).toMatch(/#PullRequests\(Id,Repository\(Name\)\)$/);
    for (const row of response.body.value as Row[]) expect(Object.keys(row)).toEqual(['Id', 'Repository']);
  });
});

describe('collection-valued: Repositories?$expand=PullRequests(…)', () => {
  const nestedCases: Array<[string, string]> = [
    ['with a nested $top', '$top=2'],
    ['with a nested $filter, $orderby and $top', "$filter=State eq 'MERGED' or State eq 'OPEN';$orderby=CreatedOn desc;$top=3"],
    ['with $skip and $select', '$orderby=Id;$skip=1;$top=2;$select=Id,Title'],
  ];
  test.each(nestedCases)('%s: each parent holds the navigation path’s answer, same rows, same order', async (_name, nested) => {
    const response = await get(`/odata/Repositories?$filter=Workspace eq '${ws}'&$orderby=Slug&$top=3&$expand=PullRequests(${nested})`);
    expect(response.status).toBe(200);
    const parents = response.body.value as Row[];
    expect(parents.length).toBeGreaterThan(0);
    for (const parent of parents) {
      const direct = await get(`/odata/Repositories(Workspace='${parent.Workspace}',Slug='${parent.Slug}')/PullRequests?${nested.replace(/;/g, '&')}`);
      expect(direct.status).toBe(200);
      expect((parent.PullRequests as Row[]).map(data)).toEqual((direct.body.value as Row[]).map(data));
    }
  });

  test('nested $count=true writes PullRequests@odata.count before the array, the count of the whole related set', async () => {
    const response = await get(`/odata/Repositories(Workspace='${ws}',Slug='${repo}')?$expand=PullRequests($count=true;$top=1)`);
    expect(response.status).toBe(200);
    const count = await get(`/odata/Repositories(Workspace='${ws}',Slug='${repo}')/PullRequests/$count`);
    expect(response.body['PullRequests@odata.count']).toBe(Number(count.text));
    expect(response.body.PullRequests).toHaveLength(1);
    const keys = Object.keys(response.body);
    expect(keys.indexOf('PullRequests@odata.count')).toBe(keys.indexOf('PullRequests') - 1);
  });

  test(`more than MAX_EXPAND_ROWS (${MAX_EXPAND_ROWS}) related rows without a nested $top is a 400 asking for one`, async () => {
    const response = await get(`/odata/Repositories(Workspace='${ws}',Slug='${repo}')?$expand=PullRequests`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('ExpandTooLarge');
    expect(response.body.error.message).toContain(`$expand=PullRequests($top=${MAX_EXPAND_ROWS})`);
    const within = await get(`/odata/Repositories(Workspace='${ws}',Slug='${repo}')?$expand=PullRequests($top=${MAX_EXPAND_ROWS})`);
    expect(within.status).toBe(200);
    expect(within.body.PullRequests).toHaveLength(MAX_EXPAND_ROWS);
  });
});

describe('control information and context URL', () => {
  test('full metadata: context URL, navigation link and the related entity’s own control information', async () => {
    const response = await get(`/odata/PullRequests?$filter=Workspace eq '${ws}' and RepositorySlug eq '${repo}'&$top=1&$select=Id&$expand=Repository`, 'application/json;odata.metadata=full');
    expect(response.status).toBe(200);
    expect(response.body['@odata.context']).toMatch(/\/odata\/\$metadata#PullRequests\(Id,Repository\(\*\)\)$/);
    const [row] = response.body.value as Row[];
    expect(row['Repository@odata.navigationLink']).toBe(`${row['@odata.id']}/Repository`);
    const related = row.Repository as Row;
    expect(related['@odata.type']).toBe('#Bitbucket.Repository');
    expect(related['@odata.id']).toMatch(new RegExp(`/odata/Repositories\\(Workspace='${ws}',Slug='${repo}'\\)$`));
    expect(related['@odata.context']).toBeUndefined();
  });

  test('minimal metadata: the related entities carry no context URL; the collection context names the nested select', async () => {
    const response = await get(`/odata/Repositories?$filter=Workspace eq '${ws}'&$top=1&$expand=PullRequests($select=Id;$top=1)`);
    expect(response.status).toBe(200);
    expect(response.body['@odata.context']).toMatch(/#Repositories\(PullRequests\(Id\)\)$/);
    expect(response.body.value[0].PullRequests).toEqual([{ Id: expect.any(Number) }]);
  });
});

describe('refusals', () => {
  const cases: Array<[string, string, number, string, string]> = [
    ['an unknown navigation property, naming the valid ones', '/odata/PullRequests?$expand=Author', 400, 'UnknownNavigationProperty', "'Author' is not a navigation property of PullRequest, so it cannot be expanded. Navigation properties: Repository, Comments, Participants, Activity, Commits, Diffstat."],
    ['a nested $expand', `/odata/Repositories?$expand=PullRequests($expand=Comments)`, 501, 'NotImplemented', 'A nested $expand'],
    ['$expand=*', '/odata/Repositories?$expand=*', 501, 'NotImplemented', 'Name the navigation properties'],
    ['$levels', '/odata/Repositories?$expand=PullRequests($levels=2)', 501, 'NotImplemented', '$levels'],
    ['/$ref', '/odata/Repositories?$expand=PullRequests/$ref', 501, 'NotImplemented', '/$ref'],
    ['a nested $search', '/odata/Repositories?$expand=PullRequests($search=fix)', 501, 'NotImplemented', 'contains()'],
    ['a collection option inside a single-valued navigation', '/odata/PullRequests?$expand=Repository($top=1)', 400, 'InvalidExpand', 'Repository is a single entity'],
    ['an unknown property in a nested $select', '/odata/PullRequests?$expand=Repository($select=Nope)', 400, 'UnknownProperty', "'Nope' does not exist on Repository"],
    ['$expand on /$count', '/odata/PullRequests/$count?$expand=Repository', 400, 'InvalidQueryOption', '$expand'],
  ];
  test.each(cases)('%s', async (_name, url, status, code, fragment) => {
    const response = await get(url);
    expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
    expect(response.body.error.message).toContain(fragment);
  });
});
