/**
 * `npm run bench:fault-diff`: the same generated read queries (spec/helpers/random-query.ts, the differential suite's
 * generator) against two stacks over the same seed: a fault-free twin, then a gateway whose sandbox injects server
 * errors, connection resets, truncated bodies and latency. Every faulted answer, followed through all its nextLinks,
 * must be identical to the twin's or a clean upstream error (502/503/504 with an OData error body): never a different
 * 200, which would be a wrong answer that looks right. Prints identical / clean error / WRONG; exits 1 on a WRONG.
 *
 * The two stacks run one after the other. Each sandbox owns its fault settings (sandbox/sandbox-state.ts), so the
 * twin's sandbox never sees the faulted one's.
 *
 *   FAULT_DIFF_QUERIES=1500 SANDBOX_ERROR_RATE=0.1 SANDBOX_RESET_RATE=0.05 SANDBOX_TRUNCATE_RATE=0.05 SANDBOX_LATENCY_MS=0 npm run bench:fault-diff
 */
import http from 'node:http';
import type { Row } from '../../src/odata/ast';
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import type { FaultOptions } from '../../sandbox/options';
import { createPrng } from '../../spec/helpers/prng';
import { randomQuery } from '../../spec/helpers/random-query';
import { odataErrorProblem, UPSTREAM_FAILURE_STATUSES, formatStatusCounts } from './judge-answer';
import { DEMO_AUTHORIZATION, startReliabilityStack } from './reliability-stack';
import { sendRequest } from './send-request';

const SETS = ENTITY_SETS.filter((def) => !def.singleton);

/** A whole answer, every page: the rows and count, or the first non-200 page's status and error code. */
export type WalkResult =
  | { kind: 'rows'; rows: Row[]; count?: number; pages: number }
  | { kind: 'error'; status: number; code: string; clean: boolean; detail: string };

export async function walk(gatewayUrl: string, url: string, options: { agent: http.Agent; timeoutMs: number; maxPageSize: number }): Promise<WalkResult> {
  const rows: Row[] = [];
  let count: number | undefined;
  let next: string | undefined = url;
  let pages = 0;
  while (next !== undefined) {
    const result = await sendRequest(gatewayUrl, { method: 'GET', path: next, headers: { Authorization: DEMO_AUTHORIZATION, Prefer: `odata.maxpagesize=${options.maxPageSize}` } }, options);
    if (result.kind !== 'answer') return { kind: 'error', status: 0, code: result.kind, clean: false, detail: result.kind === 'hang' ? 'hang' : result.reason };
    if (result.status !== 200) {
      const problem = odataErrorProblem(result);
      let code = 'none';
      try {
        code = (JSON.parse(result.body) as { error: { code: string } }).error.code;
      } catch {
        // The problem says what is wrong with the body.
      }
      return { kind: 'error', status: result.status, code, clean: problem === undefined, detail: problem ?? result.body.slice(0, 300) };
    }
    const body = JSON.parse(result.body) as { value: Row[]; '@odata.count'?: number; '@odata.nextLink'?: string };
    // Control information (@odata.etag, links) is not data: compare properties only.
    rows.push(...body.value.map((row) => Object.fromEntries(Object.entries(row).filter(([name]) => !name.startsWith('@')))));
    if (pages === 0) count = body['@odata.count'];
    next = body['@odata.nextLink']?.replace(/^https?:\/\/[^/]+/, '');
    pages += 1;
    if (pages > 1_000) return { kind: 'error', status: 0, code: 'nextLink loop', clean: false, detail: url };
  }
  return { kind: 'rows', rows, count, pages };
}

export type Verdict = 'identical' | 'clean error' | 'WRONG';

/** A faulted answer is right when it equals the twin's, or is an upstream failure told as one. */
export function judgeAgainstTwin(twin: WalkResult, faulted: WalkResult): Verdict {
  if (JSON.stringify(twin) === JSON.stringify(faulted)) return 'identical';
  if (faulted.kind === 'error' && faulted.clean && UPSTREAM_FAILURE_STATUSES.has(faulted.status)) return 'clean error';
  return 'WRONG';
}

export interface FaultDiffReport {
  queries: number;
  verdicts: Map<Verdict, number>;
  /** Faulted answers by status of their first non-200 page (200 when every page was). */
  faultedStatuses: Map<number, number>;
  wrong: Array<{ url: string; twin: string; faulted: string }>;
  sandboxFaults: Partial<FaultOptions>;
  /** Sets not queried because the twin could not read them whole (a 4xx, e.g. 400 FanOutTooWide). */
  skipped: string[];
}

/** The queries: `count` of them, round-robin over the entity sets, literals drawn from each set's rows. */
function generateQueries(fullSets: Map<string, Row[]>, sets: readonly string[], count: number, seed: number): string[] {
  const rnd = createPrng(seed);
  const defs = SETS.filter((def) => sets.includes(def.name));
  return Array.from({ length: count }, (_, i) => {
    const def = defs[i % defs.length];
    const query = randomQuery(def, fullSets.get(def.name) ?? [], createPrng(rnd.int(2 ** 31)));
    return `/odata/${def.name}${query ? `?${query}` : ''}`;
  });
}

