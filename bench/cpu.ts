/**
 * `npm run bench:cpu`: the gateway's own CPU per row passed through, and per upstream page (issue #15.3: targets
 * ≤ 5 µs per row, ≤ 1 ms per upstream page). The large-seed sandbox runs in one child process and the gateway in
 * another (`src/server.ts`, MAX_PAGE_SIZE=100000), so neither the sandbox's nor this client's CPU is counted: the
 * gateway's is read from /proc/<pid>/stat (user + system, Linux) before and after each run. Runs:
 * - `Commits?$top=100000` in one response (streamed in chunks);
 * - the same 100,000 rows walked in 1000-row and in 100-row pages (`Prefer: odata.maxpagesize`, following every
 *   nextLink), which adds per page the token, the plan and the response's own overhead;
 * - `$select=Hash,Date` in one response, the narrow projection Power BI sends.
 * Each prints rows, upstream calls (`X-Upstream-Requests`, a trailer on a streamed answer), wall time, gateway CPU
 * in µs per row and in ms per upstream call (a Bitbucket commits page holds 100 rows). Every run is done
 * BENCH_RUNS times (3) after a warm-up and the median is printed.
 *
 * `BENCH_CPU_PROF=<dir>` starts the gateway with `node --cpu-prof --cpu-prof-dir=<dir>`: the profile is written when
 * the gateway exits at the end (open it in Chrome DevTools or speedscope).
 */
import http from 'node:http';
import path from 'node:path';
import { DEMO_USER } from '../sandbox/identities';
import { startGatewayProcess, type GatewayProcess } from './gateway-process';
import { startSandboxProcess, UNCAPPED } from './sandbox-process';

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7996);
const GATEWAY_PORT = Number(process.env.BENCH_GATEWAY_PORT ?? 8096);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
interface Answer {
  rows: number;
  calls: number;
  nextLink?: string;
}

/** One GET through the gateway: the rows of its `value`, its upstream calls and its nextLink. */
function get(pathAndQuery: string, pageSize?: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${DEMO_USER.bearerToken}` };
    if (pageSize !== undefined) headers.Prefer = `odata.maxpagesize=${pageSize}`;
    http
      .get({ port: GATEWAY_PORT, path: pathAndQuery, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) return reject(new Error(`${pathAndQuery} → ${response.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`));
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value: unknown[]; '@odata.nextLink'?: string };
          // A streamed answer reports its calls in a trailer (the header holds those made before the first byte).
          const calls = Number(response.trailers['x-upstream-requests'] ?? response.headers['x-upstream-requests']);
          resolve({ rows: body.value.length, calls, nextLink: body['@odata.nextLink'] });
        });
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Follow every nextLink from `url`; the gateway writes absolute links, of which only path and query are used. */
async function walk(url: string, pageSize?: number): Promise<Answer & { pages: number }> {
  let next: string | undefined = url;
  let rows = 0;
  let calls = 0;
  let pages = 0;
  while (next !== undefined) {
    const answer: Answer = await get(next, pageSize);
    rows += answer.rows;
    calls += answer.calls;
    pages++;
    next = answer.nextLink === undefined ? undefined : new URL(answer.nextLink).pathname + new URL(answer.nextLink).search;
  }
  return { rows, calls, pages };
}

interface Run {
  name: string;
  url: string;
  pageSize?: number;
}

const RUNS_TO_MEASURE: Run[] = [
  { name: 'one response', url: `/odata/Commits?$top=${ROWS}` },
  { name: '1000-row pages', url: `/odata/Commits?$top=${ROWS}`, pageSize: 1000 },
  { name: '100-row pages', url: `/odata/Commits?$top=${ROWS}`, pageSize: 100 },
  { name: 'one response, $select=Hash,Date', url: `/odata/Commits?$top=${ROWS}&$select=Hash,Date` },
];

interface Figures {
  rows: number;
  calls: number;
  pages: number;
  wallMs: number;
  cpuMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(gateway: GatewayProcess, run: Run): Promise<Figures> {
  const samples: Figures[] = [];
  for (let index = 0; index < RUNS; index++) {
    const cpuBefore = gateway.cpuMs();
    const started = performance.now();
    const answer = await walk(encodeURI(run.url), run.pageSize);
    samples.push({ rows: answer.rows, calls: answer.calls, pages: answer.pages, wallMs: performance.now() - started, cpuMs: gateway.cpuMs() - cpuBefore });
  }
  const cpu = median(samples.map((sample) => sample.cpuMs));
  return { ...samples[0], wallMs: median(samples.map((sample) => sample.wallMs)), cpuMs: cpu };
}

async function main(): Promise<void> {
  const sandbox = await startSandboxProcess(SANDBOX_PORT);
  let gateway: GatewayProcess | undefined;
  try {
    const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, '--require', require.resolve('tsx/cjs'), '--require', path.join(__dirname, 'exit-on-sigint.ts')] : [];
    gateway = await startGatewayProcess(GATEWAY_PORT, { ...UNCAPPED, BITBUCKET_API_URL: `http://127.0.0.1:${SANDBOX_PORT}/2.0`, MAX_PAGE_SIZE: '100000' }, profile);
    // Warm-up: JIT, the sandbox's own caches, the gateway's first fan-out.
    await walk(encodeURI(`/odata/Commits?$top=20000`));
    await walk(encodeURI(`/odata/Commits?$top=5000`), 100);
    console.log(`gateway CPU (user + system, from /proc) per run, median of ${RUNS}; large seed\n`);
    console.log('run'.padEnd(34), 'rows'.padStart(7), 'pages'.padStart(6), 'calls'.padStart(6), 'wall ms'.padStart(8), 'CPU ms'.padStart(8), 'µs/row'.padStart(7), 'ms/upstream call'.padStart(17));
    for (const run of RUNS_TO_MEASURE) {
      const figures = await measure(gateway, run);
      console.log(
        run.name.padEnd(34),
        String(figures.rows).padStart(7),
        String(figures.pages).padStart(6),
        String(figures.calls).padStart(6),
        figures.wallMs.toFixed(0).padStart(8),
        figures.cpuMs.toFixed(0).padStart(8),
        ((figures.cpuMs * 1000) / Math.max(1, figures.rows)).toFixed(1).padStart(7),
        (figures.cpuMs / Math.max(1, figures.calls)).toFixed(2).padStart(17),
      );
    }
  } finally {
    // SIGINT lets node write the CPU profile on its way out.
    await gateway?.stop('SIGINT');
    sandbox.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
