/**
 * `ge`/`le` with null through HTTP (OData Part 2 `ge`/`le`: false when one operand is null, true when both are,
 * because null is equal to itself; 4.0 and 4.01 agree). The residual decides; nothing pushed may narrow the answer.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;

function get(url: string, headers: Record<string, string> = {}) {
  const request = stack.request.get(url).set('Authorization', DEMO_BEARER);
  for (const [name, value] of Object.entries(headers)) request.set(name, value);
  return request;
}

const PRS = `/odata/PullRequests?$filter=Workspace eq 'acme-dev' and `;
type Row = { Id: number; RepositorySlug: string };
const keys = (body: { value: Row[] }) => body.value.map((row) => `${row.RepositorySlug}#${row.Id}`).sort();

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe.each([
  ['4.0 (no header)', {}],
  ['4.01', { 'OData-MaxVersion': '4.01' }],
])('%s', (_version, headers) => {
  test('MergeCommitHash ge null / le null select the rows where it is null, as eq null does', async () => {
    const isNull = await get(`${PRS}MergeCommitHash eq null&$select=Id,RepositorySlug`, headers);
    expect(isNull.status).toBe(200);
    expect(isNull.body.value.length).toBeGreaterThan(0);
    for (const op of ['ge', 'le']) {
      const response = await get(`${PRS}MergeCommitHash ${op} null&$select=Id,RepositorySlug`, headers);
      expect(response.status).toBe(200);
      expect(keys(response.body)).toEqual(keys(isNull.body));
    }
  });

  test('gt null and lt null select nothing', async () => {
    for (const op of ['gt', 'lt']) {
      const response = await get(`${PRS}MergeCommitHash ${op} null&$select=Id`, headers);
      expect(response.status).toBe(200);
      expect(response.body.value).toEqual([]);
    }
  });

  test('two null properties: ClosedByDisplayName ge MergeCommitHash holds where both are null', async () => {
    const both = await get(`${PRS}ClosedByDisplayName eq null and MergeCommitHash eq null&$select=Id,RepositorySlug`, headers);
    const ge = await get(`${PRS}ClosedByDisplayName eq null and ClosedByDisplayName ge MergeCommitHash&$select=Id,RepositorySlug`, headers);
    expect(ge.status).toBe(200);
    expect(keys(ge.body)).toEqual(keys(both.body));
  });
});

test('an order comparison of a pushable property with null stays here: Bitbucket refuses `id >= null`, the answer is empty, not a 502', async () => {
  await stack.clearUpstreamCalls();
  for (const filter of ['Id ge null', 'Id lt null', 'CreatedOn le null']) {
    const response = await get(`${PRS}${filter}&$count=true`);
    expect([filter, response.status, response.body.value, response.body['@odata.count']]).toEqual([filter, 200, [], 0]);
  }
  for (const call of await stack.upstreamCalls()) expect(String(call.query.q ?? '')).not.toMatch(/null/);
});
