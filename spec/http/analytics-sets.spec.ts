/**
 * The sets analysts come for (issue #16): pull request activity, commits and diffstat, pipeline steps, deployments,
 * environments, commit statuses, branch restrictions and default reviewers. For each: the rows equal what the sandbox
 * serves (read directly), a key read, a navigation from the parent, `$count`, `$metadata`, and the upstream calls it
 * costs (the sandbox's request log). Sets listed per pull request, pipeline or commit refuse a query that would fan
 * out beyond MAX_FAN_OUT with a 400 naming the filter to add.
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
const BASE = '/repositories/acme-dev/platform-api';

async function odata(url: string): Promise<{ status: number; body: Item & { value: Item[] }; calls: UpstreamCall[] }> {
  await stack.clearUpstreamCalls();
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  return { status: response.status, body: response.body, calls: await stack.upstreamCalls() };
}

/** Every item of a sandbox list, every page followed. */
async function sandboxItems(path: string, pagelen = 50): Promise<Item[]> {
  const all: Item[] = [];
  let next: string | undefined = `${stack.apiUrl}${path}${path.includes('?') ? '&' : '?'}pagelen=${pagelen}`;
  while (next) {
    const response: { data: { values: Item[]; next?: string } } = await axios.get(next, { headers: { Authorization: DEMO_BEARER } });
    all.push(...response.data.values);
    next = response.data.next;
  }
  return all;
}

const filter = (text: string) => `$filter=${encodeURIComponent(text)}`;
const pathsOf = (calls: UpstreamCall[]) => calls.map((call) => call.path);

describe('PullRequestActivity', () => {
  test('one row per event of the repository feed, read in one stream (one call per 50 events)', async () => {
    const feed = await sandboxItems(`${BASE}/pullrequests/activity`);
    const { status, body, calls } = await odata(`/odata/PullRequestActivity?${filter(REPO)}&$count=true`);
    expect(status).toBe(200);
    expect(body['@odata.count']).toBe(feed.length);
    expect(body.value).toHaveLength(feed.length);
    const kinds = new Set(body.value.map((row) => row.Kind));
    expect([...kinds].sort()).toEqual(['APPROVAL', 'CHANGES_REQUESTED', 'COMMENT', 'UPDATE'].filter((kind) => kinds.has(kind)).sort());
    expect(kinds.has('UPDATE') && kinds.has('COMMENT') && kinds.has('APPROVAL')).toBe(true);
    // The feed's pages only: its entries name the repository in Bitbucket's spelling (`ListRoute.spelledIn`), so no
    // by-key read of the repository is needed to confirm the client's.
    const feedCalls = calls.filter((call) => call.path === `/2.0${BASE}/pullrequests/activity`);
    expect(feedCalls).toHaveLength(Math.ceil(feed.length / 50));
    expect(calls.length).toBe(feedCalls.length);
    // No call per pull request.
    expect(pathsOf(calls).some((path) => /pullrequests\/\d+/.test(path))).toBe(false);
  });

  test('a merged pull request has an UPDATE with NewState MERGED, at its last update; the key reads one event', async () => {
    const prs = await sandboxItems(`${BASE}/pullrequests?state=MERGED`);
    const merged = prs[0];
    const { body } = await odata(`/odata/PullRequestActivity?${filter(`${REPO} and PullRequestId eq ${merged.id as number} and Kind eq 'UPDATE' and NewState eq 'MERGED'`)}`);
    expect(body.value).toHaveLength(1);
    const event = body.value[0];
    expect(Date.parse(event.Date as string)).toBe(Date.parse(merged.updated_on as string));
    const key = `Workspace='acme-dev',RepositorySlug='platform-api',PullRequestId=${merged.id as number},Date=${event.Date as string},Kind='UPDATE'`;
    const one = await odata(`/odata/PullRequestActivity(${key})`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ PullRequestId: merged.id, Kind: 'UPDATE', NewState: 'MERGED' });
  });

  test("one pull request's events come from its own log (one call per 50 events), the same rows as the repository feed gives", async () => {
    const feed = await sandboxItems(`${BASE}/pullrequests/activity`);
    const own = await sandboxItems(`${BASE}/pullrequests/2/activity`);
    expect(own.length).toBe(feed.filter((entry) => (entry.pull_request as { id: number }).id === 2).length);
    const { status, body, calls } = await odata(`/odata/PullRequestActivity?${filter(`${REPO} and PullRequestId eq 2`)}&$count=true`);
    expect(status).toBe(200);
    expect(body['@odata.count']).toBe(own.length);
    expect(pathsOf(calls)).toEqual(Array.from({ length: Math.max(1, Math.ceil(own.length / 50)) }, () => `/2.0${BASE}/pullrequests/2/activity`));
    // The same rows as filtering the repository's feed (two pull requests: the per-PR route is for one value only).
    const viaFeed = await odata(`/odata/PullRequestActivity?${filter(`${REPO} and (PullRequestId eq 2 or PullRequestId eq 2)`)}`);
    expect(pathsOf(viaFeed.calls).every((path) => path === `/2.0${BASE}/pullrequests/activity`)).toBe(true);
    expect(body.value).toEqual(viaFeed.body.value);
    // A pull request that does not exist: no rows, after Bitbucket's 404 and one read of the pull request by key.
    const none = await odata(`/odata/PullRequestActivity?${filter(`${REPO} and PullRequestId eq 99999`)}&$count=true`);
    expect(none.status).toBe(200);
    expect(none.body['@odata.count']).toBe(0);
    expect(none.body.value).toEqual([]);
  });

  test('navigation: PullRequests(…)/Activity is the events of that pull request', async () => {
    const all = await odata(`/odata/PullRequestActivity?${filter(`${REPO} and PullRequestId eq 2`)}`);
    const nav = await odata(`/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=2)/Activity`);
    expect(nav.status).toBe(200);
    expect(nav.body.value).toEqual(all.body.value);
  });
});

