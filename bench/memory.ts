/**
 * `npm run bench:memory`: what the gateway's memory does under large answers (issue #11.3). The large-seed sandbox
 * (>= 100,000 commits) runs in one child process and the gateway in another, started with
 * `node --max-old-space-size=256` (BENCH_HEAP_MB), MAX_PAGE_SIZE=100000 and PAGING_SNAPSHOT_MAX_TOTAL_ROWS=100000
 * (the settings of the report that crashed it) and the default MAX_ROWS_IN_MEMORY unless the environment sets it.
 * It prints:
 * 1. `Commits?$top=100000` in one response: rows, time to first byte and to the last, and the gateway's peak RSS
 *    (VmHWM from /proc, Linux) after it;
 * 2. 8 concurrent `Commits?$orderby=Hash` (whole-set reads sorted here): the status of each (200, or 503 MemoryBusy
 *    with Retry-After), the peak RSS, and whether the gateway process survived.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DEMO_USER } from '../sandbox/identities';
import { startSandboxProcess, UNCAPPED } from './sandbox-process';

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7997);
const GATEWAY_PORT = Number(process.env.BENCH_GATEWAY_PORT ?? 8097);
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 256);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 8);

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

async function startGateway(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--require', require.resolve('tsx/cjs'), path.join(__dirname, '../src/server.ts')], {
    env: {
      ...process.env,
      ...UNCAPPED,
      PORT: String(GATEWAY_PORT),
      BITBUCKET_API_URL: `http://127.0.0.1:${SANDBOX_PORT}/2.0`,
      MAX_PAGE_SIZE: '100000',
      PAGING_SNAPSHOT_MAX_TOTAL_ROWS: process.env.PAGING_SNAPSHOT_MAX_TOTAL_ROWS ?? '100000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const ready = await new Promise<boolean>((resolve) => {
      http.get({ port: GATEWAY_PORT, path: '/health' }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      }).on('error', () => resolve(false));
    });
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('gateway not ready within 60 s');
}

interface Outcome {
  status: number;
  bytes: number;
  firstByteMs: number;
  totalMs: number;
  complete: boolean;
  retryAfter?: string;
}

function get(url: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let firstByteMs = NaN;
    let bytes = 0;
    const request = http.get({ port: GATEWAY_PORT, path: encodeURI(url), headers: { Authorization: `Bearer ${DEMO_USER.bearerToken}` } }, (response) => {
      firstByteMs = performance.now() - started;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      const done = () => resolve({ status: response.statusCode ?? 0, bytes, firstByteMs, totalMs: performance.now() - started, complete: response.complete, retryAfter: response.headers['retry-after'] as string | undefined });
      response.on('end', done);
      response.on('error', done);
    });
    request.on('error', () => resolve({ status: 0, bytes, firstByteMs, totalMs: performance.now() - started, complete: false }));
  });
}

async function main(): Promise<void> {
  const sandbox = await startSandboxProcess(SANDBOX_PORT);
  let gateway: ChildProcess | undefined;
  try {
    gateway = await startGateway();
    const pid = gateway.pid as number;
    console.log(`gateway: node --max-old-space-size=${HEAP_MB}, MAX_PAGE_SIZE=100000, PAGING_SNAPSHOT_MAX_TOTAL_ROWS=${process.env.PAGING_SNAPSHOT_MAX_TOTAL_ROWS ?? '100000'}, MAX_ROWS_IN_MEMORY=${process.env.MAX_ROWS_IN_MEMORY ?? 'default'}; RSS at rest ${rssMb(pid)} MB`);

    const top = await get('/odata/Commits?$top=100000');
    console.log(
      `Commits?$top=100000: ${top.status}, ${(top.bytes / 1e6).toFixed(1)} MB, complete ${top.complete}, first byte ${Math.round(top.firstByteMs)} ms of ${Math.round(top.totalMs)} ms (${Math.round((100 * top.firstByteMs) / top.totalMs)} %), peak RSS ${peakRssMb(pid)} MB`,
    );

    const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, () => get('/odata/Commits?$orderby=Hash&$select=Hash,Date,Workspace,RepositorySlug')));
    const alive = gateway.exitCode === null && gateway.signalCode === null;
    const statuses = outcomes.map((outcome) => `${outcome.status}${outcome.retryAfter ? ` (Retry-After ${outcome.retryAfter})` : ''}`);
    console.log(`${CONCURRENT} concurrent Commits?$orderby=Hash: ${statuses.join(', ')}; slowest ${Math.round(Math.max(...outcomes.map((o) => o.totalMs)))} ms`);
    console.log(`gateway ${alive ? 'survived' : `DIED (exit ${gateway.exitCode}, signal ${gateway.signalCode})`}${alive ? `, peak RSS ${peakRssMb(pid)} MB` : ''}`);
    if (!alive) process.exitCode = 1;
  } finally {
    gateway?.kill();
    sandbox.kill();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
