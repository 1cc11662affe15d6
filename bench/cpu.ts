/**
 * `npm run bench:cpu`: the gateway's own CPU per row passed through, and per upstream page (issue #15.3: targets
 * ≤ 5 µs per row, ≤ 1 ms per upstream page). The large-seed sandbox runs in one child process and the gateway in
 * another (`src/server.ts`, MAX_PAGE_SIZE=100000), so neither the sandbox's nor this client's CPU is counted: the
 * gateway's is read from /proc/<pid>/stat (user + system, Linux) before and after each run. Runs:
 * - `Commits?$top=100000` in one response (streamed in chunks);
 * - the same 100,000 rows walked in 1000-row and in 100-row pages (`Prefer: odata.maxpagesize`, following every
 *   nextLink), which adds per page the token, the plan and the response's own overhead;
 * - `$select=Hash,Date` in one response, the narrow projection Power BI sends.
 * - one answer asked 1000 times: one that calls nothing upstream (a constant-false filter), a repository by key and
 *   one 100-commit page (the latency bench's two reads in bench/run.ts): what one answer page costs the gateway.
 * - every pull request (`/odata/PullRequests`, ~229 upstream calls of 50 items) asked 5 times: what one upstream call
 *   costs the gateway (`BENCH_CPU_ONLY='all pull requests, x5'`), and the same with `$select=Id`, whose rows are next
 *   to nothing: the per-call cost alone.
 * Each prints rows, upstream calls (`X-Upstream-Requests`, a trailer on a streamed answer), wall time, gateway CPU
 * in µs per row, in ms per upstream call (a Bitbucket commits page holds 100 rows) and in µs per answer page. Every run is done
 * BENCH_RUNS times (3) after a warm-up and the median is printed.
 *
 * `BENCH_CPU_ONLY=<name>|<name>…` measures only the runs of those names (`BENCH_CPU_ONLY='100-row pages'`), for a
 * profile of one kind of read. The CPU is also shown split into user and system time: the system part is mostly the gateway's socket
 * writes and reads (on loopback the kernel's work for both ends of a write is charged to the writer).
 *
 * The gateway runs as `npm start` runs it: compiled by tsc (tsconfig.build.json, into a folder under node_modules/.cache, removed at the end; ~20 s) and
 * started with plain node. Through tsx (`BENCH_CPU_TSX=1`, how this bench ran before) every closure the gateway
 * makes per row or per page also goes through tsx's `__name` helper (an `Object.defineProperty` each), which the
 * shipped build does not do.
 *
 * `BENCH_CPU_SERVER=<path of a server.js>` runs a gateway compiled already instead (tsc's output for another commit,
 * in a folder under this checkout so that it finds node_modules), for a before/after of a change.
 *
 * `BENCH_CPU_THREADS=1` also prints each run's CPU by thread: a profile samples only the main thread, while V8's
 * garbage collection workers and libuv's pool (zlib, crypto) are counted in the process's CPU too.
 *
 * `BENCH_CPU_PROF=<dir>` starts the gateway with `node --cpu-prof --cpu-prof-dir=<dir>`: the profile is written when
 * the gateway exits at the end (open it in Chrome DevTools or speedscope).
 *
 * `BENCH_CPU_NODE_ARGS='<flags>'` starts the gateway with these node flags (space-separated, e.g.
 * `--max-semi-space-size=32`), for a before/after of a V8 or node setting alone.
 *
 * The floor: after each run of 100,000 commits in one response, the Bitbucket calls that run made (read from the
 * sandbox's request log, one repetition's) are sent again by a bare client in this process: node:http with a
 * keep-alive agent, `Buffer.concat` and `JSON.parse` of each answer, one call after the other, nothing written out.
 * Its CPU (this process's, `process.cpuUsage`) is the least any Node.js program pays to read those rows from
 * Bitbucket on this machine; the gateway's figure above it is its own work (rows, paging, the answer, its socket).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DEMO_USER } from '../sandbox/identities';
import { compileGateway, startGatewayProcess, type GatewayProcess } from './gateway-process';
import { startSandboxProcess, UNCAPPED } from './sandbox-process';

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7996);
const GATEWAY_PORT = Number(process.env.BENCH_GATEWAY_PORT ?? 8096);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
const ONLY = process.env.BENCH_CPU_ONLY;
const THROUGH_TSX = process.env.BENCH_CPU_TSX === '1';
/** A gateway built already (`BENCH_CPU_SERVER=<…/src/server.js>`, e.g. tsc's output for another commit), for a before/after. */
const GIVEN_SERVER = process.env.BENCH_CPU_SERVER;
const BY_THREAD = process.env.BENCH_CPU_THREADS === '1';
const NODE_ARGS = (process.env.BENCH_CPU_NODE_ARGS ?? '').split(' ').filter((flag) => flag !== '');

