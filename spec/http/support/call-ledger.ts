/**
 * What a request's calls look like from both ends, for the "counts agree" specs (read-ahead-counted,
 * error-answer-counted): the calls the sandbox received, looked at when the answer is in and again `lateMs` later so
 * that a call still in flight at the answer shows too, and the count the gateway's request log line gave.
 */
import type { Stack } from '../../helpers/stack';

export interface CallLedger {
  /** The sandbox's calls since the last look: at the answer, and `lateMs` later. */
  callsSince(): Promise<{ atAnswer: number; later: number }>;
  /** Status and upstream calls of the last request log line for `path` (its query is ignored). */
  loggedCalls(path: string): { status: number; upstreamRequests: number };
}

export function callLedger(stack: () => Stack, lateMs: number): CallLedger {
  let seen = 0;
  return {
    async callsSince() {
      const atAnswer = (await stack().upstreamCalls()).length - seen;
      await new Promise((resolve) => setTimeout(resolve, lateMs));
      const all = (await stack().upstreamCalls()).length;
      const later = all - seen;
      seen = all;
      return { atAnswer, later };
    },
    loggedCalls(path) {
      const lines = stack()
        .logLines.map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.message === 'request' && String(line.path) === path.split('?')[0]);
      const last = lines[lines.length - 1];
      return { status: Number(last.status), upstreamRequests: Number(last.upstreamRequests) };
    },
  };
}
