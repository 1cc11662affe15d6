/**
 * `npm run bench`: the fixed suite of bench/suite.ts on the large sandbox seed, as a table (issue #15):
 * - per query, Bitbucket calls with pushdown on, with `PUSHDOWN=off`, and the minimum worked out by hand (the suite's
 *   data), after checking that both answers are equal (rows and count): a baseline that answers other rows proves
 *   nothing. Then the share of the suite at the minimum and what pushdown saves;
 * - the gateway's own CPU per row (the gateway and the sandbox are child processes, so neither the sandbox's CPU nor
 *   this client's parsing counts; read from /proc, 10 ms resolution, so shown for answers of 1,000 rows or more) and
 *   its peak RSS;
 * - the latency the gateway adds per upstream page: the same read asked of the sandbox directly and through the
 *   gateway, one at a time (p50/p95 of each, and the difference); then the gateway's own time per answer as its
 *   `Server-Timing` header reports it (p50/p95 of `total` − `upstream`, src/http/server-timing.ts), and what is left of
 *   the difference: the extra network hop and the scheduling of three processes on the machine's cores; and the floor:
 *   what a bare Node.js proxy that parses and writes again the same JSON adds (bench/floor-proxy.cjs, a process of its
 *   own asked the same Bitbucket request in turn with the two others), which no gateway that reads what it passes beats;
 * - fan-out wall time over all 225 repositories with the sandbox answering every call after 50 ms
 *   (`SANDBOX_LATENCY_MS=50`), against its bound ⌈repositories / FAN_OUT_CONCURRENCY⌉ × 50 ms, at concurrency 4, 16
 *   and 32 (`UPSTREAM_MAX_SOCKETS` follows, see the README).
 * Exits 1 when an answer differs between pushdown on and off. Takes a few minutes; `BENCH_ONLY=fanout` runs only the
 * fan-out measurement, `BENCH_ONLY=latency` only the latency one. The gateway runs compiled by tsc, as `npm start` ships it
 * (`BENCH_TSX=1`: src/server.ts through tsx, whose transform adds a call per function made at run time;
 * `BENCH_SERVER=<…/src/server.js>`: one compiled already, for a before/after).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DEMO_USER } from '../sandbox/identities';
import { compileGateway, startGatewayProcess, type GatewayProcess } from './gateway-process';
import { listening, startSandboxProcess, UNCAPPED } from './sandbox-process';
import { BENCH_SUITE, type BenchQuery } from './suite';

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7999);
const GATEWAY_PORT = Number(process.env.BENCH_GATEWAY_PORT ?? 8099);
/** The floor proxy's port (bench/floor-proxy.cjs): after the pushdown-on and -off gateways'. */
const FLOOR_PORT = GATEWAY_PORT + 2;
const LATENCY_MS = 50;
const REPOSITORIES = 225;
const FAN_OUT_QUERY = "PullRequests?$filter=State eq 'OPEN'&$select=Workspace,RepositorySlug,Id";

/**
 * What every bench gateway runs with: no per-request caps (they would stop the dearest queries), no budget or cache
 * (UNCAPPED), one page per answer unless the query walks, and MAX_FAN_OUT lifted so the per-pull-request fan-outs
 * are measured instead of refused.
 */
const GATEWAY_ENV = { ...UNCAPPED, BITBUCKET_API_URL: `http://127.0.0.1:${SANDBOX_PORT}/2.0`, MAX_PAGE_SIZE: '100000', MAX_FAN_OUT: '100000' };

interface Page {
  status: number;
  body: string;
  calls: number;
  /** The gateway's own time as its `Server-Timing` header says (`total` − `upstream`, ms); none from the sandbox. */
  ownMs?: number;
}

/** `total;dur` − `upstream;dur` of a `Server-Timing` value (src/http/server-timing.ts), or undefined without both. */
function ownMsOf(serverTiming: string | string[] | undefined): number | undefined {
  if (typeof serverTiming !== 'string') return undefined;
  const dur = new Map<string, number>();
  for (const metric of serverTiming.split(',')) {
    const [name, ...params] = metric.trim().split(';');
    const given = params.find((param) => param.startsWith('dur='));
    if (given !== undefined) dur.set(name, Number(given.slice('dur='.length)));
  }
  const own = (dur.get('total') ?? NaN) - (dur.get('upstream') ?? NaN);
  return Number.isFinite(own) ? own : undefined;
}

