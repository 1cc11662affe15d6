/**
 * What every request pays before and after its own work (issue #15: ≤ 1 ms added per upstream page): the upstream
 * gate lets a request through in the same turn once Bitbucket has answered like Bitbucket, the abort reason of an
 * answered request is made without a stack, and plans are described only for a log line that is written or a caller
 * that asked for them.
 */
import { ClientGone } from '../../src/http/request-context';
import { upstreamGate } from '../../src/http/upstream-gate';
import { EXPLAIN_REQUEST_HEADER, upstreamPlanRecorder } from '../../src/http/upstream-plan-header';
import { createLogger } from '../../src/logger';
import { UpstreamReadiness } from '../../src/upstream-readiness';
import type { Request, Response } from 'express';

const quiet = createLogger('error', () => undefined);

test('a ready upstream lets the request through in the same turn: no promise, no microtask hop', async () => {
  const readiness = new UpstreamReadiness({ url: 'http://bitbucket.invalid/2.0', probe: async () => ({ kind: 'bitbucket' }), logger: quiet });
  readiness.start();
  expect((await readiness.settled()).kind).toBe('bitbucket');
  const calls: unknown[][] = [];
  upstreamGate(readiness)({} as Request, {} as Response, (...args: unknown[]) => calls.push(args));
  expect(calls).toEqual([[]]);
});

test('an upstream not checked yet still holds the request until the check says why not', async () => {
  let answer: (state: { kind: 'unreachable'; problem: string }) => void = () => undefined;
  const readiness = new UpstreamReadiness({ url: 'http://bitbucket.invalid/2.0', probe: () => new Promise((resolve) => (answer = resolve)), logger: quiet });
  readiness.start();
  const calls: unknown[][] = [];
  upstreamGate(readiness)({} as Request, {} as Response, (...args: unknown[]) => calls.push(args));
  expect(calls).toEqual([]);
  answer({ kind: 'unreachable', problem: 'connection refused' });
  await readiness.settled();
  await new Promise((resolve) => setImmediate(resolve));
  readiness.stop();
  expect(calls).toHaveLength(1);
  expect(String(calls[0][0])).toContain('connection refused');
});

test('ClientGone, made for every answered request, captures no stack and leaves Error.stackTraceLimit as it was', () => {
  const limit = Error.stackTraceLimit;
  const gone = new ClientGone();
  expect(gone).toBeInstanceOf(ClientGone);
  expect(gone).toBeInstanceOf(Error);
  expect(gone.name).toBe('ClientGone');
  expect(gone.message).toBe('the client closed the connection before the answer was ready');
  expect(gone.stack).not.toContain('\n    at ');
  expect(Error.stackTraceLimit).toBe(limit);
  expect(new Error('another').stack).toContain('\n    at ');
});

test.each([
  ['the request line is written', true, undefined, true],
  ['the request line is written and X-Explain asks', true, '1', true],
  ['the request line is not written (LOG_LEVEL=warn) and X-Explain asks', false, '1', true],
  ['the request line is not written and nobody asks', false, undefined, false],
])('plans are recorded when %s: %j, %j → %j', (_case, logged, explain, recorded) => {
  const req = { res: { headersSent: false }, get: (name: string) => (name === EXPLAIN_REQUEST_HEADER ? explain : undefined) } as unknown as Request;
  expect(upstreamPlanRecorder(req, logged) !== undefined).toBe(recorded);
});
