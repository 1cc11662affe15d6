/**
 * PullRequestParticipants (issue #16, DA-02): one row per person and pull request, from the pull request list itself
 * (`fields=+values.participants`): one Bitbucket call per 50 pull requests, never one per pull request.
 */
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack, type UpstreamCall } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ config: { maxPageSize: 100_000 } });
});
afterAll(() => stack.close());

type Item = Record<string, unknown>;
const REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";

async function odata(url: string): Promise<{ status: number; body: Item & { value: Item[] }; calls: UpstreamCall[] }> {
  await stack.clearUpstreamCalls();
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  return { status: response.status, body: response.body, calls: await stack.upstreamCalls() };
}

/** Every pull request of the repository with its participants, read from the sandbox directly. */
async function sandboxPullRequests(): Promise<Item[]> {
  const all: Item[] = [];
  let next: string | undefined = `${stack.apiUrl}/repositories/acme-dev/platform-api/pullrequests?pagelen=50&state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED&fields=%2Bvalues.participants`;
  while (next) {
    const response: { data: { values: Item[]; next?: string } } = await axios.get(next, { headers: { Authorization: DEMO_BEARER } });
    all.push(...response.data.values);
    next = response.data.next;
  }
  return all;
}

test('DA-02: one row per participant of every pull request, with role, approval, state and time; one call per 50 pull requests', async () => {
  const pullRequests = await sandboxPullRequests();
  const expected = pullRequests.flatMap((pr) =>
    ((pr.participants as Item[]) ?? []).map((p) => ({
      PullRequestId: pr.id,
      UserUuid: (p.user as Item).uuid,
      Role: p.role,
      Approved: p.approved,
      State: p.state ?? null,
      ParticipatedOn: p.participated_on ?? null,
    })),
  );
  expect(expected.length).toBeGreaterThan(0);
  const { status, body, calls } = await odata(`/odata/PullRequestParticipants?$filter=${encodeURIComponent(REPO)}&$count=true&$select=PullRequestId,UserUuid,Role,Approved,State,ParticipatedOn`);
  expect(status).toBe(200);
  expect(body['@odata.count']).toBe(expected.length);
  const key = (row: Item) => `${String(row.PullRequestId)}/${String(row.UserUuid)}`;
  const normalise = (rows: Item[]) => rows.map((row) => ({ ...row, ParticipatedOn: row.ParticipatedOn === null ? null : new Date(String(row.ParticipatedOn)).toISOString() })).sort((a, b) => key(a).localeCompare(key(b)));
  expect(normalise(body.value.map(({ ['@odata.etag']: _etag, ...row }) => row))).toEqual(normalise(expected));
  const lists = calls.filter((call) => call.path === '/2.0/repositories/acme-dev/platform-api/pullrequests');
  expect(lists).toHaveLength(Math.ceil(pullRequests.length / 50));
  expect(calls.some((call) => /pullrequests\/\d+/.test(call.path))).toBe(false);
});

test('navigation from a pull request, and a filter on its number goes to Bitbucket as q', async () => {
  const { status, body, calls } = await odata("/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=7)/Participants");
  expect(status).toBe(200);
  for (const row of body.value) expect(row.PullRequestId).toBe(7);
  const list = calls.find((call) => call.path === '/2.0/repositories/acme-dev/platform-api/pullrequests');
  expect(list?.query.q).toBe('id = 7');
});
