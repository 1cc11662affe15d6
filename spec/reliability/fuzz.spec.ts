/**
 * A fixed-seed slice of `npm run bench:fuzz` (bench/reliability/fuzz.ts): 300 generated hostile requests against the
 * gateway on a real port over the sandbox. Each answer is clean (bench/reliability/judge-answer.ts): no 5xx but 501
 * and the documented upstream 502/503/504 with an OData error, no hang, every 4xx an OData error with a message.
 * fast-check shrinks a failing request to a small one and prints it with the seed to replay it.
 */
import http from 'node:http';
import { fc, fuzzRequest } from '../../bench/reliability/fuzz-requests';
import { fuzzOnce } from '../../bench/reliability/fuzz';
import { answerProblem } from '../../bench/reliability/judge-answer';
import { startReliabilityStack, type ReliabilityStack } from '../../bench/reliability/reliability-stack';

let stack: ReliabilityStack;
// Idle sockets dropped before the gateway's 5 s keep-alive timeout (bench/reliability/fuzz.ts says why).
const agent = new http.Agent({ keepAlive: true, maxSockets: 1, timeout: 4_000 });

beforeAll(async () => {
  stack = await startReliabilityStack({ env: { REQUEST_DEADLINE_SECONDS: '10' } });
});
afterAll(async () => {
  agent.destroy();
  await stack?.close();
});

describe('fuzz slice', () => {
  test('300 hostile requests: every answer clean, none hangs, no unhandled error logged', async () => {
    const statuses = new Map<number | string, number>();
    await fc.assert(
      fc.asyncProperty(fuzzRequest(), async (request) => {
        const outcome = await fuzzOnce(stack.gatewayUrl, request, { timeoutMs: 20_000, agent });
        statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
        if (outcome.problem) throw new Error(outcome.problem);
      }),
      { seed: 20260825, numRuns: 300, endOnFailure: false },
    );
    expect(stack.logLines.filter((line) => line.includes('"unhandled error"'))).toEqual([]);
    // The slice reaches past validation: some requests are answered with data, some refused, some as not implemented.
    expect(statuses.get(200)).toBeGreaterThan(15);
    expect(statuses.get(400)).toBeGreaterThan(75);
  }, 150_000);

  test('the judge refuses what it must: a 500, an error without a message, a 4xx that is not JSON', () => {
    const json = 'application/json';
    expect(answerProblem({ status: 500, contentType: json, body: '{"error":{"code":"Internal","message":"x"}}' })).toMatch(/500 is not a documented answer/);
    expect(answerProblem({ status: 400, contentType: json, body: '{"error":{"code":"BadRequest","message":""}}' })).toMatch(/without a message/);
    expect(answerProblem({ status: 404, contentType: 'text/html', body: '<h1>Not found</h1>' })).toMatch(/not JSON/);
    expect(answerProblem({ status: 503, contentType: json, body: '{"error":{"code":"UpstreamUnavailable","message":"Bitbucket is unavailable"}}' })).toBeUndefined();
    expect(answerProblem({ status: 200, contentType: json, body: '{}' })).toBeUndefined();
    expect(answerProblem({ status: 431, contentType: '', body: '' })).toBeUndefined();
  });
});
