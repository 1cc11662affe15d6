/**
 * A read with no `$top` over a fan-out starts reading the repositories a workspace's first repository page names while
 * the list's next page is fetched (issue #15.5): it used to wait for the whole list (acme-dev's two pages, two
 * latencies) before asking for the first pull requests. Proved by behaviour, not by time: at the moment the sandbox
 * receives the request for the list's second page, requests for pull requests under the first page are in already;
 * and the answer, the calls and their count are the same as a read that starts nothing early (`$top` above the row
 * count: the same rows, read in key order without the head start).
 */
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;

interface LoggedCall {
  seq: number;
  path: string;
  query: Record<string, string | string[]>;
  status: number | null;
}

/** Repositories added to acme-dev, so that its repository list takes two pages of 100 (the default seed fits one). */
const ADDED = 100;

beforeAll(async () => {
  stack = await startStack({ env: { FAN_OUT_CONCURRENCY: '4' } });
  for (let start = 0; start < ADDED; start += 10) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const response = await axios.post(`${stack.apiUrl}/repositories/acme-dev/early-${String(start + index).padStart(3, '0')}`, { scm: 'git', is_private: true }, { headers: { Authorization: DEMO_BEARER }, validateStatus: () => true });
        if (response.status !== 200 && response.status !== 201) throw new Error(`creating a repository: ${response.status} ${JSON.stringify(response.data)}`);
      }),
    );
  }
});

afterAll(async () => {
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 0 });
  await stack.close();
});

const isRepositoryList = (call: LoggedCall) => /^\/2\.0\/repositories\/[^/]+$/.test(call.path);
const isPullRequestList = (call: LoggedCall) => call.path.endsWith('/pullrequests');

/** The sandbox's log, in flight included (status null), read while the gateway's request runs. */
async function log(): Promise<LoggedCall[]> {
  return (await axios.get<LoggedCall[]>(`${stack.sandboxUrl}/_sandbox/requests`)).data.filter((call) => call.path.startsWith('/2.0'));
}

/**
 * Asks `path` and watches the sandbox's log while it runs: for each repository-list request after a workspace's first
 * page, how many pull-request lists had arrived by the time it did.
 */
async function readWatching(path: string): Promise<{ body: unknown; calls: LoggedCall[]; pullRequestsBeforeNextPage: number[] }> {
  await stack.clearUpstreamCalls();
  let done = false;
  const answer = stack.request.get(path).set('Authorization', DEMO_BEARER).then((response) => {
    done = true;
    return response;
  });
  const seen = new Map<number, number>();
  while (!done) {
    const calls = await log();
    for (const call of calls) {
      if (isRepositoryList(call) && call.query.page !== undefined && call.query.page !== '1' && !seen.has(call.seq)) {
        seen.set(call.seq, calls.filter((other) => other.seq < call.seq && isPullRequestList(other)).length);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const response = await answer;
  expect(response.status).toBe(200);
  return { body: response.body, calls: await log(), pullRequestsBeforeNextPage: [...seen.values()] };
}

test('without $top: pull requests under the first repository page are asked for before the next page; same rows and calls as without the head start', async () => {
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 10 });
  const query = "/odata/PullRequests?$filter=State eq 'OPEN'&$select=Workspace,RepositorySlug,Id";
  const early = await readWatching(query);
  const inTurn = await readWatching(`${query}&$top=100000`);
  const repositoryPages = early.calls.filter((call) => isRepositoryList(call) && call.query.page !== undefined && call.query.page !== '1');
  expect(repositoryPages.length).toBeGreaterThan(0);
  // Seen at the moment the next page arrived (the log is polled while the request runs); arrival order proves it too.
  expect(early.pullRequestsBeforeNextPage.some((count) => count > 0)).toBe(true);
  expect(inTurn.pullRequestsBeforeNextPage.every((count) => count === 0)).toBe(true);
  const firstNextPage = repositoryPages[0].seq;
  expect(early.calls.some((call) => isPullRequestList(call) && call.seq < firstNextPage)).toBe(true);
  expect((early.body as { value: unknown[] }).value).toEqual((inTurn.body as { value: unknown[] }).value);
  const shape = (calls: LoggedCall[]) => calls.map((call) => `${call.path}?${new URLSearchParams(call.query as Record<string, string>).toString()}`).sort();
  expect(shape(early.calls)).toEqual(shape(inTurn.calls));
  expect(early.calls.every((call) => call.status === 200)).toBe(true);
});
