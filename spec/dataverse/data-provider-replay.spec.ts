/**
 * What the OData v4 Data Provider sends, replayed against `/dataverse/`. From Microsoft's pages:
 * - learn.microsoft.com/power-apps/maker/data-platform/virtual-entity-walkthrough-using-odata-provider: a data source
 *   with a URI, Timeout 30, client-side paging and "Return Inline Count" True; the provider reads the service's
 *   `$metadata` to offer its entity sets, and a virtual table maps the external `Id` (Edm.Guid) to its primary key.
 * - learn.microsoft.com/power-apps/maker/data-platform/virtual-entity-odata-provider-requirements: "for retrieve
 *   multiple queries, such as when you load data in to a grid, control the size of the dataset … by using the select
 *   and filter query parameters"; client-side paging uses `$top`/`$skip`, server-side paging `$skiptoken`.
 * So a grid is `GET Set?$select=…&$filter=…&$orderby=…&$top=…` (with the count when inline count is on), and opening a
 * record is `GET Set(<guid>)?$select=…`. The headers are those of Microsoft's OData client library (ODataLib), which
 * the provider is built on (inferred: the pages do not list them): JSON minimal metadata, OData-Version 4.0.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

const PROVIDER_HEADERS = {
  Accept: 'application/json;odata.metadata=minimal',
  'OData-Version': '4.0',
  'OData-MaxVersion': '4.0',
  // Data source "Request Parameters": a static header, the same for every Dataverse user (DV-05).
  Authorization: DEMO_BEARER,
};

let stack: Stack;
const provider = (url: string) => stack.request.get(url.replace(/^https?:\/\/[^/]+/, '')).set(PROVIDER_HEADERS);

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

test('DV-01: the $metadata read: CSDL XML with the Guid key of PullRequests', async () => {
  const response = await provider('/dataverse/$metadata').set('Accept', 'application/xml');
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/xml/);
  expect(response.headers['odata-version']).toBe('4.0');
  expect(response.text).toMatch(/<EntityType Name="PullRequest">\s*<Key>\s*<PropertyRef Name="PullRequestGuid"\/>\s*<\/Key>\s*<Property Name="PullRequestGuid" Type="Edm.Guid" Nullable="false"/);
});

test('DV-04: a grid: $select, $filter, $orderby, $top and the inline count, then the next grid page with $skip', async () => {
  const filter = encodeURIComponent("Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and State eq 'MERGED'");
  const grid = `/dataverse/PullRequests?$select=PullRequestGuid,Title,State,CreatedOn&$filter=${filter}&$orderby=${encodeURIComponent('CreatedOn desc')}&$top=3&$count=true`;
  const page1 = await provider(grid);
  expect(page1.status).toBe(200);
  expect(page1.headers['content-type']).toMatch(/^application\/json;odata\.metadata=minimal/);
  expect(page1.body['@odata.context']).toMatch(/\/dataverse\/\$metadata#PullRequests\(PullRequestGuid,Title,State,CreatedOn\)$/);
  expect(page1.body.value).toHaveLength(3);
  for (const row of page1.body.value) {
    expect(Object.keys(row)).toEqual(['PullRequestGuid', 'Title', 'State', 'CreatedOn']);
    expect(row.State).toBe('MERGED');
  }
  const page2 = await provider(`${grid}&$skip=3`);
  expect(page2.body['@odata.count']).toBe(page1.body['@odata.count']);
  const seen = [...page1.body.value, ...page2.body.value].map((row: { CreatedOn: string }) => Date.parse(row.CreatedOn));
  expect(seen).toEqual([...seen].sort((a, b) => b - a));
});

test('DV-01: opening a record: the by-key read with $select answers that record', async () => {
  const grid = await provider(`/dataverse/PullRequests?$select=PullRequestGuid,Title&$filter=${encodeURIComponent("Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'")}&$top=5`);
  const chosen = grid.body.value[4];
  await stack.clearUpstreamCalls();
  const record = await provider(`/dataverse/PullRequests(${chosen.PullRequestGuid})?$select=PullRequestGuid,Title,State`);
  expect(record.status).toBe(200);
  expect(record.body).toEqual({ '@odata.context': expect.stringMatching(/#PullRequests\(PullRequestGuid,Title,State\)\/\$entity$/), PullRequestGuid: chosen.PullRequestGuid, Title: chosen.Title, State: expect.any(String) });
  // One by-key call to Bitbucket: the composite key came from the reverse index, not from a search.
  expect((await stack.upstreamCalls()).map((call) => call.path)).toEqual([expect.stringMatching(/^\/2\.0\/repositories\/acme-dev\/platform-api\/pullrequests\/\d+$/)]);
});
