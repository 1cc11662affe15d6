/**
 * The pull request list a per-pull-request set fans out over asks Bitbucket only for what the fan-out needs (the ids,
 * a revision's columns), not every PullRequests column: `task_count` (no event announces a task) kept that list from
 * being covered by change notices (issue #14), so every refresh past UPSTREAM_CACHE_SECONDS read it again, one call per
 * repository. A request that `$expand`s PullRequest still has the fan-out list the pull requests whole and keep them
 * (src/plan/listed-rows.ts): no by-key read of a pull request the fan-out listed.
 */
import { noticeTrustOf } from '../../src/app';
import { DEMO_BEARER, startStack, type Stack, type UpstreamCall } from '../helpers/stack';

const WS = 'acme-dev';
const REPO = 'platform-api';
const PARENT_LIST = `/2.0/repositories/${WS}/${REPO}/pullrequests`;
const repoFilter = `$filter=Workspace eq '${WS}' and RepositorySlug eq '${REPO}'`;

let stack: Stack;
let clock = Date.parse('2026-09-01T10:00:00Z');

beforeAll(async () => {
  stack = await startStack({
    env: { UPSTREAM_CACHE_SECONDS: '10', WEBHOOK_SECRET: 'spec-parent-fields-secret-0123', WEBHOOK_WORKSPACES: WS, WEBHOOK_TRUST_SECONDS: '3600' },
    now: () => clock,
  });
});
afterAll(async () => {
  noticeTrustOf(stack.app)?.stop();
  await stack.close();
});
beforeEach(async () => {
  clock += 24 * 3600 * 1000;
  await stack.clearUpstreamCalls();
});

async function read(url: string) {
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  // The body with the status: a refusal says why.
  expect({ status: response.status, body: response.status === 200 ? undefined : response.body }).toEqual({ status: 200, body: undefined });
  return response;
}

const parentListCalls = (calls: readonly UpstreamCall[]) => calls.filter((call) => call.path === PARENT_LIST);
const fieldsOf = (call: UpstreamCall) => String(call.query.fields ?? '');

/** Past the 10 s window; a read of what no event announces notes the credential accepted, as a refresh does. */
async function pastTheWindow(): Promise<void> {
  clock += 11_000;
  await read(`/odata/Repositories?$filter=Workspace eq '${WS}'&$select=Slug&$top=1`);
  await stack.clearUpstreamCalls();
}

test.each(['PullRequestComments', 'PullRequestCommits', 'PullRequestDiffstat'])(
  '%s: the parent pull request list asks for no task_count, and a second read past the window does not read it again',
  async (set) => {
    const first = await read(`/odata/${set}?${repoFilter}`);
    const cold = parentListCalls(await stack.upstreamCalls());
    expect(cold.length).toBeGreaterThan(0);
    for (const call of cold) {
      expect(fieldsOf(call)).not.toMatch(/task_count/);
      expect(fieldsOf(call).split(',')).toContain('values.id');
    }
    await pastTheWindow();
    const second = await read(`/odata/${set}?${repoFilter}`);
    expect(parentListCalls(await stack.upstreamCalls())).toHaveLength(0);
    expect(second.body.value).toEqual(first.body.value);
  },
);

test('$expand=PullRequest still lists the pull requests whole for the expansion: no by-key read of one', async () => {
  const response = await read(`/odata/PullRequestCommits?${repoFilter}&$expand=PullRequest($select=Id,TaskCount)`);
  const rows = response.body.value as Array<{ PullRequestId: number; PullRequest: { Id: number; TaskCount: number } | null }>;
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.PullRequest?.Id).toBe(row.PullRequestId);
  const calls = await stack.upstreamCalls();
  expect(parentListCalls(calls).every((call) => fieldsOf(call) === '' || /task_count/.test(fieldsOf(call)))).toBe(true);
  expect(calls.filter((call) => new RegExp(`^${PARENT_LIST}/\\d+$`).test(call.path))).toHaveLength(0);
});
