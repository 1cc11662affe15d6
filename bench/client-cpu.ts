/**
 * `npx tsx bench/client-cpu.ts`: what the upstream client (src/bitbucket) spends per Bitbucket call (issue #15 items
 * 3 and 5), without the gateway around it. The large-seed sandbox runs in a child process, so this process's CPU
 * (process.cpuUsage) is the client's alone. For the two reads the latency bench of `npm run bench` sends upstream
 * (one repository by key, one 100-commit page, with the gateway's own `fields=`), sequentially:
 * - `raw`: node:http with a keep-alive agent, Buffer.concat and JSON.parse: the least any client pays;
 * - `client`: BitbucketClient as the bench gateway runs it (no response cache, no budget);
 * - `client+cache`: with the response cache over the in-memory store, every call a miss (the cache's clock moves
 *   past the freshness window between calls), as a gateway with UPSTREAM_CACHE_SECONDS>0 pays on every new read.
 * Prints CPU µs per call and wall p50/p95 per call; runs are interleaved BENCH_ROUNDS times (3) and the median taken.
 * BENCH_CALLS (1000) calls per run. `node --cpu-prof` works on it as on any script:
 * `node --cpu-prof --cpu-prof-dir=/tmp/prof --require tsx/cjs bench/client-cpu.ts`.
 * BENCH_MODES=client,raw picks modes. BENCH_SANDBOX_PORT (7995).
 *
 * `BENCH_GZIP=1`: as real Bitbucket answers a client that accepts gzip (the sandbox never compresses), the same two
 * answers are served gzip-compressed by a small server in another child process (its CPU is not counted either); `raw`
 * then inflates with zlib.gunzipSync. `BENCH_CLIENT_DIR=<dir>` loads the client from another copy of src/bitbucket
 * (a before/after comparison: `git archive <commit> src/bitbucket | tar -x -C /tmp/before`).
 *
 * `BENCH_FANOUT=16,32`: instead, the fan-out of `npm run bench` (OPEN pull requests of all 225 repositories) by the
 * client alone, BENCH_FANOUT_RUNS (3) times at each concurrency, with the sandbox answering every call after 50 ms:
 * wall time against its bound ⌈repositories / concurrency⌉ × 50 ms, with this process's and the sandbox's CPU. What
 * the gateway's fan-out cannot beat on the same machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { DEMO_USER } from '../sandbox/identities';
import type { BitbucketClient, UpstreamCredential, UpstreamQuery } from '../src/bitbucket';
import { MemoryStore } from '../src/storage';
import { startSandboxProcess } from './sandbox-process';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BitbucketClient: Client, ResponseCache } = require(process.env.BENCH_CLIENT_DIR ? path.resolve(process.env.BENCH_CLIENT_DIR) : '../src/bitbucket') as typeof import('../src/bitbucket');
const GZIP = process.env.BENCH_GZIP === '1';
const FANOUT = (process.env.BENCH_FANOUT ?? '').split(',').filter(Boolean).map(Number);
const FANOUT_RUNS = Number(process.env.BENCH_FANOUT_RUNS ?? 3);
const GZIP_PORT = Number(process.env.BENCH_GZIP_PORT ?? 7994);

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7995);
const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MODES = (process.env.BENCH_MODES ?? 'raw,client,client+cache').split(',');
/** Where the reads go: the sandbox, or the gzip server in front of it. */
const PORT = GZIP ? GZIP_PORT : SANDBOX_PORT;
const BASE = `http://127.0.0.1:${PORT}/2.0`;
const CREDENTIAL: UpstreamCredential = { kind: 'bearer', token: DEMO_USER.bearerToken };

interface Read {
  name: string;
  path: string;
  query: UpstreamQuery;
  list: boolean;
}

/** The requests the gateway sends for `Repositories(Workspace='acme-dev',Slug='platform-api')` and 100 commits of it. */
const READS: Read[] = [
  {
    name: 'one repository by key',
    path: '/repositories/acme-dev/platform-api',
    query: { fields: 'full_name,uuid,name,description,is_private,scm,language,size,fork_policy,mainbranch.name,project.key,project.name,owner.display_name,created_on,updated_on' },
    list: false,
  },
  {
    name: 'one 100-commit page',
    path: '/repositories/acme-dev/platform-api/commits',
    query: {
      pagelen: 100,
      fields: 'next,size,page,pagelen,values.repository.full_name,values.hash,values.date,values.message,values.author.raw,values.author.user.display_name,values.author.user.uuid,values.parents.hash',
    },
    list: true,
  },
];

