/**
 * An error answer after partial reads counts every call the request sent (house rule: counts and rows agree): its
 * `X-Upstream-Requests`, its request log line's `upstreamRequests`, the budget per principal and the calls the sandbox
 * received agree, also when asked again a while later (no call runs on after the answer). A fan-out's reads run
 * FAN_OUT_CONCURRENCY at a time (map-with-concurrency.ts); when one of them decides the answer, the others were still
 * on their way. Before the fix the answer went out at the first failure and the calls still in flight were counted
 * after its header and log line (aborted when the answer closed):
 * - a `400 FanOutTooWide` (resolve-streams.ts) while other parent lists were read: CommitStatuses on the default seed
 *   counted 22 of the 24 calls the budget and the sandbox saw; here (MAX_FAN_OUT 300) 11-13 of 14 on CommitStatuses
 *   (timing: 1 run in 3 had nothing in flight), 22-23 of 25 on PullRequestCommits (PullRequestDiffstat alike);
 *   now the refusal also abandons the lists in flight (spec/plan/fan-out-refusal-abandons.spec.ts), so they read no
 *   further pages: 22 calls on the default seed instead of 24;
 * - a 502 from one stream of a fan-out read whole or counted: 4 counted of 7 received.
 * Already right, kept as a guard: the `400 UpstreamCallCap` (the call that reaches the cap aborts the others at once: 33
 * sent and counted at a cap of 30; also in key order and on a `$count`). A 502 on a read in key order was fixed before
 * (feedInTurn waits, read-ahead-counted.spec.ts).
 */
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { callLedger } from './support/call-ledger';

const BUDGET = 100_000;
const LATE_MS = 150;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ config: { maxFanOut: 300, maxUpstreamCallsPerRequest: 30 }, env: { UPSTREAM_BUDGET_PER_HOUR: String(BUDGET), UPSTREAM_MAX_RETRIES: '0' } });
  // Each call takes a while, so the fan-out's other reads are on their way when one of them decides the answer.
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 15 });
  await stack.clearUpstreamCalls();
});
afterAll(() => stack.close());

const { callsSince, loggedCalls } = callLedger(() => stack, LATE_MS);

/**
 * What the budget took beyond the calls the sandbox received so far: a small request's `X-Budget-Remaining` after
 * them is the budget less every call, so 0 when they agree.
 */
let spent = 0;
async function budgetBeyondSandbox(): Promise<number> {
  const probe = await stack.request.get('/odata/Workspaces?$select=Slug').set('Authorization', DEMO_BEARER);
  spent += (await callsSince()).later;
  return BUDGET - Number(probe.headers['x-budget-remaining']) - spent;
}

async function answer(path: string, headers: Record<string, string> = {}) {
  const response = await stack.request.get(path).set('Authorization', DEMO_BEARER).set(headers);
  const { atAnswer, later } = await callsSince();
  spent += later;
  return {
    status: response.status,
    code: (response.body as { error?: { code: string } }).error?.code,
    counts: { header: Number(response.headers['x-upstream-requests']), logged: loggedCalls(path).upstreamRequests, atAnswer, sandbox: later },
  };
}

test.each([
  { name: 'CommitStatuses over every repository', path: '/odata/CommitStatuses' },
  { name: 'PullRequestCommits over every repository (per pull request)', path: '/odata/PullRequestCommits' },
])('$name: a 400 FanOutTooWide counts the calls it had in flight', async ({ path }) => {
  const { status, code, counts } = await answer(path);
  expect({ status, code }).toEqual({ status: 400, code: 'FanOutTooWide' });
  expect(counts).toEqual({ header: counts.sandbox, logged: counts.sandbox, atAnswer: counts.sandbox, sandbox: counts.sandbox });
  expect(await budgetBeyondSandbox()).toBe(0);
});

test.each([
  { name: 'a $count over every repository', path: '/odata/PullRequests?$count=true&$top=0' },
  { name: 'pipelines over every repository, read whole', path: '/odata/Pipelines?$select=Workspace,RepositorySlug,Uuid' },
])('$name: a 502 from one stream counts the calls its fan-out had in flight', async ({ path }) => {
  // Faults seeded: one call of the first few fails at once, the others are answered 120 ms late, so still in flight.
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 0, responseDelayMs: 120, errorRate: 0.2, seed: 246 });
  const { status, counts } = await answer(path);
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 15, responseDelayMs: 0, errorRate: 0 });
  expect(status).toBe(502);
  expect(counts).toEqual({ header: counts.sandbox, logged: counts.sandbox, atAnswer: counts.sandbox, sandbox: counts.sandbox });
  expect(await budgetBeyondSandbox()).toBe(0);
});

test.each([
  { name: 'commits over every repository, read whole to sort', path: '/odata/Commits?$select=Hash&$orderby=Message' },
])('$name: a 400 UpstreamCallCap counts the calls in flight at the cap', async ({ path }) => {
  const { status, code, counts } = await answer(path);
  expect({ status, code }).toEqual({ status: 400, code: 'UpstreamCallCap' });
  expect(counts).toEqual({ header: counts.sandbox, logged: counts.sandbox, atAnswer: counts.sandbox, sandbox: counts.sandbox });
  expect(await budgetBeyondSandbox()).toBe(0);
});