function get(port: number, pathAndQuery: string, pageSize?: number): Promise<Page> {
  const headers: Record<string, string> = { Authorization: `Bearer ${DEMO_USER.bearerToken}` };
  if (pageSize !== undefined) headers.Prefer = `odata.maxpagesize=${pageSize}`;
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathAndQuery, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          // A streamed answer reports its calls in a trailer (the header holds those made before the first byte).
          const calls = Number(response.trailers['x-upstream-requests'] ?? response.headers['x-upstream-requests'] ?? 0);
          const ownMs = ownMsOf(response.trailers['server-timing'] ?? response.headers['server-timing']);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), calls, ...(ownMs !== undefined ? { ownMs } : {}) });
        });
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

interface Answer {
  /** The answer's rows and count as compared on/off (JSON), or the error it got. */
  content: string;
  ok: boolean;
  rows: number;
  calls: number;
  pages: number;
  wallMs: number;
  cpuMs: number;
}

/** The data of one page: rows without control information, and the count; a /$count answer as it is. */
function pageContent(body: string): { rows: unknown[]; count?: unknown; next?: string } | string {
  if (!body.startsWith('{')) return body;
  const parsed = JSON.parse(body) as Record<string, unknown>;
  const strip = (row: unknown) => (row && typeof row === 'object' ? Object.fromEntries(Object.entries(row).filter(([name]) => !name.startsWith('@'))) : row);
  const rows = Array.isArray(parsed.value) ? parsed.value.map(strip) : [strip(parsed)];
  return { rows, count: parsed['@odata.count'], next: parsed['@odata.nextLink'] as string | undefined };
}

/** The whole answer to `query`, following nextLinks when it walks. */
async function ask(gateway: GatewayProcess, query: BenchQuery): Promise<Answer> {
  const cpuBefore = gateway.cpuMs();
  const started = performance.now();
  let next: string | undefined = `/odata/${encodeURI(query.url)}`;
  const rows: unknown[] = [];
  let count: unknown;
  let text: string | undefined;
  let calls = 0;
  let pages = 0;
  while (next !== undefined) {
    const page: Page = await get(gateway.port, next, query.walkPageSize);
    calls += page.calls;
    pages++;
    if (page.status !== 200) {
      return { content: `${page.status} ${page.body.slice(0, 200)}`, ok: false, rows: 0, calls, pages, wallMs: performance.now() - started, cpuMs: gateway.cpuMs() - cpuBefore };
    }
    const content = pageContent(page.body);
    if (typeof content === 'string') {
      text = content;
      break;
    }
    rows.push(...content.rows);
    if (pages === 1) count = content.count;
    next = content.next === undefined ? undefined : new URL(content.next).pathname + new URL(content.next).search;
  }
  const wallMs = performance.now() - started;
  return { content: text ?? JSON.stringify({ rows, count }), ok: true, rows: text === undefined ? rows.length : Number(text), calls, pages, wallMs, cpuMs: gateway.cpuMs() - cpuBefore };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timed(port: number, pathAndQuery: string): Promise<{ ms: number; ownMs?: number }> {
  const started = performance.now();
  const page = await get(port, pathAndQuery);
  if (page.status !== 200) throw new Error(`${pathAndQuery} → ${page.status} ${page.body.slice(0, 200)}`);
  return { ms: performance.now() - started, ...(page.ownMs !== undefined ? { ownMs: page.ownMs } : {}) };
}

/** The one Bitbucket request the gateway makes for `through`, as the sandbox recorded it (path and query). */
async function upstreamRequestOf(gateway: GatewayProcess, through: string): Promise<string> {
  const control = `http://127.0.0.1:${SANDBOX_PORT}/_sandbox/requests`;
  await fetch(control, { method: 'DELETE' });
  const page = await get(gateway.port, through);
  if (page.status !== 200 || page.calls !== 1) throw new Error(`${through} → ${page.status}, ${page.calls} calls: the latency bench needs one call`);
  const logged = (await (await fetch(control)).json()) as Array<{ path: string; query: Record<string, string | string[]> }>;
  const call = logged.filter((entry) => entry.path.startsWith('/2.0/')).at(-1);
  if (!call) throw new Error(`the sandbox recorded no call for ${through}`);
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(call.query)) for (const one of Array.isArray(value) ? value : [value]) query.append(name, one);
  return `${call.path}?${query.toString()}`;
}