type Call = () => Promise<unknown>;

function targetOf(read: Read): string {
  const query = new URLSearchParams(Object.entries(read.query).map(([name, value]): [string, string] => [name, String(value)])).toString();
  return `/2.0${read.path}?${query}`;
}

function rawCall(agent: http.Agent, read: Read): Call {
  const target = targetOf(read);
  return () =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: PORT, path: target, agent, headers: { authorization: `Bearer ${DEMO_USER.bearerToken}`, accept: 'application/json', 'accept-encoding': 'gzip' } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve(JSON.parse((response.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body).toString('utf8')));
          });
          response.on('error', reject);
        })
        .on('error', reject);
    });
}

function clientCall(client: BitbucketClient, read: Read): Call {
  if (!read.list) return () => client.get(read.path, read.query, CREDENTIAL);
  return async () => {
    // The first page only, as `$top=100` reads it: the generator is left after one page.
    for await (const located of client.locatedPages({ path: read.path, query: read.query }, CREDENTIAL)) return located.page;
    return undefined;
  };
}

interface Mode {
  name: string;
  call: (read: Read) => Call;
  close: () => void;
}

function modes(): Mode[] {
  const all: Mode[] = [];
  for (const name of MODES) {
    if (name === 'raw') {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
      all.push({ name, call: (read) => rawCall(agent, read), close: () => agent.destroy() });
    } else if (name === 'client') {
      const client = new Client({ baseUrl: BASE, userAgent: 'bench', onRequest: () => undefined, onItems: () => undefined });
      all.push({ name, call: (read) => clientCall(client, read), close: () => client.close() });
    } else if (name === 'client+cache') {
      // Each reading of the clock is a minute later: every entry is stale by the next call, so every call misses and stores.
      let clock = Date.now();
      const now = () => (clock += 61_000);
      const store = new MemoryStore({ maxBytes: 64 * 1024 * 1024 });
      const responseCache = new ResponseCache({ store, principalKey: () => 'bench', freshSeconds: 60, immutableSeconds: 3600, now });
      const client = new Client({ baseUrl: BASE, userAgent: 'bench', responseCache, onRequest: () => undefined, onItems: () => undefined });
      all.push({ name, call: (read) => clientCall(client, read), close: () => client.close() });
    } else {
      throw new Error(`unknown mode ${name}; give raw, client or client+cache`);
    }
  }
  return all;
}

interface Run {
  cpuUsPerCall: number;
  p50Ms: number;
  p95Ms: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(call: Call, calls: number): Promise<Run> {
  const wall: number[] = [];
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await call();
    wall.push(performance.now() - started);
  }
  const used = process.cpuUsage(before);
  return { cpuUsPerCall: (used.user + used.system) / calls, p50Ms: percentile(wall, 50), p95Ms: percentile(wall, 95) };
}

/**
 * The two answers as the sandbox gives them, gzip-compressed, served by a child process at their request targets
 * (the query ignored), with Bitbucket's headers that matter here.
 */
