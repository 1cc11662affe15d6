/**
 * Every Bitbucket call a read makes is counted, read ahead or not (issue #15, `src/plan/read-ahead.ts`): the calls the
 * sandbox received for a request equal its `X-Upstream-Requests` (the header; for a streamed answer the trailer,
 * which carries them all), its request log line's `upstreamRequests`, and what the budget per principal took
 * (`X-Budget-Remaining` falls by exactly the calls the sandbox saw). Each upstream page takes a while here, so a page
 * read ahead would still be on its way when the answer's last row is in hand; the sandbox is asked again a while after
 * each answer, so a call sent late would show.
 * - A streamed page that ends at its size (more rows to come) and a fan-out `$top`: `readAhead.settled()` is awaited
 *   before the count is written, and the size rule leaves nothing in flight there (the suspicion that such pages go
 *   uncounted did not hold); these rows guard it.
 * - A client that leaves mid-answer: the calls in flight are aborted (stop-work.ts). They were sent and the budget took
 *   them, but an aborted attempt was never reported (sendAttempt rejects), and the log line was written on the same
 *   'close' before any abort settled: 3 counted of 4 received before the fix.
 * - A streamed read that fails before its first byte (`feedInTurn`): it answered at the failure, while first pages read
 *   ahead were still on their way (aborted when the answer closed, counted after its header and log line): 6 counted of
 *   10 received before the fix. It now waits for them, as `collectInTurn` does. (A failure after the first byte breaks
 *   the connection, which aborts what is in flight and counts it before the log line: that path agreed already.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { callLedger } from './support/call-ledger';

const BUDGET = 100_000;
let stack: Stack;
let server: http.Server;
let port: number;
beforeAll(async () => {
  stack = await startStack({ config: { maxPageSize: 100_000 }, env: { UPSTREAM_BUDGET_PER_HOUR: String(BUDGET), UPSTREAM_MAX_RETRIES: '0' } });
  server = stack.app.listen(0);
  port = (server.address() as AddressInfo).port;
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 15 });
  await stack.clearUpstreamCalls();
});
afterAll(async () => {
  server.close();
  await stack.close();
});

const LATE_MS = 150;

interface Answer {
  status: number;
  header: number;
  trailer?: number;
  remaining?: number;
  rows: number;
  complete: boolean;
}

/** One GET on a real socket, read to its end (trailers included), or dropped after its first bytes (`leaveEarly`). */
function get(path: string, prefer?: string, leaveEarly = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: DEMO_BEARER, ...(prefer ? { Prefer: prefer } : {}) };
    const request = http.get({ port, path, headers }, (response) => {
      let body = '';
      const answer = (complete: boolean): Answer => ({
        status: response.statusCode ?? 0,
        header: Number(response.headers['x-upstream-requests']),
        ...(response.trailers['x-upstream-requests'] !== undefined ? { trailer: Number(response.trailers['x-upstream-requests']) } : {}),
        ...(response.headers['x-budget-remaining'] !== undefined ? { remaining: Number(response.headers['x-budget-remaining']) } : {}),
        rows: complete ? (JSON.parse(body) as { value: unknown[] }).value.length : 0,
        complete,
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (leaveEarly) {
          request.destroy();
          resolve(answer(false));
        }
      });
      response.on('end', () => resolve(answer(true)));
    });
    request.on('error', (error) => (leaveEarly ? undefined : reject(error)));
  });
}

const { callsSince, loggedCalls } = callLedger(() => stack, LATE_MS);

/** What the budget took so far: a small request's `X-Budget-Remaining` after it is the budget less every call. */
let spent = 0;
async function budgetAgrees(): Promise<void> {
  const probe = await get('/odata/Workspaces?$select=Slug');
  const { later } = await callsSince();
  spent += later;
  expect(probe.remaining).toBe(BUDGET - spent);
}

test.each([
  // A `$top` the first streams fill, collected (not streamed): read ahead by sizes, and over-read where they guess wrong.
  { name: 'a fan-out $top collected (pipelines, read whole)', path: '/odata/Pipelines?$select=Workspace,RepositorySlug,Uuid&$top=7', prefer: undefined },
  { name: 'a fan-out $top collected (pull requests in key order)', path: '/odata/PullRequests?$select=Workspace,RepositorySlug,Id&$top=12', prefer: undefined },
  // Streamed (a page above 1000 rows): the page ends at its size with more rows to come (a nextLink), streams read ahead.
  { name: 'a streamed page ending at its size (commits, no $top)', path: '/odata/Commits?$select=Hash', prefer: 'odata.maxpagesize=1100' },
  { name: 'a streamed page ending at its size (commits, $top)', path: '/odata/Commits?$select=Hash&$top=3000', prefer: 'odata.maxpagesize=1100' },
])('$name: the sandbox saw what the answer counts', async ({ path, prefer }) => {
  const answer = await get(path, prefer);
  expect(answer.status).toBe(200);
  expect(answer.complete).toBe(true);
  const { atAnswer, later } = await callsSince();
  spent += later;
  const counted = answer.trailer ?? answer.header;
  expect({ counted, logged: loggedCalls(path).upstreamRequests, later }).toEqual({ counted: atAnswer, logged: atAnswer, later: atAnswer });
  if (prefer) {
    expect(answer.rows).toBe(1100);
    expect(answer.trailer).toBeDefined();
  }
  await budgetAgrees();
});

test('a client that leaves mid-answer: what was sent is counted in its log line and the budget, and nothing runs after', async () => {
  const path = '/odata/Commits?$select=Hash&$top=2900';
  const answer = await get(path, 'odata.maxpagesize=5000', true);
  expect(answer.complete).toBe(false);
  const { later } = await callsSince();
  spent += later;
  const logged = loggedCalls(path);
  expect(logged.status).toBe(499);
  expect(logged.upstreamRequests).toBe(later);
  await budgetAgrees();
});

test('a streamed read that fails before its first byte, pages read ahead still on their way: its header, log line and budget count each', async () => {
  // A `$skip` past every row keeps the whole read before the first byte, so a failure is the answer's own status. The
  // sixth Bitbucket call fails, at once (faults seeded: calls 1-5 and 7-14 pass, each answered 120 ms late), while the
  // first pages of the repositories after it, read ahead, are still on their way.
  const path = '/odata/PullRequests?$skip=5000&$top=5000&$select=Workspace,RepositorySlug,Id,Title';
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 0, responseDelayMs: 120, errorRate: 0.2, seed: 246 });
  const answer = await stack.request.get(path).set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=5000');
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 15, responseDelayMs: 0, errorRate: 0 });
  expect(answer.status).toBe(502);
  const { atAnswer, later } = await callsSince();
  spent += later;
  const calls = (await stack.upstreamCalls()).slice(-later);
  // One call failed, and repositories after it were asked for with it (read ahead). Before the fix the answer went
  // out at the failure: 6 counted in its header and log line of the 10 the sandbox received (the rest aborted after).
  const failedAt = calls.findIndex((call) => call.status >= 500);
  expect(calls.filter((call) => call.status >= 500)).toHaveLength(1);
  expect(calls.length - failedAt - 1).toBeGreaterThanOrEqual(2);
  expect({ header: Number(answer.headers['x-upstream-requests']), logged: loggedCalls(path).upstreamRequests, atAnswer }).toEqual({ header: later, logged: later, atAnswer: later });
  await budgetAgrees();
});
