/**
 * Protocol version negotiation through HTTP (OData 4.01 Part 1 §8.1.5 `OData-Version`, §8.2.7 `OData-MaxVersion`;
 * Part 2 §5.1 system query option names): a 4.0 client (Power Query's headers, or none at all) sees exactly what it
 * always saw; a client that allows 4.01 is answered in 4.01, with 4.01's query option names.
 */
import { DEMO_USER } from '../../sandbox/identities';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;

/** What Power Query's `OData.Feed` sends (see spec/clients/power-query-replay.spec.ts for the source). */
const POWER_QUERY_HEADERS: Record<string, string> = {
  Accept:
    'application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7',
  'OData-MaxVersion': '4.0',
  MaxDataServiceVersion: '3.0',
  'User-Agent': 'Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)',
  Authorization: `Basic ${Buffer.from(`${DEMO_USER.email}:${DEMO_USER.apiToken}`).toString('base64')}`,
};

const V401 = { 'OData-MaxVersion': '4.01' };

function get(url: string, headers: Record<string, string> = {}) {
  const request = stack.request.get(url).set('Authorization', DEMO_BEARER);
  for (const [name, value] of Object.entries(headers)) request.set(name, value);
  return request;
}

/** The raw OData-Version header lines of a response: exactly one is what Power Query accepts (PQ-02). */
function versionHeader(response: { headers: Record<string, unknown> }): unknown {
  return response.headers['odata-version'];
}

const REPOS = `/odata/Repositories?$filter=Workspace eq 'acme-dev'&$orderby=Slug`;
let allRepos: string[];

beforeAll(async () => {
  stack = await startStack();
  const response = await get(`${REPOS}&$select=Slug`);
  allRepos = response.body.value.map((row: { Slug: string }) => row.Slug);
});
afterAll(() => stack.close());

describe('a 4.0 client sees no change', () => {
  test('Power Query headers: OData-Version 4.0, $top applies, top without $ is a custom option and ignored', async () => {
    expect(allRepos.length).toBeGreaterThan(2);
    const response = await get(`${REPOS}&$select=Slug&$top=2&top=1&filter=Slug eq 'nothing'`, POWER_QUERY_HEADERS);
    expect(response.status).toBe(200);
    expect(versionHeader(response)).toBe('4.0');
    expect(response.body.value.map((row: { Slug: string }) => row.Slug)).toEqual(allRepos.slice(0, 2));
  });

  test('without any version header the answer is the same 4.0 answer, body for body', async () => {
    const url = `${REPOS}&top=1&$count=true`;
    const plain = await get(url);
    const pq = await get(url, POWER_QUERY_HEADERS);
    expect(versionHeader(plain)).toBe('4.0');
    expect(versionHeader(pq)).toBe('4.0');
    expect(plain.body.value).toHaveLength(allRepos.length);
    // Each supertest request has its own port; the context URLs agree apart from it.
    const withoutPort = (body: Record<string, unknown>) => JSON.parse(JSON.stringify(body).replace(/127\.0\.0\.1:\d+/g, 'host'));
    expect(withoutPort(pq.body)).toEqual(withoutPort(plain.body));
  });

  test('$-prefixed names stay case-insensitive for 4.0 clients, as they always were', async () => {
    const response = await get(`${REPOS}&$TOP=1`, POWER_QUERY_HEADERS);
    expect(response.status).toBe(200);
    expect(response.body.value).toHaveLength(1);
  });

  test('$metadata for 4.0 says Version="4.0" and is the same document with or without headers', async () => {
    const plain = await get('/odata/$metadata');
    const pq = await get('/odata/$metadata', POWER_QUERY_HEADERS);
    expect(versionHeader(pq)).toBe('4.0');
    expect(pq.text).toBe(plain.text);
    expect(plain.text).toContain('<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">');
  });

  test('a 4.0 client following a nextLink keeps 4.0 semantics and gets 4.0', async () => {
    const first = await get(`${REPOS}&$select=Slug&top=1`, { ...POWER_QUERY_HEADERS, Prefer: 'odata.maxpagesize=2' });
    expect(first.body['@odata.nextLink']).toContain('top=1');
    expect(first.body['@odata.nextLink']).not.toContain('$top=1');
    const next = await get(new URL(first.body['@odata.nextLink']).pathname + new URL(first.body['@odata.nextLink']).search, POWER_QUERY_HEADERS);
    expect(next.status).toBe(200);
    expect(versionHeader(next)).toBe('4.0');
    expect(next.body.value.map((row: { Slug: string }) => row.Slug)).toEqual(allRepos.slice(2, 4));
  });
});