async function startGzipServer(): Promise<ChildProcess> {
  const bodies: Record<string, string> = {};
  for (const read of READS) {
    const response = await fetch(`http://127.0.0.1:${SANDBOX_PORT}${targetOf(read)}`, { headers: { authorization: `Bearer ${DEMO_USER.bearerToken}` } });
    if (!response.ok) throw new Error(`${read.name}: ${response.status}`);
    bodies[`/2.0${read.path}`] = zlib.gzipSync(Buffer.from(await response.arrayBuffer())).toString('base64');
  }
  const code = `
    const bodies = Object.fromEntries(Object.entries(${JSON.stringify(bodies)}).map(([p, b]) => [p, Buffer.from(b, 'base64')]));
    require('node:http').createServer((req, res) => {
      const body = bodies[req.url.split('?')[0]];
      if (!body) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip', 'content-length': body.length }).end(body);
    }).listen(${GZIP_PORT}, '127.0.0.1', () => console.log('listening'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`gzip server exited with ${code}`)));
  });
  return child;
}

/** User + system CPU of a process and its children (the sandbox runs under tsx's cli), ms; Linux /proc. */
function treeCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean);
  } catch {
    children = [];
  }
  return (Number(fields[11]) + Number(fields[12])) * 10 + children.reduce((sum, child) => sum + treeCpuMs(Number(child)), 0);
}

async function fanOut(sandbox: ChildProcess, concurrencies: number[]): Promise<void> {
  const latencyMs = 50;
  const client = new Client({ baseUrl: BASE, userAgent: 'bench', maxSockets: Math.max(...concurrencies) });
  const setLatency = async (ms: number) => {
    const response = await fetch(`http://127.0.0.1:${SANDBOX_PORT}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: ms }) });
    if (!response.ok) throw new Error(`setting the sandbox latency: ${response.status}`);
  };
  try {
    const repositories: string[] = [];
    for await (const page of client.pages<{ workspace: { slug: string } }>('/user/workspaces', { pagelen: 100 }, CREDENTIAL)) {
      for (const { workspace } of page.values) {
        for await (const repos of client.pages<{ full_name: string }>(`/repositories/${workspace.slug}`, { pagelen: 100, fields: 'next,values.full_name' }, CREDENTIAL)) {
          repositories.push(...repos.values.map((repo) => repo.full_name));
        }
      }
    }
    await setLatency(latencyMs);
    console.log(`fan-out over ${repositories.length} repositories by the client alone, sandbox latency ${latencyMs} ms (median of ${FANOUT_RUNS}):`);
    for (const concurrency of concurrencies) {
      const runs: Array<{ wallMs: number; cpuMs: number; sandboxCpuMs: number }> = [];
      for (let run = 0; run < FANOUT_RUNS; run++) {
        const queue = [...repositories];
        const cpuBefore = process.cpuUsage();
        const sandboxBefore = treeCpuMs(sandbox.pid as number);
        const started = performance.now();
        const worker = async () => {
          for (let repository = queue.shift(); repository !== undefined; repository = queue.shift()) {
            for await (const page of client.pages(`/repositories/${repository}/pullrequests`, { state: 'OPEN', pagelen: 50, fields: 'next,values.id' }, CREDENTIAL)) void page;
          }
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
        const cpu = process.cpuUsage(cpuBefore);
        runs.push({ wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, sandboxCpuMs: treeCpuMs(sandbox.pid as number) - sandboxBefore });
      }
      const median = (pick: (r: (typeof runs)[number]) => number) => percentile(runs.map(pick), 50);
      const bound = Math.ceil(repositories.length / concurrency) * latencyMs;
      console.log(
        `  concurrency ${String(concurrency).padStart(2)}: ${(median((r) => r.wallMs) / 1000).toFixed(2)} s, bound ${(bound / 1000).toFixed(2)} s (${(median((r) => r.wallMs) / bound).toFixed(2)}×); client CPU ${median((r) => r.cpuMs).toFixed(0)} ms, sandbox CPU ${median((r) => r.sandboxCpuMs).toFixed(0)} ms`,
      );
    }
  } finally {
    await setLatency(0);
    client.close();
  }
}

async function main(): Promise<void> {
  const sandbox = await startSandboxProcess(SANDBOX_PORT);
  if (FANOUT.length > 0) {
    try {
      await fanOut(sandbox, FANOUT);
    } finally {
      sandbox.kill();
    }
    return;
  }
  const gzipServer = GZIP ? await startGzipServer() : undefined;
  const all = modes();
  try {
    for (const read of READS) {
      const results = new Map<string, Run[]>();
      // Warm-up: JIT, sockets.
      for (const mode of all) await run(mode.call(read), 200);
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of all) {
          const runs = results.get(mode.name) ?? [];
          runs.push(await run(mode.call(read), CALLS));
          results.set(mode.name, runs);
        }
      }
      console.log(`${read.name}${GZIP ? ', gzip' : ''} (${CALLS} sequential calls × ${ROUNDS} interleaved rounds, median):`);
      for (const mode of all) {
        const runs = results.get(mode.name) ?? [];
        const median = (pick: (r: Run) => number) => percentile(runs.map(pick), 50);
        console.log(
          `  ${mode.name.padEnd(13)} CPU ${median((r) => r.cpuUsPerCall).toFixed(0).padStart(5)} µs/call   wall p50 ${median((r) => r.p50Ms).toFixed(2)} ms, p95 ${median((r) => r.p95Ms).toFixed(2)} ms   (CPU per round: ${runs.map((r) => r.cpuUsPerCall.toFixed(0)).join(', ')})`,
        );
      }
    }
  } finally {
    for (const mode of all) mode.close();
    gzipServer?.kill();
    sandbox.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
