/**
 * `npm run bench:fuzz`: generated hostile requests (fuzz-requests.ts) against the gateway on a real port over the
 * sandbox. Every answer must be clean (judge-answer.ts): never a 5xx but 501 and the documented upstream 502/503/504,
 * never a hang, every 4xx an OData error with a message. Prints the counts by status and each problem with the
 * request that caused it; exits 1 when there is one.
 *
 *   FUZZ_REQUESTS=30000 FUZZ_SEED=1 FUZZ_CONCURRENCY=8 FUZZ_TIMEOUT_MS=45000 npm run bench:fuzz
 */
import http from 'node:http';
import { fc, describeRequest, fuzzRequest, type FuzzRequest } from './fuzz-requests';
import { answerProblem, formatStatusCounts } from './judge-answer';
import { startReliabilityStack } from './reliability-stack';
import { sendRequest } from './send-request';

export interface FuzzReport {
  requests: number;
  /** By status, plus `hang` and `no answer`. */
  counts: Map<number | string, number>;
  problems: Array<{ request: string; problem: string }>;
}

/** Whether one answer is clean; the problem as a sentence otherwise. */
export async function fuzzOnce(gatewayUrl: string, request: FuzzRequest, options: { timeoutMs: number; agent?: http.Agent }): Promise<{ status: number | string; problem?: string }> {
  const result = await sendRequest(gatewayUrl, request, options);
  if (result.kind === 'hang') return { status: 'hang', problem: `no answer within ${result.afterMs} ms` };
  if (result.kind === 'no-answer') return { status: 'no answer', problem: result.reason };
  return { status: result.status, problem: answerProblem(result) };
}

export async function runFuzz(options: { gatewayUrl: string; seed: number; requests: number; concurrency: number; timeoutMs: number; onProgress?: (done: number) => void }): Promise<FuzzReport> {
  // Idle sockets are dropped before the gateway's 5 s keep-alive timeout, so a reused socket is never one the server
  // is closing at that moment (that race reads as ECONNRESET and is the client's, not the gateway's).
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency, timeout: 4_000 });
  const report: FuzzReport = { requests: 0, counts: new Map(), problems: [] };
  const CHUNK = 250;
  try {
    for (let offset = 0; offset < options.requests; offset += CHUNK) {
      // Generated a chunk at a time (a chunk's seed derives from the run's), so 30,000 requests never sit in memory.
      const batch = fc.sample(fuzzRequest(), { seed: options.seed + offset, numRuns: Math.min(CHUNK, options.requests - offset) });
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < batch.length) {
          const request = batch[next++];
          const outcome = await fuzzOnce(options.gatewayUrl, request, { timeoutMs: options.timeoutMs, agent });
          report.requests += 1;
          report.counts.set(outcome.status, (report.counts.get(outcome.status) ?? 0) + 1);
          if (outcome.problem) report.problems.push({ request: describeRequest(request), problem: outcome.problem });
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      options.onProgress?.(report.requests);
    }
  } finally {
    agent.destroy();
  }
  return report;
}

async function main(): Promise<void> {
  const requests = Number(process.env.FUZZ_REQUESTS ?? 30_000);
  const seed = Number(process.env.FUZZ_SEED ?? 20260825);
  const concurrency = Number(process.env.FUZZ_CONCURRENCY ?? 8);
  const timeoutMs = Number(process.env.FUZZ_TIMEOUT_MS ?? 45_000);
  // The gateway's own deadline (504 RequestDeadline) well inside the fuzzer's: a read that fans out over every pull
  // request on a busy machine must end with an answer, and only a request past both counts as a hang.
  const stack = await startReliabilityStack({ env: { REQUEST_DEADLINE_SECONDS: '20' } });
  const started = Date.now();
  try {
    console.log(`fuzz: ${requests} requests, seed ${seed}, ${concurrency} at a time, ${timeoutMs} ms per request, gateway ${stack.gatewayUrl}`);
    const report = await runFuzz({
      gatewayUrl: stack.gatewayUrl,
      seed,
      requests,
      concurrency,
      timeoutMs,
      onProgress: (done) => {
        if (done % 5_000 === 0 || done === requests) console.log(`  ${done} sent (${Math.round((Date.now() - started) / 1000)} s)`);
      },
    });
    const unhandled = stack.logLines.filter((line) => line.includes('"unhandled error"')).length;
    const fiveXx = [...report.counts.entries()].filter(([status]) => typeof status === 'number' && status >= 500).reduce((sum, [, n]) => sum + n, 0);
    console.log(`\nrequests: ${report.requests} in ${Math.round((Date.now() - started) / 1000)} s`);
    console.log(`by status: ${formatStatusCounts(report.counts)}`);
    console.log(`5xx: ${fiveXx} (501 and upstream 502/503/504 with an OData error are documented); unhandled errors logged: ${unhandled}`);
    console.log(`problems: ${report.problems.length}`);
    for (const { request, problem } of report.problems.slice(0, 50)) console.log(`  ${problem}\n    ← ${request}`);
    if (report.problems.length > 0 || unhandled > 0) process.exitCode = 1;
  } finally {
    await stack.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