describe.each([
  ['PullRequestCommits', 'commits', 'Hash'],
  ['PullRequestDiffstat', 'diffstat', 'Path'],
])('%s (per pull request)', (set, segment, keyProperty) => {
  test('rows of one pull request equal its Bitbucket list; one call', async () => {
    const items = await sandboxItems(`${BASE}/pullrequests/2/${segment}`);
    const { status, body, calls } = await odata(`/odata/${set}?${filter(`${REPO} and PullRequestId eq 2`)}&$count=true`);
    expect(status).toBe(200);
    expect(body['@odata.count']).toBe(items.length);
    expect(pathsOf(calls).filter((path) => path.endsWith(`/pullrequests/2/${segment}`))).toHaveLength(1);
    // The list alone: its items state the repository in Bitbucket's spelling (`spelledIn`), so it is not read first.
    expect(calls).toHaveLength(1);
    if (set === 'PullRequestCommits') expect(body.value.map((row) => row.Hash).sort()).toEqual(items.map((item) => item.hash).sort());
    else {
      const path = (item: Item) => ((item.new ?? item.old) as Item).path;
      expect(body.value.map((row) => row.Path).sort()).toEqual(items.map(path).sort());
      const added = items.reduce((sum, item) => sum + (item.lines_added as number), 0);
      expect(body.value.reduce((sum, row) => sum + (row.LinesAdded as number), 0)).toBe(added);
    }
  });

  test('without PullRequestId: one call per pull request of the repository, plus its pull request list', async () => {
    const prs = await sandboxItems(`${BASE}/pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED`);
    const { status, calls } = await odata(`/odata/${set}?${filter(REPO)}&$count=true`);
    expect(status).toBe(200);
    expect(calls.filter((call) => call.path.endsWith(`/${segment}`))).toHaveLength(prs.length);
    expect(calls.filter((call) => call.path === `/2.0${BASE}/pullrequests`)).toHaveLength(Math.ceil(prs.length / 50));
  });

  test('a key read and navigation from the pull request', async () => {
    const { body } = await odata(`/odata/${set}?${filter(`${REPO} and PullRequestId eq 2`)}`);
    const first = body.value[0];
    const key = `Workspace='acme-dev',RepositorySlug='platform-api',PullRequestId=2,${keyProperty}='${String(first[keyProperty]).replace(/'/g, "''")}'`;
    const one = await odata(`/odata/${set}(${encodeURIComponent(key)})`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject(first);
    const nav = await odata(`/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=2)/${set === 'PullRequestCommits' ? 'Commits' : 'Diffstat'}`);
    expect(nav.body.value).toEqual(body.value);
  });

  test('beyond MAX_FAN_OUT pull requests: 400 naming the filter to add, before any per-PR call', async () => {
    const narrow = await startStack({ config: { maxFanOut: 5 } });
    try {
      await narrow.clearUpstreamCalls();
      const response = await narrow.request.get(`/odata/${set}?${filter(REPO)}`).set('Authorization', DEMO_BEARER);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('FanOutTooWide');
      expect(response.body.error.message).toMatch(/PullRequestId/);
      expect((await narrow.upstreamCalls()).some((call) => call.path.endsWith(`/${segment}`))).toBe(false);
    } finally {
      await narrow.close();
    }
  });
});

describe('PipelineSteps', () => {
  test('steps of one pipeline: one call; navigation from Pipelines; a key read', async () => {
    const pipelines = await sandboxItems(`${BASE}/pipelines`, 100);
    const uuid = pipelines[0].uuid as string;
    const steps = await sandboxItems(`${BASE}/pipelines/${encodeURIComponent(uuid)}/steps`, 100);
    const { body, calls } = await odata(`/odata/PipelineSteps?${filter(`${REPO} and PipelineUuid eq '${uuid}'`)}&$count=true`);
    expect(body['@odata.count']).toBe(steps.length);
    expect(body.value.map((row) => row.Uuid).sort()).toEqual(steps.map((step) => step.uuid).sort());
    expect(calls.filter((call) => call.path.endsWith('/steps'))).toHaveLength(1);
    const nav = await odata(`/odata/Pipelines(Workspace='acme-dev',RepositorySlug='platform-api',Uuid='${encodeURIComponent(uuid)}')/Steps`);
    expect(nav.body.value).toEqual(body.value);
    const one = await odata(`/odata/PipelineSteps(Workspace='acme-dev',RepositorySlug='platform-api',PipelineUuid='${encodeURIComponent(uuid)}',Uuid='${encodeURIComponent(steps[0].uuid as string)}')`);
    expect(one.status).toBe(200);
    expect(one.body.Uuid).toBe(steps[0].uuid);
  });

  test('without PipelineUuid: one steps call per pipeline of the repository', async () => {
    const pipelines = await sandboxItems(`${BASE}/pipelines`, 100);
    const { calls } = await odata(`/odata/PipelineSteps?${filter(REPO)}`);
    expect(calls.filter((call) => call.path.endsWith('/steps'))).toHaveLength(pipelines.length);
  });
});

describe.each([
  ['Environments', 'environments', 'Uuid', 'uuid'],
  ['Deployments', 'deployments', 'Uuid', 'uuid'],
  ['BranchRestrictions', 'branch-restrictions', 'Id', 'id'],
  ['DefaultReviewers', 'default-reviewers', 'Uuid', 'uuid'],
])('%s (per repository)', (set, segment, keyProperty, keyPath) => {
  test('rows equal the repository list, $count, a key read and navigation from Repositories; calls counted', async () => {
    const items = await sandboxItems(`${BASE}/${segment}`, 100);
    expect(items.length).toBeGreaterThan(0);
    const { status, body, calls } = await odata(`/odata/${set}?${filter(REPO)}&$count=true`);
    expect(status).toBe(200);
    expect(body['@odata.count']).toBe(items.length);
    expect(body.value.map((row) => row[keyProperty]).sort()).toEqual(items.map((item) => item[keyPath]).sort());
    // One page of the list, and the repository's existence check unless the items state its spelling (`spelledIn`):
    // environments and default reviewers do not (spec/fixtures/recorded-bitbucket/README.md), so they cost 2.
    expect(calls.filter((call) => call.path === `/2.0${BASE}/${segment}`)).toHaveLength(1);
    expect(calls).toHaveLength(['Deployments', 'BranchRestrictions'].includes(set) ? 1 : 2);
    const key = body.value[0][keyProperty];
    const literal = typeof key === 'number' ? String(key) : `'${encodeURIComponent(key as string)}'`;
    const one = await odata(`/odata/${set}(Workspace='acme-dev',RepositorySlug='platform-api',${keyProperty}=${literal})`);
    expect(one.status).toBe(200);
    expect(one.body[keyProperty]).toBe(key);
    const nav = await odata(`/odata/Repositories(Workspace='acme-dev',Slug='platform-api')/${set}`);
    expect(nav.body.value).toEqual(body.value);
    const count = await stack.request.get(`/odata/${set}/$count?${filter(REPO)}`).set('Authorization', DEMO_BEARER);
    expect(count.text).toBe(String(items.length));
  });
});

describe('Deployments and Environments', () => {
  test("a deployment's Environment navigation names an environment of its repository", async () => {
    const { body } = await odata(`/odata/Deployments?${filter(REPO)}&$expand=Environment($select=Name)&$top=3`);
    for (const row of body.value) expect(['Test', 'Staging', 'Production']).toContain((row.Environment as Item).Name);
  });
});

describe('CommitStatuses', () => {
  test('statuses of one commit: one call; State pushed as BBQL; navigation from Commits; a key read', async () => {
    const status = (await sandboxItems(`${BASE}/pullrequests/1/statuses`, 100))[0];
    const hash = (status.commit as Item).hash as string;
    const items = await sandboxItems(`${BASE}/commit/${hash}/statuses`, 100);
    const { body, calls } = await odata(`/odata/CommitStatuses?${filter(`${REPO} and CommitHash eq '${hash}' and State eq '${status.state as string}'`)}&$count=true`);
    expect(body['@odata.count']).toBe(items.filter((item) => item.state === status.state).length);
    const listCall = calls.find((call) => call.path.endsWith('/statuses'));
    expect(listCall?.query.q).toBe(`state = "${status.state as string}"`);
    const nav = await odata(`/odata/Commits(Workspace='acme-dev',RepositorySlug='platform-api',Hash='${hash}')/Statuses`);
    expect(nav.body.value.map((row) => row.Key).sort()).toEqual(items.map((item) => item.key).sort());
    const one = await odata(`/odata/CommitStatuses(Workspace='acme-dev',RepositorySlug='platform-api',CommitHash='${hash}',Key='${encodeURIComponent(status.key as string)}')`);
    expect(one.status).toBe(200);
    expect(one.body.Key).toBe(status.key);
  });

  test('over every repository: more commits than MAX_FAN_OUT, refused with 400 naming CommitHash', async () => {
    const { status, body, calls } = await odata('/odata/CommitStatuses');
    expect(status).toBe(400);
    expect((body as unknown as { error: { code: string; message: string } }).error.code).toBe('FanOutTooWide');
    expect((body as unknown as { error: { message: string } }).error.message).toMatch(/CommitHash/);
    expect(calls.some((call) => call.path.endsWith('/statuses'))).toBe(false);
  });
});

describe('$metadata', () => {
  test('every new set is described, and the fan-out sets state their cost', async () => {
    const response = await stack.request.get('/odata/$metadata').set('Authorization', DEMO_BEARER);
    const xml = response.text;
    for (const set of ['PullRequestActivity', 'PullRequestCommits', 'PullRequestDiffstat', 'PipelineSteps', 'Environments', 'Deployments', 'CommitStatuses', 'BranchRestrictions', 'DefaultReviewers']) {
      expect(xml).toContain(`<EntitySet Name="${set}"`);
    }
    expect(xml).toMatch(/Cost: one Bitbucket call per pull request/);
    expect(xml).toMatch(/Cost: one Bitbucket call per commit/);
    expect(xml).toMatch(/Cost: one Bitbucket call per pipeline run/);
  });
});
