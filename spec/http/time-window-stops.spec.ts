/**
 * Time windows on the newest-first lists (issue #16, incremental refresh): `Date ge A and Date lt B` on Commits and
 * PullRequestActivity. Bitbucket does not promise that either list is ordered by that date (`ListRoute.newestFirst`),
 * so by default a window reads the whole list and misses nothing, even when dates are not monotonic; a client that
 * sends `Prefer: bitbucket.trust-newest-first` gets a stop at the lower bound (fewer calls) and is told so in
 * `Preference-Applied`. The last test makes the seed's dates non-monotonic (a rebased commit keeping its old author
 * date at the head of the history) to show both halves: the default drops no row, the heuristic may.
 */
import axios from 'axios';
import supertest from 'supertest';
import { startSandbox } from '../../sandbox/app';
import { DEMO_USER } from '../../sandbox/identities';
import { createApp, storeOf, upstreamReadinessOf } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type Row = Record<string, unknown>;

let sandbox: Sandbox;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimitPerHour: 1_000_000 }, 0);
  const config = loadConfig({ BITBUCKET_API_URL: sandbox.apiUrl, LOG_LEVEL: 'error', UPSTREAM_CACHE_SECONDS: '0', UPSTREAM_BUDGET_PER_HOUR: '0', SKIPTOKEN_SECRET: 'spec-secret-spec-secret-spec-secret!' });
  app = createApp({ config: { ...config, maxPageSize: 100_000 }, logger: createLogger('error', () => undefined) });
  await upstreamReadinessOf(app).settled();
});
afterAll(async () => {
  await sandbox.close();
  await storeOf(app).close();
});

const REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
const TRUST = 'bitbucket.trust-newest-first';
const DAY = 86_400_000;

interface Answer {
  rows: Row[];
  calls: number;
  applied: string | undefined;
}

async function read(set: string, filter: string, prefer?: string): Promise<Answer> {
  await axios.delete(`${sandbox.url}/_sandbox/requests`);
  let request = supertest(app).get(`/odata/${set}?$filter=${encodeURIComponent(filter)}`).set('Authorization', `Bearer ${DEMO_USER.bearerToken}`);
  if (prefer) request = request.set('Prefer', prefer);
  const response = await request;
  if (response.status !== 200) throw new Error(`${set} ${filter} → ${response.status} ${response.text}`);
  const calls = (await axios.get<Array<{ path: string }>>(`${sandbox.url}/_sandbox/requests`)).data.filter((call) => call.path.startsWith('/2.0'));
  return { rows: response.body.value as Row[], calls: calls.length, applied: response.headers['preference-applied'] as string | undefined };
}

/** A one-day window `[day, day + 1)` (UTC) around `date`, and the rows of the whole list it should hold. */
function windowAround(all: Row[], date: string): { filter: string; expected: Row[]; start: number } {
  const start = Math.floor(Date.parse(date) / DAY) * DAY;
  const from = new Date(start).toISOString();
  const to = new Date(start + DAY).toISOString();
  const expected = all.filter((row) => Date.parse(row.Date as string) >= start && Date.parse(row.Date as string) < start + DAY);
  return { filter: `${REPO} and Date ge ${from} and Date lt ${to}`, expected, start };
}

/** The dates of the list as Bitbucket delivers it (the sandbox's feed, every page), in its order. */
async function feedDates(set: string): Promise<string[]> {
  const path = set === 'Commits' ? 'commits' : 'pullrequests/activity';
  const dates: string[] = [];
  let next: string | undefined = `${sandbox.apiUrl}/repositories/acme-dev/platform-api/${path}`;
  while (next) {
    const page: { data: { values: Row[]; next?: string } } = await axios.get(next, { headers: { Authorization: `Bearer ${DEMO_USER.bearerToken}` } });
    for (const item of page.data.values) {
      const kind = ['update', 'approval', 'changes_requested'].find((name) => item[name] !== undefined);
      dates.push(String(set === 'Commits' ? item.date : kind ? (item[kind] as Row).date : (item.comment as Row).created_on));
    }
    next = page.data.next;
  }
  return dates;
}

const keys = (rows: Row[]) => rows.map((row) => JSON.stringify([row.Hash ?? row.PullRequestId, row.Date, row.Kind])).sort();

describe.each([
  ['Commits', 100],
  ['PullRequestActivity', 50],
])('%s: a one-day window', (set, pagelen) => {
  let all: Answer;
  beforeAll(async () => {
    all = await read(set, REPO);
  });

  test('without the preference: the whole list is read, every row of the window is there, nothing is claimed', async () => {
    const dates = await feedDates(set);
    const { filter, expected } = windowAround(all.rows, dates[Math.floor(dates.length / 4)]);
    const answer = await read(set, filter);
    expect(keys(answer.rows)).toEqual(keys(expected));
    expect(answer.calls).toBe(all.calls);
    expect(answer.applied).toBeUndefined();
  });

  test('with Prefer: bitbucket.trust-newest-first: the same rows, reading stops at the lower bound, and the answer says so', async () => {
    const dates = await feedDates(set);
    const { filter, expected, start } = windowAround(all.rows, dates[Math.floor(dates.length / 4)]);
    const answer = await read(set, filter, `odata.maxpagesize=5000, ${TRUST}`);
    expect(keys(answer.rows)).toEqual(keys(expected));
    expect(answer.applied).toContain(TRUST);
    // The pages up to the one holding the first row below the window, and at most one check of the repository.
    const firstBelow = dates.findIndex((date) => Date.parse(date) < start);
    expect(firstBelow).toBeGreaterThan(0);
    expect(answer.calls).toBeLessThanOrEqual(Math.floor(firstBelow / pagelen) + 2);
    expect(answer.calls).toBeLessThan(all.calls);
  });
});

test('Prefer is named in Preference-Applied only when a read relied on it (no lower bound, another set)', async () => {
  expect((await read('Commits', `${REPO} and Date lt 2026-01-01T00:00:00Z`, TRUST)).applied).toBeUndefined();
  expect((await read('PullRequests', `${REPO} and CreatedOn ge 2026-10-01T00:00:00Z`, TRUST)).applied).toBeUndefined();
});

test('non-monotonic commit dates (a rebased commit keeps its old author date at the head): the default drops no row; the heuristic may, and says it was used', async () => {
  const before = await read('Commits', REPO);
  const { filter, expected } = windowAround(before.rows, before.rows[150].Date as string);
  const workspace = sandbox.store.findWorkspace('acme-dev');
  const data = workspace ? sandbox.store.findRepository(workspace.uuid, 'platform-api') : undefined;
  if (!data) throw new Error('no acme-dev/platform-api in the seed');
  const head = data.commits[0];
  const original = head.date;
  head.date = '2019-01-01T00:00:00+00:00';
  try {
    const all = await read('Commits', REPO);
    expect(all.rows[0].Date).toBe('2019-01-01T00:00:00Z');
    // Not monotonic any more: the list's first row is older than the second.
    expect(Date.parse(all.rows[0].Date as string)).toBeLessThan(Date.parse(all.rows[1].Date as string));
    const safe = await read('Commits', filter);
    expect(keys(safe.rows)).toEqual(keys(expected));
    expect(safe.applied).toBeUndefined();
    const trusted = await read('Commits', filter, TRUST);
    expect(trusted.applied).toBe(TRUST);
    expect(trusted.rows.length).toBeLessThan(expected.length);
  } finally {
    head.date = original;
  }
});
