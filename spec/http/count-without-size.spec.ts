/**
 * A count is never invented: Bitbucket's `size` is optional (evidence row 2: branches and tags moved to page codes,
 * others unverified), so a list page without it is "unknown", and the count comes from reading the stream's rows
 * through the same filter the answer's rows pass. `/$count`, `$count=true` with an early stop, and the rows of a
 * walk all agree. Sandbox quirks `lists-without-size` and `no-size-anywhere` drop `size`.
 */
import type { Row } from '../../src/odata/ast';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ sandbox: { quirks: ['no-size-anywhere'] } });
});
afterAll(() => stack.close());

const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');

async function walk(url: string): Promise<Row[]> {
  const rows: Row[] = [];
  let next: string | undefined = url;
  while (next) {
    const response: { status: number; text: string; body: Record<string, unknown> & { value: Row[] } } = await stack.request.get(local(next)).set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=1000');
    if (response.status !== 200) throw new Error(`${next} → ${response.status} ${response.text}`);
    rows.push(...response.body.value);
    next = response.body['@odata.nextLink'] as string | undefined;
  }
  return rows;
}

const ONE_REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";

const COUNTS: Array<[string, string | undefined]> = [
  ['Branches', ONE_REPO],
  ['Branches', undefined],
  ['Tags', ONE_REPO],
  ['PullRequests', ONE_REPO],
  ['PullRequests', `${ONE_REPO} and State eq 'MERGED'`],
  ['PullRequests', "State eq 'OPEN'"],
  ['Repositories', "Workspace eq 'acme-dev'"],
  ['Repositories', undefined],
  ['Workspaces', undefined],
  ['WorkspaceMembers', "Workspace eq 'acme-dev'"],
];

const filterOption = (filter: string | undefined) => (filter ? `$filter=${encodeURIComponent(filter)}` : '');

describe('Bitbucket omits size: counts come from the rows', () => {
  test('the sandbox really omits size here', async () => {
    const response = await fetch(`${stack.apiUrl}/repositories/acme-dev/platform-api/pullrequests?pagelen=1`, { headers: { Authorization: DEMO_BEARER } });
    expect(await response.json()).not.toHaveProperty('size');
  });

  test.each(COUNTS)('%s/$count?$filter=%s equals the rows of a walk, and $count=true with $top agrees', async (setName, filter) => {
    const rows = await walk(`/odata/${setName}?${filterOption(filter)}`);
    expect(rows.length).toBeGreaterThan(0);
    const count = await stack.request.get(`/odata/${setName}/$count?${filterOption(filter)}`).set('Authorization', DEMO_BEARER);
    expect(count.status).toBe(200);
    expect(Number(count.text)).toBe(rows.length);
    const top = await stack.request.get(`/odata/${setName}?${filterOption(filter)}&$top=2&$count=true`).set('Authorization', DEMO_BEARER);
    expect(top.status).toBe(200);
    expect(top.body['@odata.count']).toBe(rows.length);
    expect(top.body.value).toEqual(rows.slice(0, 2));
  });

  test('$count=true with an early stop on one repository: one call for the rows, then the stream read for the count', async () => {
    const rows = await walk(`/odata/PullRequests?${filterOption(ONE_REPO)}`);
    await stack.clearUpstreamCalls();
    const response = await stack.request.get(`/odata/PullRequests?${filterOption(ONE_REPO)}&$orderby=CreatedOn desc&$top=3&$count=true`).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    expect(response.body['@odata.count']).toBe(rows.length);
    const calls = await stack.upstreamCalls();
    expect(calls[0].query).toMatchObject({ sort: '-created_on', pagelen: '4' });
    // The count reads the whole stream at the largest page size: ceil(rows / 50) calls more, none of them a size probe.
    expect(calls.slice(1).every((call) => call.query.pagelen === '50')).toBe(true);
    expect(calls).toHaveLength(1 + Math.ceil(rows.length / 50));
  });
});

describe('/$count without size costs exactly the pages of the stream', () => {
  // Before: a `pagelen=1` probe that came back without `size`, then the stream read from its start (one call more).
  test.each([
    ['one repository', ONE_REPO],
    ['one repository, exact filter', `${ONE_REPO} and State eq 'MERGED'`],
  ])('PullRequests/$count of %s: ceil(rows / 50) calls, all pagelen=50, no probe', async (_name, filter) => {
    const rows = await walk(`/odata/PullRequests?${filterOption(filter)}`);
    await stack.clearUpstreamCalls();
    const response = await stack.request.get(`/odata/PullRequests/$count?${filterOption(filter)}`).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    expect(Number(response.text)).toBe(rows.length);
    const calls = await stack.upstreamCalls();
    expect(calls.map((call) => call.query.pagelen)).toEqual(Array(Math.max(1, Math.ceil(rows.length / 50))).fill('50'));
  });
});

describe('Bitbucket sends size: it is still the count (no extra reads)', () => {
  test('/$count of one repository is one call, whose page states size (nothing further read)', async () => {
    const ideal = await startStack();
    try {
      await ideal.clearUpstreamCalls();
      const response = await ideal.request.get(`/odata/PullRequests/$count?${filterOption(ONE_REPO)}`).set('Authorization', DEMO_BEARER);
      expect(response.status).toBe(200);
      expect(Number(response.text)).toBeGreaterThan(0);
      const calls = await ideal.upstreamCalls();
      expect(calls).toHaveLength(1);
      expect(calls[0].query).toMatchObject({ pagelen: '50' });
    } finally {
      await ideal.close();
    }
  });
});