/**
 * Latency added per upstream page: the Bitbucket request the gateway makes for `through` (the same path, `fields=`
 * and all) asked of the sandbox directly, and `through` asked of the gateway, alternately and one at a time, after a
 * warm-up. Both pay the sandbox's time for the same answer; the difference is what going through the gateway adds.
 * Part of it is the gateway's own time, which each answer's `Server-Timing` reports (`total` − `upstream`: from the
 * request's arrival in the app to its header, less the time its Bitbucket call was in flight; src/http/server-timing.ts);
 * the rest is the extra network hop (a second connection, request and answer through loopback) and the scheduling of
 * three processes (this client, the gateway, the sandbox) on the machine's cores, which no change to the gateway's
 * code removes. Two lines: the added latency, then the gateway's own time and that rest, at p50 and p95.
 */
/** bench/floor-proxy.cjs in a process of its own, in front of the sandbox; resolves once it listens. */
async function startFloorProxy(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(__dirname, 'floor-proxy.cjs'), String(FLOOR_PORT), String(SANDBOX_PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await listening(child, 'the floor proxy', 10_000);
  return child;
}

async function latencyAdded(gateway: GatewayProcess, through: string, samples = 200): Promise<string> {
  const direct = await upstreamRequestOf(gateway, through);
  const directMs: number[] = [];
  const gatewayMs: number[] = [];
  const ownMs: number[] = [];
  const floorMs: number[] = [];
  const floor = await startFloorProxy();
  try {
    for (let i = 0; i < 20; i++) await Promise.all([timed(SANDBOX_PORT, direct), timed(gateway.port, through), timed(FLOOR_PORT, direct)]);
    for (let i = 0; i < samples; i++) {
      directMs.push((await timed(SANDBOX_PORT, direct)).ms);
      const answer = await timed(gateway.port, through);
      gatewayMs.push(answer.ms);
      if (answer.ownMs !== undefined) ownMs.push(answer.ownMs);
      floorMs.push((await timed(FLOOR_PORT, direct)).ms);
    }
  } finally {
    floor.kill();
  }
  const added = (p: number) => percentile(gatewayMs, p) - percentile(directMs, p);
  const floorAdded = (p: number) => percentile(floorMs, p) - percentile(directMs, p);
  const at = (p: number) => `p${p} ${percentile(directMs, p).toFixed(2)} → ${percentile(gatewayMs, p).toFixed(2)} ms (+${added(p).toFixed(2)})`;
  const indent = ' '.repeat(26);
  // A gateway built before Server-Timing (BENCH_SERVER=<an older build>) reports none: the added latency alone then.
  const floorLine = `${indent}floor, a bare Node.js proxy that parses and writes the JSON again (bench/floor-proxy.cjs): p50 +${floorAdded(50).toFixed(2)}, p95 +${floorAdded(95).toFixed(2)} ms`;
  if (ownMs.length < samples) return `${at(50)}, ${at(95)}\n${indent}gateway's own time: not reported (no Server-Timing total and upstream on every answer)\n${floorLine}`;
  const own = (p: number) => percentile(ownMs, p);
  return (
    `${at(50)}, ${at(95)}\n` +
    `${indent}gateway's own time (Server-Timing total − upstream): p50 ${own(50).toFixed(2)}, p95 ${own(95).toFixed(2)} ms; ` +
    `the rest, hop + scheduling: p50 +${(added(50) - own(50)).toFixed(2)}, p95 +${(added(95) - own(95)).toFixed(2)} ms\n` +
    floorLine
  );
}

async function setSandboxLatency(latencyMs: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${SANDBOX_PORT}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs }) });
  if (!response.ok) throw new Error(`setting the sandbox latency: ${response.status} ${await response.text()}`);
}

const pad = (text: string | number, width: number) => String(text).padStart(width);