/** The gateway compiled as `npm run build` compiles it, in a folder of its own: the path of its server.js. */
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
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value?: unknown[]; '@odata.nextLink'?: string };
          // A streamed answer reports its calls in a trailer (the header holds those made before the first byte).
          const calls = Number(response.trailers['x-upstream-requests'] ?? response.headers['x-upstream-requests']);
          // An entity read by key is one row, not a collection.
          resolve({ rows: Array.isArray(body.value) ? body.value.length : 1, calls, nextLink: body['@odata.nextLink'] });
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
  /** Ask `url` this many times, one after the other (the CPU of one small answer is below /proc's 10 ms tick). */
  times?: number;
  /** Also measure the floor: the run's Bitbucket calls sent again by a bare client (see the header). */
  floor?: boolean;
}

const RUNS_TO_MEASURE: Run[] = [
  { name: 'one response', url: `/odata/Commits?$top=${ROWS}`, floor: true },
  { name: '1000-row pages', url: `/odata/Commits?$top=${ROWS}`, pageSize: 1000 },
  { name: '100-row pages', url: `/odata/Commits?$top=${ROWS}`, pageSize: 100 },
  { name: 'one response, $select=Hash,Date', url: `/odata/Commits?$top=${ROWS}&$select=Hash,Date`, floor: true },
  // Per answer page (the latency bench's two reads in bench/run.ts, and one that calls nothing upstream): `pages`
  // counts the requests, so CPU ms / pages is what one such answer costs the gateway.
  { name: 'no upstream call, x1000', url: `/odata/Commits?$filter=1 eq 2`, times: 1000 },
  { name: 'repository by key, x1000', url: `/odata/Repositories(Workspace='acme-dev',Slug='platform-api')`, times: 1000 },
  { name: 'one 100-commit page, x1000', url: `/odata/Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=100`, times: 1000 },
  // Per upstream call (issue #15: ~2.7 ms of gateway CPU per call over the suite): every pull request of the large seed,
  // one 50-item Bitbucket page per call over the fan-out (~229 calls an answer), so ms/upstream call is dominated by
  // what the gateway spends on each call rather than on each row.
  { name: 'all pull requests, x5', url: `/odata/PullRequests`, times: 5 },
  // The same calls with next to nothing to pass on (one small property per row): the per-call cost alone.
  { name: 'all pull requests, $select=Id, x5', url: `/odata/PullRequests?$select=Id`, times: 5 },
];

interface Figures {
  rows: number;
  calls: number;
  pages: number;
  wallMs: number;
  cpuMs: number;
  systemMs: number;
}

