/**
 * Navigation properties in `$select` and navigation paths in `$filter`, through HTTP. Valid OData either way, so
 * never a 400: `$select=Repository` is served (OData 4.01 Part 2 §5.1.3: the navigation link is represented, which
 * full metadata writes and minimal metadata leaves to the client to compute), `Repository/Language` in `$filter` is
 * 501 with the ways to get the answer, before any Bitbucket call.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;

const get = (url: string) => stack.request.get(url).set('Authorization', DEMO_BEARER);
const PRS = `/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$orderby=RepositorySlug,Id&$top=2`;
const FULL = '$format=application/json;odata.metadata=full';

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('$select with a navigation property', () => {
  test('minimal metadata: Id only (the link is computable), and the context URL names both', async () => {
    const response = await get(`${PRS}&$select=Id,Repository`);
    expect(response.status).toBe(200);
    expect(response.body['@odata.context']).toMatch(/\$metadata#PullRequests\(Id,Repository\)$/);
    expect(response.body.value).toHaveLength(2);
    for (const row of response.body.value) {
      expect(Object.keys(row).filter((key) => !key.startsWith('@'))).toEqual(['Id']);
    }
  });

  test('full metadata: the selected navigation link, and no other', async () => {
    const response = await get(`${PRS}&$select=Id,Repository&${FULL}`);
    expect(response.status).toBe(200);
    for (const row of response.body.value) {
      expect(row['Repository@odata.navigationLink']).toBe(`${row['@odata.id']}/Repository`);
      expect(row['Comments@odata.navigationLink']).toBeUndefined();
      expect(row.Title).toBeUndefined();
    }
  });

  test('$select=Repository alone: no structural properties; full metadata still identifies each entity', async () => {
    const minimal = await get(`${PRS}&$select=Repository`);
    expect(minimal.status).toBe(200);
    for (const row of minimal.body.value) expect(Object.keys(row).filter((key) => !key.startsWith('@'))).toEqual([]);
    const full = await get(`${PRS}&$select=Repository&${FULL}`);
    expect(full.body.value[0]['@odata.id']).toMatch(/PullRequests\(Workspace='acme-dev',RepositorySlug='[^']+',Id=\d+\)$/);
    expect(full.body.value[0]['Repository@odata.navigationLink']).toBeDefined();
  });

  test('with $expand of the same property, the related entity is inline as before', async () => {
    const response = await get(`${PRS}&$select=Id,Repository&$expand=Repository($select=Language)`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.value[0].Repository)).toEqual(['Language']);
  });

  test('on one entity too', async () => {
    const list = await get(`${PRS}&$select=RepositorySlug,Id`);
    const { RepositorySlug, Id } = list.body.value[0];
    const response = await get(`/odata/PullRequests(Workspace='acme-dev',RepositorySlug='${RepositorySlug}',Id=${Id})?$select=Id,Comments&${FULL}`);
    expect(response.status).toBe(200);
    expect(response.body.Id).toBe(Id);
    expect(response.body['Comments@odata.navigationLink']).toMatch(/\/Comments$/);
  });
});

describe('$filter through a navigation property', () => {
  test("Repository/Language eq 'rust' → 501 with the ways to get the answer, and no upstream call", async () => {
    const response = await get(`/odata/PullRequests?$filter=Repository/Language eq 'rust'`);
    expect(response.status).toBe(501);
    expect(response.headers['x-upstream-requests']).toBe('0');
    expect(response.body.error).toEqual({
      code: 'NotImplemented',
      message:
        'Filtering on a property of the related Repository (Repository/Language) is not supported by this service. ' +
        'Expand it and filter in the client ($expand=Repository($select=Language)), or filter Repositories ($filter=Language …) and follow its navigation to PullRequests.',
      target: 'Repository/Language',
      details: [],
    });
  });

  test('inside a nested $filter too', async () => {
    const response = await get(`/odata/Repositories?$filter=Workspace eq 'acme-dev'&$expand=PullRequests($filter=Repository/Language eq 'rust')`);
    expect(response.status).toBe(501);
  });

  test('a path after a structural property is 400, saying which properties can start one', async () => {
    const response = await get(`/odata/PullRequests?$filter=Title/Length eq 3`);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('a path continues only after a navigation property (here: Repository, Comments, Participants, Activity, Commits, Diffstat)');
  });
});
