/**
 * A few seconds of `npm run bench:load` (bench/reliability/load.ts) against the gateway as `npm start` starts it:
 * 200 keep-alive connections, then resources back at the baseline; hostile inputs refused with a 4xx while the
 * gateway keeps answering; slow-header connections that do not block other clients, and finite server timeouts.
 */
import { HOSTILE_CASES, rawExchange, runHostileInputs, runKeepAliveLoad, runSlowloris, serverTimeouts } from '../../bench/reliability/load';
import { startReliabilityStack, type ReliabilityStack } from '../../bench/reliability/reliability-stack';

let stack: ReliabilityStack;

beforeAll(async () => {
  stack = await startReliabilityStack();
});
afterAll(() => stack?.close());

test('200 keep-alive connections for 1.5 s: every answer 200, then no connection held and no handle or heap left over', async () => {
  const report = await runKeepAliveLoad(stack, { connections: 200, seconds: 1.5 });
  expect([...report.statuses.keys()]).toEqual([200]);
  expect(report.requests).toBeGreaterThanOrEqual(200);
  expect(report.after.serverConnections).toBe(0);
  expect(report.after.handles).toBeLessThanOrEqual(report.before.handles);
  // Without --expose-gc (jest) the heap is sampled as it is: the bound is loose, a leak per request would break it.
  expect(report.after.heapUsedMb).toBeLessThan(report.before.heapUsedMb * 2 + 20);
}, 30_000);

test('hostile inputs are refused with a 4xx at once, and the next request is answered', async () => {
  const results = await runHostileInputs(stack, 5_000, HOSTILE_CASES.filter(({ name }) => name !== 'chunked body that never ends'));
  for (const { name, outcome, nextRequestStatus } of results) {
    expect({ name, status: outcome.kind === 'answer' ? outcome.status : outcome.kind, nextRequestStatus }).toEqual({ name, status: expect.any(Number), nextRequestStatus: 200 });
    if (outcome.kind === 'answer') expect({ name, status: outcome.status >= 400 && outcome.status < 500 }).toEqual({ name, status: true });
  }
  expect(results.map(({ name }) => name)).toEqual(expect.arrayContaining(['huge headers (100 × 1 kB)', '1 MB URL', '10 MB body']));
}, 60_000);

/** body-limit.ts counts a chunked body as it arrives and refuses it once it is over 1 MB, closing the connection. */
test('a chunked body that never ends is refused with 413 within 3 s', async () => {
  const chunked = HOSTILE_CASES.find(({ name }) => name === 'chunked body that never ends');
  const outcome = await rawExchange(Number(new URL(stack.gatewayUrl).port), chunked!.feed, 3_000);
  expect(outcome).toEqual({ kind: 'answer', status: 413, afterMs: expect.any(Number) });
}, 10_000);

test('20 connections sending their headers a byte a second do not hold up another client', async () => {
  const report = await runSlowloris(stack, { connections: 20, observeMs: 1_500 });
  expect(report.normalRequestStatus).toBe(200);
  expect(report.normalRequestMs).toBeLessThan(5_000);
}, 15_000);

test('the server bounds slow and endless requests (20 s for headers, 30 s for a whole request)', () => {
  const timeouts = serverTimeouts(stack);
  expect(timeouts.headersTimeout).toBeGreaterThan(0);
  expect(timeouts.headersTimeout).toBeLessThanOrEqual(20_000);
  expect(timeouts.requestTimeout).toBeGreaterThan(0);
  expect(timeouts.requestTimeout).toBeLessThanOrEqual(30_000);
});