async function runSuite(on: GatewayProcess, off: GatewayProcess): Promise<boolean> {
  // Warm-up: JIT and the first fan-out of each gateway.
  for (const gateway of [on, off]) for (const query of BENCH_SUITE.slice(0, 6)) await ask(gateway, query);
  console.log(`${'#'.padStart(2)} ${'query'.padEnd(44)} ${'client'.padEnd(10)} ${pad('on', 6)} ${pad('off', 6)} ${pad('min', 6)} ${pad('rows', 7)} ${pad('CPU µs/row', 10)} ${pad('ms on', 7)}  answers`);
  let atMinimum = 0;
  let differ = 0;
  let failed = 0;
  let callsOn = 0;
  let callsOff = 0;
  let cpuMs = 0;
  let allCallsOn = 0;
  let rows = 0;
  const above: string[] = [];
  const aboveWhy: string[] = [];
  for (const [index, query] of BENCH_SUITE.entries()) {
    const withPushdown = await ask(on, query);
    const without = await ask(off, query);
    const equal = withPushdown.ok && without.ok && withPushdown.content === without.content;
    const verdict = !withPushdown.ok ? `ERROR on: ${withPushdown.content}` : !without.ok ? `ERROR off: ${without.content}` : equal ? 'equal' : 'DIFFER';
    if (!withPushdown.ok || !without.ok) failed++;
    else if (!equal) differ++;
    if (withPushdown.ok && withPushdown.calls <= query.minimum) atMinimum++;
    else above.push(`${index + 1}`);
    if (equal) {
      callsOn += withPushdown.calls;
      callsOff += without.calls;
    }
    cpuMs += withPushdown.cpuMs;
    allCallsOn += withPushdown.calls;
    rows += withPushdown.rows;
    const perRow = withPushdown.rows >= 1000 ? ((withPushdown.cpuMs * 1000) / withPushdown.rows).toFixed(1) : '';
    const mark = withPushdown.calls > query.minimum ? '*' : ' ';
    console.log(
      `${pad(index + 1, 2)} ${query.name.slice(0, 44).padEnd(44)} ${query.client.padEnd(10)} ${pad(withPushdown.calls, 5)}${mark} ${pad(without.calls, 6)} ${pad(query.minimum, 6)} ${pad(withPushdown.rows, 7)} ${pad(perRow, 10)} ${pad(withPushdown.wallMs.toFixed(0), 7)}  ${verdict}`,
    );
  }
  for (const number of above) {
    const query = BENCH_SUITE[Number(number) - 1];
    aboveWhy.push(`  #${number} ${query.name}: ${query.minimum} (${query.why})`);
  }
  const share = (100 * atMinimum) / BENCH_SUITE.length;
  console.log(`\n* above the minimum. At the minimum: ${atMinimum} of ${BENCH_SUITE.length} (${share.toFixed(0)} %); above: #${above.join(', #') || ' none'}`);
  if (aboveWhy.length > 0) console.log(`the minimum of those, and how it is reached:\n${aboveWhy.join('\n')}`);
  console.log(`answers equal with pushdown off: ${BENCH_SUITE.length - differ - failed} of ${BENCH_SUITE.length}${differ ? `, ${differ} DIFFER` : ''}${failed ? `, ${failed} failed` : ''}`);
  console.log(`upstream calls over the equal answers: ${callsOn} with pushdown, ${callsOff} without (${(callsOff / Math.max(1, callsOn)).toFixed(2)}× fewer)`);
  console.log(`gateway CPU over the suite with pushdown: ${(cpuMs / 1000).toFixed(1)} s for ${rows} rows and ${allCallsOn} upstream calls: ${((cpuMs * 1000) / Math.max(1, rows)).toFixed(1)} µs per row, ${(cpuMs / Math.max(1, allCallsOn)).toFixed(2)} ms per upstream call`);
  return differ === 0 && failed === 0;
}

async function fanOut(): Promise<void> {
  const concurrencies = [4, 16, 32];
  const gateways: GatewayProcess[] = [];
  try {
    for (const [i, concurrency] of concurrencies.entries()) gateways.push(await startGateway(GATEWAY_PORT + 2 + i, { ...GATEWAY_ENV, FAN_OUT_CONCURRENCY: String(concurrency) }));
    await setSandboxLatency(LATENCY_MS);
    console.log(`\nfan-out over ${REPOSITORIES} repositories, sandbox latency ${LATENCY_MS} ms per call (${FAN_OUT_QUERY}; median of 3):`);
    for (const [i, concurrency] of concurrencies.entries()) {
      const runs: Answer[] = [];
      for (let run = 0; run < 3; run++) runs.push(await ask(gateways[i], { name: 'fan-out', client: 'curl', url: FAN_OUT_QUERY, minimum: 0, why: '' }));
      const wall = percentile(runs.map((run) => run.wallMs), 50);
      const cpu = percentile(runs.map((run) => run.cpuMs), 50);
      const bound = Math.ceil(REPOSITORIES / concurrency) * LATENCY_MS;
      console.log(`  FAN_OUT_CONCURRENCY=${pad(concurrency, 2)} (UPSTREAM_MAX_SOCKETS ${Math.max(16, 4 * concurrency)}): ${(wall / 1000).toFixed(2)} s (gateway CPU ${(cpu / 1000).toFixed(2)} s) for ${runs[0].calls} calls; bound ⌈${REPOSITORIES}/${concurrency}⌉ × ${LATENCY_MS} ms = ${(bound / 1000).toFixed(2)} s; ${(wall / bound).toFixed(2)}× the bound`);
    }
  } finally {
    await setSandboxLatency(0);
    for (const gateway of gateways) await gateway.stop();
  }
}

