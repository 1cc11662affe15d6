/**
 * `npm run bench:memory`: what the gateway's memory does under large answers (issue #11.3). The large-seed sandbox
 * (>= 100,000 commits) runs in one child process and the gateway in another, started with
 * `node --max-old-space-size=256` (BENCH_HEAP_MB), MAX_PAGE_SIZE=100000 and PAGING_SNAPSHOT_MAX_TOTAL_ROWS=100000
 * (the settings of the report that crashed it) and the default MAX_ROWS_IN_MEMORY unless the environment sets it.
 * It prints:
 * 1. `Commits?$top=100000` in one response: rows, time to first byte and to the last, and the gateway's peak RSS
 *    (VmHWM from /proc, Linux) after it; beside the first byte, what it is measured against (issue #11: one upstream
 *    page's latency plus the gateway's own): the Bitbucket calls made by then (the sandbox's request log) and the
 *    time one commits page (pagelen=100) takes from the sandbox directly;
 * 2. 8 concurrent `Commits?$orderby=Hash` (whole-set reads sorted here): the status of each (200, or 503 MemoryBusy
 *    with Retry-After), the peak RSS, and whether the gateway process survived.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { DEMO_USER } from '../sandbox/identities';
import { startGatewayProcess, type GatewayProcess } from './gateway-process';
import { startSandboxProcess, UNCAPPED } from './sandbox-process';

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7997);
const GATEWAY_PORT = Number(process.env.BENCH_GATEWAY_PORT ?? 8097);
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 256);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 8);

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

interface Outcome {
  status: number;
  bytes: number;
  firstByteMs: number;
  totalMs: number;
  complete: boolean;
  retryAfter?: string;
}

/** GET on the sandbox directly (JSON), with the demo credential. */
function sandboxGet<T>(pathAndQuery: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get({ port: SANDBOX_PORT, path: pathAndQuery, headers: { Authorization: `Bearer ${DEMO_USER.bearerToken}` } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(JSON.parse(text) as T));
      })
      .on('error', reject);
  });
}

/** Milliseconds of one commits page (pagelen=100) of the first repository, read from the sandbox directly. */
async function oneCommitsPageMs(): Promise<number> {
  const workspaces = await sandboxGet<{ values: Array<{ workspace?: { slug: string }; slug?: string }> }>('/2.0/user/workspaces?pagelen=1');
  const workspace = workspaces.values[0]?.workspace?.slug ?? workspaces.values[0]?.slug;
  const repositories = await sandboxGet<{ values: Array<{ slug: string }> }>(`/2.0/repositories/${workspace}?pagelen=1`);
  const started = performance.now();
  await sandboxGet(`/2.0/repositories/${workspace}/${repositories.values[0].slug}/commits?pagelen=100`);
  return performance.now() - started;
}

function get(url: string, onFirstByte?: () => void): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let firstByteMs = NaN;
    let bytes = 0;
    const request = http.get({ port: GATEWAY_PORT, path: encodeURI(url), headers: { Authorization: `Bearer ${DEMO_USER.bearerToken}` } }, (response) => {
      firstByteMs = performance.now() - started;
      onFirstByte?.();
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
  let gateway: GatewayProcess | undefined;
  try {
    gateway = await startGatewayProcess(
      GATEWAY_PORT,
      {
        ...UNCAPPED,
        BITBUCKET_API_URL: `http://127.0.0.1:${SANDBOX_PORT}/2.0`,
        MAX_PAGE_SIZE: '100000',
        PAGING_SNAPSHOT_MAX_TOTAL_ROWS: process.env.PAGING_SNAPSHOT_MAX_TOTAL_ROWS ?? '100000',
      },
      [`--max-old-space-size=${HEAP_MB}`],
    );
    const { child } = gateway;
    const pid = child.pid as number;
    console.log(`gateway: node --max-old-space-size=${HEAP_MB}, MAX_PAGE_SIZE=100000, PAGING_SNAPSHOT_MAX_TOTAL_ROWS=${process.env.PAGING_SNAPSHOT_MAX_TOTAL_ROWS ?? '100000'}, MAX_ROWS_IN_MEMORY=${process.env.MAX_ROWS_IN_MEMORY ?? 'default'}; RSS at rest ${rssMb(pid)} MB`);

    const pageMs = await oneCommitsPageMs();
    await new Promise<void>((resolve) => http.request({ port: SANDBOX_PORT, path: '/_sandbox/requests', method: 'DELETE' }, (response) => response.resume().on('end', resolve)).end());
    let callsAtFirstByte: Promise<number> | undefined;
    const top = await get('/odata/Commits?$top=100000', () => (callsAtFirstByte = sandboxGet<Array<{ path: string }>>('/_sandbox/requests').then((calls) => calls.filter((call) => call.path.startsWith('/2.0')).length)));
    console.log(
      `Commits?$top=100000: ${top.status}, ${(top.bytes / 1e6).toFixed(1)} MB, complete ${top.complete}, first byte ${Math.round(top.firstByteMs)} ms of ${Math.round(top.totalMs)} ms (${Math.round((100 * top.firstByteMs) / top.totalMs)} %), peak RSS ${Math.round(gateway.peakRssMiB())} MB`,
    );
    console.log(`  first byte after ${await callsAtFirstByte} Bitbucket calls (the fan-out's lists, then one commits page); one commits page (pagelen=100) from the sandbox directly: ${Math.round(pageMs)} ms`);

    const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, () => get('/odata/Commits?$orderby=Hash&$select=Hash,Date,Workspace,RepositorySlug')));
    const alive = child.exitCode === null && child.signalCode === null;
    const statuses = outcomes.map((outcome) => `${outcome.status}${outcome.retryAfter ? ` (Retry-After ${outcome.retryAfter})` : ''}`);
    console.log(`${CONCURRENT} concurrent Commits?$orderby=Hash: ${statuses.join(', ')}; slowest ${Math.round(Math.max(...outcomes.map((o) => o.totalMs)))} ms`);
    console.log(`gateway ${alive ? 'survived' : `DIED (exit ${child.exitCode}, signal ${child.signalCode})`}${alive ? `, peak RSS ${Math.round(gateway.peakRssMiB())} MB` : ''}`);
    if (!alive) process.exitCode = 1;
  } finally {
    await gateway?.stop();
    sandbox.kill();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