describe('a client that allows 4.01 is answered in 4.01', () => {
  test.each([
    ['4.01', '4.01'],
    ['4.02', '4.01'],
    ['5.0', '4.01'],
    ['4.0', '4.0'],
    [' 4.01 ', '4.01'],
  ])('OData-MaxVersion: %s answers OData-Version %s', async (max, answered) => {
    const response = await get('/odata/', { 'OData-MaxVersion': max });
    expect(response.status).toBe(200);
    expect(versionHeader(response)).toBe(answered);
  });

  test.each([
    ['top=2'],
    ['TOP=2'],
    ['$Top=2'],
    ['%24top=2'],
  ])('%s is $top', async (option) => {
    const response = await get(`/odata/Repositories?$filter=Workspace eq 'acme-dev'&$orderby=Slug&$select=Slug&${option}`, V401);
    expect(response.status).toBe(200);
    expect(versionHeader(response)).toBe('4.01');
    expect(response.body.value.map((row: { Slug: string }) => row.Slug)).toEqual(allRepos.slice(0, 2));
  });

  test('every system query option may drop its $ and use any case', async () => {
    const response = await get(`/odata/Repositories?filter=Workspace eq 'acme-dev'&OrderBy=Slug desc&select=Slug&skip=1&Top=1&count=true`, V401);
    expect(response.status).toBe(200);
    expect(response.body['@odata.count']).toBe(allRepos.length);
    expect(response.body.value).toEqual([{ Slug: allRepos[allRepos.length - 2] }]);
    expect(response.body['@odata.context']).toMatch(/#Repositories\(Slug\)$/);
  });

  test('nested $expand options may drop their $ too', async () => {
    const response = await get(`/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$top=1&select=Id&expand=Repository(select=Slug)`, V401);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.value[0]).sort()).toEqual(['Id', 'Repository']);
    expect(Object.keys(response.body.value[0].Repository)).toEqual(['Slug']);
  });

  test('the same option with and without $ is given twice: 400', async () => {
    const response = await get(`${REPOS}&$top=1&top=2`, V401);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('DuplicateQueryOption');
  });

  test('unknown names without $ stay custom options, and defined-but-unsupported ones answer 501', async () => {
    expect((await get(`${REPOS}&x-foo=1&sap-client=100`, V401)).status).toBe(200);
    const apply = await get(`${REPOS}&apply=groupby((Slug))`, V401);
    expect(apply.status).toBe(501);
    expect(apply.body.error.message).toMatch(/^\$apply is not supported/);
  });

  test('a nextLink names the options canonically, so it reads the same in 4.0 and 4.01', async () => {
    const first = await get(`${REPOS}&select=Slug&top=3`, { ...V401, Prefer: 'odata.maxpagesize=2' });
    expect(first.status).toBe(200);
    const link = new URL(first.body['@odata.nextLink']);
    expect(link.search).toContain('$top=3');
    expect(link.search).toContain('$select=Slug');
    expect(link.search).not.toMatch(/[?&](top|select)=/);
    // The token is bound to the credential, so the 4.0 follower sends the same one, with a 4.0 maximum.
    for (const headers of [V401, { 'OData-MaxVersion': '4.0' }]) {
      const next = await get(link.pathname + link.search, headers);
      expect(next.body.error).toBeUndefined();
      expect(next.status).toBe(200);
      expect(next.body.value).toEqual([{ Slug: allRepos[2] }]);
      expect(next.body['@odata.nextLink']).toBeUndefined();
    }
  });

  test('$metadata says Version="4.01" in XML and $Version "4.01" in JSON; otherwise the 4.0 document', async () => {
    const v40 = await get('/odata/$metadata');
    const xml = await get('/odata/$metadata', V401);
    expect(versionHeader(xml)).toBe('4.01');
    expect(xml.text).toContain('<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.01">');
    expect(xml.text.replace('Version="4.01"', 'Version="4.0"')).toBe(v40.text);
    const json = await get('/odata/$metadata?format=json', V401);
    expect(json.status).toBe(200);
    expect(json.body.$Version).toBe('4.01');
    const json40 = await get('/odata/$metadata?$format=json');
    expect(json40.body.$Version).toBe('4.0');
    expect({ ...json.body, $Version: '4.0' }).toEqual(json40.body);
  });

  test('OData-Version: 4.0 on the request keeps 4.0 request rules, and the answer may still be 4.01', async () => {
    const response = await get(`${REPOS}&top=1`, { ...V401, 'OData-Version': '4.0' });
    expect(response.status).toBe(200);
    expect(versionHeader(response)).toBe('4.01');
    expect(response.body.value).toHaveLength(allRepos.length);
  });
});

describe('versions the service cannot honour are refused (4xx), still with one OData-Version header', () => {
  test.each([
    ['OData-Version', '4.02'],
    ['OData-Version', '5.0'],
    ['OData-Version', '3.0'],
    ['OData-Version', 'four'],
    ['OData-MaxVersion', '3.0'],
    ['OData-MaxVersion', 'latest'],
  ])('%s: %s → 400 InvalidODataVersion', async (header, value) => {
    const response = await get(REPOS, { [header]: value });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidODataVersion');
    expect(response.body.error.message).toContain(header);
    expect(versionHeader(response)).toBe('4.0');
    expect(response.headers['x-upstream-requests']).toBe('0');
  });
});