/** User + system CPU per thread so far, in ms, summed by thread name (the main thread is named like the process). */
function cpuByThread(gateway: GatewayProcess): Map<string, number> {
  const byName = new Map<string, number>();
  const dir = `/proc/${gateway.child.pid}/task`;
  for (const tid of readdirSync(dir)) {
    try {
      const stat = readFileSync(`${dir}/${tid}/stat`, 'utf8');
      const name = `${tid === String(gateway.child.pid) ? 'main: ' : ''}${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return byName;
}

/** The gateway's system CPU time so far, in ms (/proc/<pid>/stat's stime, the 15th field). */
function systemMs(gateway: GatewayProcess): number {
  const stat = readFileSync(`/proc/${gateway.child.pid}/stat`, 'utf8');
  return (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12]) * 1000) / 100;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(gateway: GatewayProcess, run: Run): Promise<Figures> {
  const samples: Figures[] = [];
  for (let index = 0; index < RUNS; index++) {
    const cpuBefore = gateway.cpuMs();
    const systemBefore = systemMs(gateway);
    const started = performance.now();
    const answer = { rows: 0, calls: 0, pages: 0 };
    for (let time = 0; time < (run.times ?? 1); time++) {
      const one = await walk(encodeURI(run.url), run.pageSize);
      answer.rows += one.rows;
      answer.calls += one.calls;
      answer.pages += one.pages;
    }
    samples.push({ rows: answer.rows, calls: answer.calls, pages: answer.pages, wallMs: performance.now() - started, cpuMs: gateway.cpuMs() - cpuBefore, systemMs: systemMs(gateway) - systemBefore });
  }
  const middle = [...samples].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(samples.length / 2)];
  return { ...samples[0], wallMs: median(samples.map((sample) => sample.wallMs)), cpuMs: middle.cpuMs, systemMs: middle.systemMs };
}

/** One request the sandbox logged (`GET /_sandbox/requests`): enough to send it again. */
interface LoggedCall {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number | null;
}

function sandboxControl(method: 'GET' | 'DELETE', path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .request({ port: SANDBOX_PORT, path, method }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', reject);
      })
      .on('error', reject)
      .end();
  });
}

/** The Bitbucket calls one repetition of `run` makes, as the sandbox logged them (successful GETs, in order). */
async function callsOf(run: Run): Promise<string[]> {
  await sandboxControl('DELETE', '/_sandbox/requests');
  await walk(encodeURI(run.url), run.pageSize);
  const logged = JSON.parse(await sandboxControl('GET', '/_sandbox/requests')) as LoggedCall[];
  return logged
    .filter((call) => call.method === 'GET' && call.status === 200)
    .map((call) => {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(call.query)) for (const one of Array.isArray(value) ? value : [value]) query.append(name, one);
      const encoded = query.toString();
      return encoded === '' ? call.path : `${call.path}?${encoded}`;
    });
}

/**
 * The floor of a run: its Bitbucket calls sent again by the least a Node.js client does (keep-alive, `Buffer.concat`,
 * `JSON.parse`), one after the other as the gateway's walk of one repository's commits must. CPU of this process, ms,
 * median of RUNS after one warm-up pass.
 */
async function floorCpuMs(targets: readonly string[]): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { authorization: `Bearer ${DEMO_USER.bearerToken}`, accept: 'application/json' };
  const call = (target: string) =>
    new Promise<unknown>((resolve, reject) => {
      http
        .get({ port: SANDBOX_PORT, path: target, agent, headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
          response.on('error', reject);
        })
        .on('error', reject);
    });
  const samples: number[] = [];
  try {
    for (let pass = 0; pass <= RUNS; pass++) {
      const before = process.cpuUsage();
      for (const target of targets) await call(target);
      const used = process.cpuUsage(before);
      if (pass > 0) samples.push((used.user + used.system) / 1000);
    }
  } finally {
    agent.destroy();
  }
  return median(samples);
}

async function main(): Promise<void> {
  const built = !THROUGH_TSX && GIVEN_SERVER === undefined ? compileGateway() : undefined;
  const outDir = built?.outDir;
  const compiled = built?.server ?? GIVEN_SERVER;
  const sandbox = await startSandboxProcess(SANDBOX_PORT);
  let gateway: GatewayProcess | undefined;
  try {
    const exitOnSigint = THROUGH_TSX ? ['--require', require.resolve('tsx/cjs'), '--require', path.join(__dirname, 'exit-on-sigint.ts')] : ['--require', path.join(__dirname, 'exit-on-sigint.cjs')];
    const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, ...exitOnSigint] : [];
    gateway = await startGatewayProcess(GATEWAY_PORT, { ...UNCAPPED, BITBUCKET_API_URL: `http://127.0.0.1:${SANDBOX_PORT}/2.0`, MAX_PAGE_SIZE: '100000' }, [...NODE_ARGS, ...profile], compiled);
    console.log(`gateway: ${NODE_ARGS.length > 0 ? `node ${NODE_ARGS.join(' ')} ` : ''}${compiled ?? 'src/server.ts through tsx'}`);
    // Warm-up: JIT, the sandbox's own caches, the gateway's first fan-out.
    await walk(encodeURI(`/odata/Commits?$top=20000`));
    await walk(encodeURI(`/odata/Commits?$top=5000`), 100);
    console.log(`gateway CPU (user + system, from /proc) per run, median of ${RUNS}; large seed\n`);
    console.log('run'.padEnd(34), 'rows'.padStart(7), 'pages'.padStart(6), 'calls'.padStart(6), 'wall ms'.padStart(8), 'CPU ms'.padStart(8), 'of it sys'.padStart(10), 'µs/row'.padStart(7), 'ms/upstream call'.padStart(17), 'µs/page'.padStart(8));
    for (const run of RUNS_TO_MEASURE.filter((candidate) => ONLY === undefined || ONLY.split('|').includes(candidate.name))) {
      const threadsBefore = cpuByThread(gateway);
      const figures = await measure(gateway, run);
      const threads = [...cpuByThread(gateway)].map(([name, ms]): [string, number] => [name, ms - (threadsBefore.get(name) ?? 0)]).filter(([, ms]) => ms > 0);
      console.log(
        run.name.padEnd(34),
        String(figures.rows).padStart(7),
        String(figures.pages).padStart(6),
        String(figures.calls).padStart(6),
        figures.wallMs.toFixed(0).padStart(8),
        figures.cpuMs.toFixed(0).padStart(8),
        figures.systemMs.toFixed(0).padStart(10),
        // No rows or no upstream call: nothing to divide by.
        (figures.rows > 0 ? ((figures.cpuMs * 1000) / figures.rows).toFixed(1) : '').padStart(7),
        (figures.calls > 0 ? (figures.cpuMs / figures.calls).toFixed(2) : '').padStart(17),
        ((figures.cpuMs * 1000) / Math.max(1, figures.pages)).toFixed(0).padStart(8),
      );
      // Where the CPU went (all of this run's repetitions): the main thread runs the JavaScript; V8's workers do most of
      // the garbage collection; libuv's pool runs zlib and crypto work handed to it.
      if (BY_THREAD) console.log(`  by thread, ${RUNS} run(s): ${threads.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', ')}`);
      if (run.floor) {
        const targets = await callsOf(run);
        const floorMs = await floorCpuMs(targets);
        const perRow = (floorMs * 1000) / figures.rows;
        console.log(
          `  floor: a bare node:http client sending the same ${targets.length} Bitbucket calls and JSON.parse-ing them, nothing written: ${floorMs.toFixed(0)} ms, ${perRow.toFixed(1)} µs/row; the gateway's own work above it: ${((figures.cpuMs * 1000) / figures.rows - perRow).toFixed(1)} µs/row`,
        );
      }
    }
  } finally {
    // SIGINT lets node write the CPU profile on its way out.
    await gateway?.stop('SIGINT');
    sandbox.kill();
    if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