async function inParallel<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

export async function runFaultDiff(options: {
  queries: number;
  seed: number;
  faults: Partial<FaultOptions>;
  concurrency: number;
  timeoutMs: number;
  maxPageSize?: number;
  /** Entity sets to query (default: all); a fast slice may leave out the sets whose reads fan out widest. */
  sets?: readonly string[];
}): Promise<FaultDiffReport> {
  // Idle sockets dropped before the gateway's 5 s keep-alive timeout (fuzz.ts says why).
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency, timeout: 4_000 });
  const walkOptions = { agent, timeoutMs: options.timeoutMs, maxPageSize: options.maxPageSize ?? 100 };
  const skipped: string[] = [];
  try {
    // The twin: no faults. Full sets first (for literals that match data), then every query's answer.
    const twin = await startReliabilityStack();
    let queries: string[];
    let twinAnswers: WalkResult[];
    try {
      const wanted = options.sets ?? SETS.map((def) => def.name);
      const fullSets = new Map<string, Row[]>();
      for (const def of SETS.filter((candidate) => wanted.includes(candidate.name))) {
        const full = await walk(twin.gatewayUrl, `/odata/${def.name}`, { ...walkOptions, maxPageSize: 1_000 });
        // A set the gateway refuses to read whole (400 FanOutTooWide: it needs a parent fixed) gives no literals: skipped.
        if (full.kind === 'error' && full.status >= 400 && full.status < 500) {
          skipped.push(`${def.name} (${full.code})`);
          continue;
        }
        if (full.kind !== 'rows') throw new Error(`the fault-free twin could not read ${def.name}: ${full.status} ${full.detail}`);
        fullSets.set(def.name, full.rows);
      }
      queries = generateQueries(fullSets, [...fullSets.keys()], options.queries, options.seed);
      twinAnswers = await inParallel(queries, options.concurrency, (url) => walk(twin.gatewayUrl, url, walkOptions));
    } finally {
      await twin.close();
    }
    // The faulted stack: the same seed's data, faults on from the first query (after the gateway's start-up check).
    const faulted = await startReliabilityStack({ sandbox: { faults: options.faults } });
    try {
      const report: FaultDiffReport = { queries: queries.length, verdicts: new Map(), faultedStatuses: new Map(), wrong: [], sandboxFaults: options.faults, skipped };
      await inParallel(queries, options.concurrency, async (url, index) => {
        const answer = await walk(faulted.gatewayUrl, url, walkOptions);
        const verdict = judgeAgainstTwin(twinAnswers[index], answer);
        report.verdicts.set(verdict, (report.verdicts.get(verdict) ?? 0) + 1);
        const status = answer.kind === 'rows' ? 200 : answer.status;
        report.faultedStatuses.set(status, (report.faultedStatuses.get(status) ?? 0) + 1);
        if (verdict === 'WRONG') report.wrong.push({ url, twin: JSON.stringify(twinAnswers[index]).slice(0, 400), faulted: JSON.stringify(answer).slice(0, 400) });
      });
      return report;
    } finally {
      await faulted.close();
    }
  } finally {
    agent.destroy();
  }
}

export function printFaultDiff(report: FaultDiffReport): void {
  console.log(`queries: ${report.queries}, sandbox faults ${JSON.stringify(report.sandboxFaults)}`);
  if (report.skipped.length > 0) console.log(`sets not queried (not readable whole): ${report.skipped.join(', ')}`);
  console.log('| answer | queries |\n|---|---|');
  for (const verdict of ['identical', 'clean error', 'WRONG'] as const) console.log(`| ${verdict} | ${report.verdicts.get(verdict) ?? 0} |`);
  console.log(`faulted answers by status: ${formatStatusCounts(report.faultedStatuses)}`);
  for (const wrong of report.wrong.slice(0, 20)) console.log(`WRONG ${wrong.url}\n  twin:    ${wrong.twin}\n  faulted: ${wrong.faulted}`);
}

async function main(): Promise<void> {
  const rate = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const faults: Partial<FaultOptions> = {
    errorRate: rate('SANDBOX_ERROR_RATE', 0.1),
    resetRate: rate('SANDBOX_RESET_RATE', 0.05),
    truncateRate: rate('SANDBOX_TRUNCATE_RATE', 0.05),
    latencyMs: rate('SANDBOX_LATENCY_MS', 0),
  };
  const started = Date.now();
  const report = await runFaultDiff({
    queries: Number(process.env.FAULT_DIFF_QUERIES ?? 1_500),
    seed: Number(process.env.FAULT_DIFF_SEED ?? 4242),
    faults,
    concurrency: Number(process.env.FAULT_DIFF_CONCURRENCY ?? 8),
    timeoutMs: Number(process.env.FAULT_DIFF_TIMEOUT_MS ?? 60_000),
  });
  printFaultDiff(report);
  console.log(`(${Math.round((Date.now() - started) / 1000)} s)`);
  if (report.wrong.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
