/**
 * Issue #15: following every nextLink of a commits walk in Bitbucket's order (no `$orderby`) costs about one read of
 * every upstream page. A continuation page opens its stream at the Bitbucket page that follows the previous page's
 * last row, not at the stream's first page (which re-read a deep repository once per page).
 */
import { createHmac } from 'node:crypto';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  // The bench's settings: snapshots on (their default), pages as large as asked.
  stack = await startStack({ config: { maxPageSize: 100_000 } });
});
afterAll(() => stack.close());

const ONE_REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');

async function walk(url: string, size: number): Promise<{ hashes: string[]; pages: number; calls: number }> {
  await stack.clearUpstreamCalls();
  const hashes: string[] = [];
  let pages = 0;
  let next: string | undefined = url;
  while (next) {
    const response: { status: number; body: { value: { Hash: string }[]; '@odata.nextLink'?: string } } = await stack.request.get(local(next)).set('Authorization', DEMO_BEARER).set('Prefer', `odata.maxpagesize=${size}`);
    expect(response.status).toBe(200);
    hashes.push(...response.body.value.map((row) => row.Hash));
    next = response.body['@odata.nextLink'];
    pages++;
  }
  return { hashes, pages, calls: (await stack.upstreamCalls()).length };
}

async function oneRead(url: string): Promise<{ hashes: string[]; calls: number }> {
  await stack.clearUpstreamCalls();
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  expect(response.status).toBe(200);
  expect(response.body['@odata.nextLink']).toBeUndefined();
  return { hashes: response.body.value.map((row: { Hash: string }) => row.Hash), calls: (await stack.upstreamCalls()).length };
}

// Before issue #15's fix, in calls (walk for at most): 11 for 9, 4 for 3, 83 for 75 (all commits in 30-row pages, not
// kept here for its time: 169 for 145, now 144). Each answer may read again at most the one Bitbucket page its cursor
// lies in; an answer ending on the last item of a Bitbucket page opens the next one, and the cursor's page location
// fits the token (it was left out, too long, before).
test.each([
  { set: 'one repository', filter: `&$filter=${ONE_REPO}`, size: 30, exact: undefined },
  // 183 commits in two Bitbucket pages of 100: the first answer reads both (the second to know more rows follow), the
  // second answer opens the second page again, and no more.
  { set: 'one repository', filter: `&$filter=${ONE_REPO}`, size: 100, exact: 3 },
  { set: 'all commits', filter: '', size: 100, exact: undefined },
])('$set in $size-row pages: the rows of one read, for about its calls', async ({ filter, size, exact }) => {
  const url = `/odata/Commits?$top=100000&$select=Hash,Date${filter}`;
  const whole = await oneRead(url);
  const walked = await walk(url, size);
  expect(walked.hashes).toEqual(whole.hashes);
  expect(walked.calls).toBeLessThanOrEqual(whole.calls + walked.pages);
  if (exact !== undefined) expect(walked.calls).toBe(exact);
});

const SECRET = 'spec-secret-spec-secret-spec-secret!';
const payloadOf = (link: string): unknown[] => {
  const token = new URL(link).searchParams.get('$skiptoken') as string;
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as unknown[];
};
const signed = (payload: unknown[]): string => {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${createHmac('sha256', SECRET).update(encoded).digest('base64url')}`;
};

// A location relative to the list (`?…`) is put back together and checked whole before anything is sent with it.
test.each([
  { forgery: 'a fragment', target: (real: string) => `${real}#x` },
  { forgery: 'whitespace', target: (real: string) => `${real}&x=a b` },
])('a correctly signed relative page location with $forgery is InvalidSkipToken, and nothing is called', async ({ target }) => {
  const url = `/odata/Commits?$top=100000&$select=Hash,Date&$filter=${ONE_REPO}`;
  const first = await stack.request.get(url).set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=100');
  const link: string = first.body['@odata.nextLink'];
  const payload = payloadOf(link);
  const cursor = payload[2] as unknown[];
  expect(String(cursor[3]).startsWith('?')).toBe(true);
  const forged = signed([payload[0], payload[1], [...cursor.slice(0, 3), target(cursor[3] as string), ...cursor.slice(4)], ...payload.slice(3)]);
  await stack.clearUpstreamCalls();
  const response = await stack.request
    .get(local(link.replace(/\$skiptoken=[^&]*/, `$skiptoken=${encodeURIComponent(forged)}`)))
    .set('Authorization', DEMO_BEARER)
    .set('Prefer', 'odata.maxpagesize=100');
  expect(response.status).toBe(400);
  expect(response.body.error.code).toBe('InvalidSkipToken');
  expect(await stack.upstreamCalls()).toEqual([]);
});
