/**
 * Reuse of Bitbucket GET answers between requests (issue #14 item 2), against the sandbox over a real socket: a fresh
 * answer costs no call, a stale one with an ETag is revalidated (304, same rows), a commit by hash is kept longer, a
 * write through the gateway makes the next read fresh, and — the security half — a second user never receives a row
 * from the first user's cache.
 */
import { OTHER_USER } from '../../sandbox/identities';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let clock = Date.parse('2026-09-01T10:00:00Z');
const OTHER_BASIC = `Basic ${Buffer.from(`${OTHER_USER.email}:${OTHER_USER.apiToken}`).toString('base64')}`;
const WS = 'acme-dev';
const REPO = 'platform-api';
const BRANCHES = `/odata/Branches?$filter=Workspace eq '${WS}' and RepositorySlug eq '${REPO}'&$select=Name,TargetHash&$orderby=Name`;

beforeAll(async () => {
  stack = await startStack({ env: { UPSTREAM_CACHE_SECONDS: '60', UPSTREAM_CACHE_IMMUTABLE_SECONDS: '3600' }, now: () => clock });
});
afterAll(() => stack.close());
beforeEach(async () => {
  // Every test starts with the cache of the previous one stale (its own clock hour), and the sandbox's log empty.
  clock += 24 * 3600 * 1000;
  await stack.clearUpstreamCalls();
});

async function read(url: string, authorization = DEMO_BEARER) {
  const response = await stack.request.get(url).set('Authorization', authorization);
  expect(response.status).toBe(200);
  return response;
}

test('the same read within UPSTREAM_CACHE_SECONDS costs no Bitbucket call and answers the same rows', async () => {
  const first = await read(BRANCHES);
  const firstCalls = (await stack.upstreamCalls()).length;
  expect(firstCalls).toBeGreaterThan(0);
  expect(first.headers['x-upstream-requests']).toBe(String(firstCalls));
  clock += 30_000;
  const second = await read(BRANCHES);
  expect(second.body.value).toEqual(first.body.value);
  expect(second.headers['x-upstream-requests']).toBe('0');
  expect(await stack.upstreamCalls()).toHaveLength(firstCalls);
});

test('a stale answer with an ETag is revalidated: Bitbucket answers 304 and the rows are the same', async () => {
  const first = await read(BRANCHES);
  await stack.clearUpstreamCalls();
  clock += 61_000;
  const second = await read(BRANCHES);
  expect(second.body.value).toEqual(first.body.value);
  const calls = await stack.upstreamCalls();
  expect(calls.length).toBeGreaterThan(0);
  // Branch lists carry ETags (as Bitbucket's do): every call of the second read was a revalidation.
  expect(calls.map((call) => call.status)).toEqual(calls.map(() => 304));
  expect(second.headers['x-upstream-requests']).toBe(String(calls.length));
});

test('a commit read by its hash is kept past the freshness window (UPSTREAM_CACHE_IMMUTABLE_SECONDS)', async () => {
  const hash = (await read(`/odata/Branches?$filter=Workspace eq '${WS}' and RepositorySlug eq '${REPO}'&$top=1&$select=TargetHash`)).body.value[0].TargetHash as string;
  const url = `/odata/Commits(Workspace='${WS}',RepositorySlug='${REPO}',Hash='${hash}')`;
  const first = await read(url);
  await stack.clearUpstreamCalls();
  clock += 30 * 60_000;
  const second = await read(url);
  const { '@odata.context': _firstContext, ...firstEntity } = first.body as Record<string, unknown>;
  const { '@odata.context': _secondContext, ...secondEntity } = second.body as Record<string, unknown>;
  expect(secondEntity).toEqual(firstEntity);
  expect(second.headers['x-upstream-requests']).toBe('0');
  expect(await stack.upstreamCalls()).toHaveLength(0);
});

test('a write through the gateway makes the next read of its repository ask Bitbucket again, and shows the change', async () => {
  const before = await read(BRANCHES);
  const names = (before.body.value as Array<{ Name: string }>).map((row) => row.Name);
  const hash = (before.body.value as Array<{ TargetHash: string }>)[0].TargetHash;
  const created = await stack.request
    .post(`/odata/Repositories(Workspace='${WS}',Slug='${REPO}')/Branches`)
    .set('Authorization', DEMO_BEARER)
    .set('Prefer', 'return=minimal')
    .send({ Name: 'cache/made-by-spec', TargetHash: hash });
  expect(created.status).toBe(204);
  await stack.clearUpstreamCalls();
  clock += 1_000; // well within the freshness window
  const after = await read(BRANCHES);
  expect((after.body.value as Array<{ Name: string }>).map((row) => row.Name)).toEqual([...names, 'cache/made-by-spec'].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  expect((await stack.upstreamCalls()).length).toBeGreaterThan(0);
});

test('security: a second user never receives a row from the first user\'s cache (private repositories)', async () => {
  // The demo user sees both workspaces, private repositories included; Olga belongs to blue-harbor only.
  const url = '/odata/Repositories?$select=Workspace,Slug,IsPrivate&$orderby=Workspace,Slug';
  const demo = await read(url);
  const demoRows = demo.body.value as Array<{ Workspace: string; Slug: string; IsPrivate: boolean }>;
  expect(demoRows.some((row) => row.Workspace === WS && row.IsPrivate)).toBe(true);
  await stack.clearUpstreamCalls();
  clock += 1_000;
  const other = await read(url, OTHER_BASIC);
  const otherRows = other.body.value as Array<{ Workspace: string }>;
  expect(otherRows.length).toBeGreaterThan(0);
  expect(otherRows.filter((row) => row.Workspace === WS)).toEqual([]);
  // Her answer was read from Bitbucket with her own credential, not from the demo user's cache.
  expect(Number(other.headers['x-upstream-requests'])).toBeGreaterThan(0);
  expect((await stack.upstreamCalls()).length).toBe(Number(other.headers['x-upstream-requests']));
  // A private repository of acme-dev, read by key: the demo user's cached copy is never hers.
  const privateRepo = demoRows.find((row) => row.Workspace === WS && row.IsPrivate)!;
  const byKey = `/odata/Repositories(Workspace='${WS}',Slug='${privateRepo.Slug}')`;
  await read(byKey);
  const refused = await stack.request.get(byKey).set('Authorization', OTHER_BASIC);
  expect([403, 404]).toContain(refused.status);
  expect(JSON.stringify(refused.body)).not.toContain(`"Slug":"${privateRepo.Slug}"`);
});

test('UPSTREAM_CACHE_SECONDS=0 turns reuse off: the same read twice costs twice', async () => {
  const off = await startStack({ env: { UPSTREAM_CACHE_SECONDS: '0' } });
  try {
    const first = await off.request.get(BRANCHES).set('Authorization', DEMO_BEARER);
    const second = await off.request.get(BRANCHES).set('Authorization', DEMO_BEARER);
    expect(second.headers['x-upstream-requests']).toBe(first.headers['x-upstream-requests']);
    expect(Number(second.headers['x-upstream-requests'])).toBeGreaterThan(0);
  } finally {
    await off.close();
  }
});
