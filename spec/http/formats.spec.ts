/**
 * Response formats and the query options around them: odata.metadata levels, $format, IEEE754Compatible,
 * $select in the context URL, $search, and the plan logged at debug level.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
const ws = 'acme-dev';
const get = (url: string) => stack.request.get(url).set('Authorization', DEMO_BEARER);

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const REPOS = `/odata/Repositories?$filter=Workspace eq '${ws}'&$orderby=Slug&$top=2&$select=Workspace,Slug,Size`;

test('minimal metadata: context with the selection, no per-entity control information', async () => {
  const response = await get(REPOS);
  expect(response.status).toBe(200);
  expect(response.body['@odata.context']).toMatch(/\$metadata#Repositories\(Workspace,Slug,Size\)$/);
  expect(Object.keys(response.body.value[0]).sort()).toEqual(['Size', 'Slug', 'Workspace']);
});

test('full metadata: ids, types and edit links on every entity', async () => {
  const response = await get(REPOS).set('Accept', 'application/json;odata.metadata=full');
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/odata\.metadata=full/);
  const first = response.body.value[0];
  expect(first['@odata.type']).toBe('#Bitbucket.Repository');
  expect(first['@odata.id']).toContain(`Repositories(Workspace='${ws}',Slug='${first.Slug}')`);
});

test('no metadata: no context, values only', async () => {
  const response = await get(`${REPOS}&$format=application/json;odata.metadata=none`);
  expect(response.status).toBe(200);
  expect(response.body['@odata.context']).toBeUndefined();
  expect(response.body.value).toHaveLength(2);
});

test('$format=json is accepted; IEEE754Compatible writes Int64 as strings', async () => {
  expect((await get(`${REPOS}&$format=json`)).status).toBe(200);
  const response = await get(REPOS).set('Accept', 'application/json;IEEE754Compatible=true');
  expect(response.status).toBe(200);
  expect(typeof response.body.value[0].Size).toBe('string');
});

test('Power Query\'s Accept header gets minimal JSON', async () => {
  const response = await get(REPOS).set(
    'Accept',
    'application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7',
  );
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false');
});

test('$search finds rows by words in the searchable properties, case-insensitively', async () => {
  const all = await get(`/odata/PullRequests?$filter=Workspace eq '${ws}'&$select=Title,Description`);
  const word = 'crash';
  const expected = all.body.value.filter(
    (row: { Title: string; Description: string | null }) => row.Title.toLowerCase().includes(word) || (row.Description ?? '').toLowerCase().includes(word),
  );
  expect(expected.length).toBeGreaterThan(0);
  const found = await get(`/odata/PullRequests?$filter=Workspace eq '${ws}'&$search=CRASH&$select=Title,Description`);
  expect(found.status).toBe(200);
  expect(found.body.value).toEqual(expected);
});

test('$search on a set with nothing to search is a clear 501', async () => {
  const response = await get('/odata/Me?$search=x');
  expect([400, 501]).toContain(response.status);
});

test('each query plan is logged at debug level, without credentials', async () => {
  stack.logLines.length = 0;
  await get(`/odata/PullRequests?$filter=Workspace eq '${ws}' and State eq 'OPEN'&$top=1`);
  const plans = stack.logLines.map((line) => JSON.parse(line)).filter((entry) => entry.message === 'plan');
  expect(plans.some((entry) => entry.entitySet === 'PullRequests' && entry.q === 'state = "OPEN"')).toBe(true);
  expect(stack.logLines.join('\n')).not.toContain(DEMO_BEARER.slice('Bearer '.length));
});