/** The compiled gateway every bench gateway runs (`BENCH_TSX=1`: src/server.ts through tsx, as before). */
let compiledServer: string | undefined;

function startGateway(port: number, env: Record<string, string>): Promise<GatewayProcess> {
  return startGatewayProcess(port, env, [], compiledServer);
}

async function main(): Promise<void> {
  // `BENCH_SERVER=<path of a server.js>`: a gateway compiled already (tsc's output for another commit, in a folder
  // under this checkout so that it finds node_modules), for a before/after, as bench:cpu's BENCH_CPU_SERVER.
  const given = process.env.BENCH_SERVER;
  const built = process.env.BENCH_TSX === '1' || given !== undefined ? undefined : compileGateway();
  compiledServer = given ?? built?.server;
  try {
    await measureAll();
  } finally {
    if (built !== undefined) rmSync(built.outDir, { recursive: true, force: true });
  }
}

async function measureAll(): Promise<void> {
  const sandbox = await startSandboxProcess(SANDBOX_PORT);
  // `BENCH_ONLY=fanout`: the fan-out wall times alone (a few seconds), for work on the fan-out's scheduling.
  if (process.env.BENCH_ONLY === 'fanout') {
    try {
      await fanOut();
    } finally {
      sandbox.kill();
    }
    return;
  }
  // `BENCH_ONLY=latency`: the latency added per upstream page alone (one gateway, no suite), for work on its own CPU.
  if (process.env.BENCH_ONLY === 'latency') {
    try {
      const on = await startGateway(GATEWAY_PORT, GATEWAY_ENV);
      try {
        console.log(`latency added per upstream page (sandbox directly → through the gateway, 200 sequential requests each):`);
        console.log(`  one repository by key:  ${await latencyAdded(on, `/odata/${encodeURI("Repositories(Workspace='acme-dev',Slug='platform-api')")}`)}`);
        console.log(`  one 100-commit page:    ${await latencyAdded(on, `/odata/${encodeURI("Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=100")}`)}`);
      } finally {
        await on.stop();
      }
    } finally {
      sandbox.kill();
    }
    return;
  }
  let equal = false;
  try {
    const on = await startGateway(GATEWAY_PORT, GATEWAY_ENV);
    const off = await startGateway(GATEWAY_PORT + 1, { ...GATEWAY_ENV, PUSHDOWN: 'off' });
    try {
      console.log(`bench suite (bench/suite.ts), large seed: Bitbucket calls with pushdown on, PUSHDOWN=off and the minimum\n`);
      equal = await runSuite(on, off);
      console.log(`gateway peak RSS over the suite: ${on.peakRssMiB().toFixed(0)} MiB with pushdown, ${off.peakRssMiB().toFixed(0)} MiB without`);
      const byKey = await latencyAdded(on, `/odata/${encodeURI("Repositories(Workspace='acme-dev',Slug='platform-api')")}`);
      const listPage = await latencyAdded(on, `/odata/${encodeURI("Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=100")}`);
      console.log(`\nlatency added per upstream page (sandbox directly → through the gateway, 200 sequential requests each):`);
      console.log(`  one repository by key:  ${byKey}`);
      console.log(`  one 100-commit page:    ${listPage}`);
    } finally {
      await on.stop();
      await off.stop();
    }
    await fanOut();
  } finally {
    sandbox.kill();
  }
  if (!equal) {
    console.error('\nSome answers differ between pushdown on and off, or failed: the call comparison above leaves them out.');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
