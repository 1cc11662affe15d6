/**
 * `npm run bench:load`: the gateway on a real port, started as `npm start` starts it (src/server.ts), under
 * - **keep-alive load**: 200 concurrent keep-alive connections sending cheap reads for LOAD_SECONDS; memory (RSS, heap)
 *   and open handles/sockets sampled before and after, which must come back near the baseline (no leak);
 * - **slowloris**: connections that send their headers one byte a second; the gateway keeps answering others, and
 *   Node's `server.headersTimeout` (checked every `connectionsCheckingInterval`) closes them;
 * - **hostile inputs**: huge headers, a 1 MB URL, a 10 MB body, a chunked body that never ends, a request line that is
 *   not HTTP: each refused with a 4xx, promptly, and the gateway answers the next request.
 *
 *   LOAD_SECONDS=120 LOAD_CONNECTIONS=200 SLOWLORIS_CONNECTIONS=50 SLOWLORIS_SECONDS=100 npm run bench:load
 *
 * Run with `node --expose-gc` (the npm script does) so the after-sample is taken after a full collection.
 */
import http from 'node:http';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { formatStatusCounts } from './judge-answer';
import { DEMO_AUTHORIZATION, startReliabilityStack, type ReliabilityStack } from './reliability-stack';
import { sendRequest } from './send-request';

/** Cheap reads: each costs Bitbucket one or two calls, so the gateway's own work is what is measured. */
const LOAD_PATHS = [
  "/odata/Repositories(Workspace='acme-dev',Slug='platform-api')",
  "/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=5".replace(/ /g, '%20'),
  '/odata/Workspaces',
  '/odata/$metadata',
  '/odata/',
];

export interface ResourceSample {
  rssMb: number;
  heapUsedMb: number;
  /** process.getActiveResourcesInfo(): sockets, timers, servers… still alive. */
  handles: number;
  /** Connections the gateway's server holds. */
  serverConnections: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

export async function sampleResources(stack: ReliabilityStack): Promise<ResourceSample> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const memory = process.memoryUsage();
  const serverConnections = await new Promise<number>((resolve) => stack.gateway.server.getConnections((error, count) => resolve(error ? -1 : count)));
  return {
    rssMb: Math.round(memory.rss / 1e5) / 10,
    heapUsedMb: Math.round(memory.heapUsed / 1e5) / 10,
    handles: openHandles(),
    serverConnections,
  };
}

/**
 * Until the gateway holds no connection and the process's open handles are back to `handles` (the idle keep-alive
 * sockets between the gateway and the sandbox close after their keep-alive timeout, 5 s), or `withinMs` passed.
 */
async function settle(stack: ReliabilityStack, handles: number, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const count = await new Promise<number>((resolve) => stack.gateway.server.getConnections((_error, n) => resolve(n)));
    if (count === 0 && openHandles() <= handles) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sockets, servers and file requests in flight; timers and immediates come and go and are not counted. */
function openHandles(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout' && kind !== 'Immediate').length;
}

export interface LoadReport {
  connections: number;
  seconds: number;
  requests: number;
  statuses: Map<number | string, number>;
  before: ResourceSample;
  after: ResourceSample;
  /** Highest RSS seen while the load ran. */
  peakRssMb: number;
}

export async function runKeepAliveLoad(stack: ReliabilityStack, options: { connections: number; seconds: number }): Promise<LoadReport> {
  // Warm-up: code paths compiled, caches as they will stay, before the baseline (which counts the idle keep-alive
  // sockets the warm-up left between the gateway and the sandbox).
  const warm = new http.Agent({ keepAlive: true, maxSockets: 4 });
  for (let i = 0; i < 50; i++) await sendRequest(stack.gatewayUrl, { method: 'GET', path: LOAD_PATHS[i % LOAD_PATHS.length], headers: { Authorization: DEMO_AUTHORIZATION } }, { timeoutMs: 30_000, agent: warm });
  warm.destroy();
  await settle(stack, Number.POSITIVE_INFINITY, 8_000);
  const before = await sampleResources(stack);

  let peakRssMb = before.rssMb;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 1e6)), 250);
  const { requests, statuses } = await loadFromWorker({ url: stack.gatewayUrl, connections: options.connections, seconds: options.seconds, paths: LOAD_PATHS, authorization: DEMO_AUTHORIZATION, timeoutMs: 30_000 });
  clearInterval(sampler);
  await settle(stack, before.handles, 8_000);
  const after = await sampleResources(stack);
  return { connections: options.connections, seconds: options.seconds, requests, statuses, before, after, peakRssMb: Math.round(peakRssMb * 10) / 10 };
}

/**
 * The keep-alive load's client, in a worker thread: its own event loop, beside the gateway's. With the client on the
 * gateway's loop (as it was), 0.2–1 % of requests went unanswered within 30 s, and a bare node:http server sending
 * 80 kB did the same: every one of them on a socket the client had just opened (never a reused one), connected and
 * its request written, while the server had not accepted it (`ss -ltn` showed 160 connections waiting in the listening
 * socket's queue with the loop busy serving the others). The same client in another thread, or another process, left
 * none unanswered in 200,000 requests: the count measured the one-loop load generator, not the gateway.
 * Plain JavaScript (`eval`), so that it runs the same under tsx and under jest.
 */
function loadFromWorker(options: { url: string; connections: number; seconds: number; paths: readonly string[]; authorization: string; timeoutMs: number }): Promise<{ requests: number; statuses: Map<number | string, number> }> {
  const source = `
    const http = require('node:http');
    const { parentPort, workerData: o } = require('node:worker_threads');
    const url = new URL(o.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
    const statuses = new Map();
    let requests = 0;
    const endAt = Date.now() + o.seconds * 1000;
    const send = (path) => new Promise((resolve) => {
      let settled = false;
      const settle = (status) => { if (!settled) { settled = true; clearTimeout(timer); resolve(status); } };
      const request = http.request({ host: url.hostname, port: url.port, method: 'GET', path, headers: { Authorization: o.authorization }, agent }, (incoming) => {
        incoming.resume();
        incoming.on('error', () => settle('no-answer'));
        incoming.on('end', () => settle(incoming.statusCode));
      });
      const timer = setTimeout(() => { settle('hang'); request.destroy(); }, o.timeoutMs);
      request.on('error', () => settle('no-answer'));
      request.end();
    });
    const worker = async (index) => {
      for (let i = index; Date.now() < endAt; i++) {
        const status = await send(o.paths[i % o.paths.length]);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        requests += 1;
      }
    };
    Promise.all(Array.from({ length: o.connections }, (_, index) => worker(index))).then(() => {
      agent.destroy();
      parentPort.postMessage({ requests, statuses: [...statuses.entries()] });
    });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { ...options, paths: [...options.paths] } });
    worker.once('message', (message: { requests: number; statuses: Array<[number | string, number]> }) => resolve({ requests: message.requests, statuses: new Map(message.statuses) }));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load worker exited with ${code}`))));
  });
}

/** What came back on a raw socket: the status of the first answer, or that the socket closed or stayed silent. */
export type RawOutcome = { kind: 'answer'; status: number; afterMs: number } | { kind: 'closed'; afterMs: number } | { kind: 'silent'; afterMs: number };

/**
 * Opens a socket to the gateway, lets `feed` write to it (as fast or as slowly as it likes) and waits up to
 * `withinMs` for an answer's status line or for the server to close the socket.
 */
export function rawExchange(port: number, feed: (socket: net.Socket, stopped: () => boolean) => void, withinMs: number): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let done = false;
    const finish = (outcome: RawOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'silent', afterMs: Date.now() - started }), withinMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      if (match) finish({ kind: 'answer', status: Number(match[1]), afterMs: Date.now() - started });
    });
    socket.on('close', () => finish({ kind: 'closed', afterMs: Date.now() - started }));
    socket.on('error', () => undefined);
    socket.on('connect', () => feed(socket, () => done));
  });
}

/** Writes `total` bytes of `fill` as fast as the socket takes them, stopping when the exchange is over. */
function pour(socket: net.Socket, stopped: () => boolean, total: number, chunk: Buffer, framing?: (piece: Buffer) => Buffer, then?: () => void): void {
  let sent = 0;
  const more = () => {
    while (!stopped() && !socket.destroyed && sent < total) {
      const piece = total - sent < chunk.length ? chunk.subarray(0, total - sent) : chunk;
      sent += piece.length;
      if (!socket.write(framing ? framing(piece) : piece)) {
        socket.once('drain', more);
        return;
      }
    }
    if (sent >= total && !stopped() && !socket.destroyed) then?.();
  };
  more();
}

export interface HostileCase {
  name: string;
  feed: (socket: net.Socket, stopped: () => boolean) => void;
}

const AUTH = `Authorization: ${DEMO_AUTHORIZATION}\r\n`;

export const HOSTILE_CASES: readonly HostileCase[] = [
  {
    name: 'huge headers (100 × 1 kB)',
    feed: (socket) => socket.write(`GET /odata/ HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}${Array.from({ length: 100 }, (_, i) => `X-Filler-${i}: ${'a'.repeat(1_000)}\r\n`).join('')}\r\n`),
  },
  {
    name: '1 MB URL',
    feed: (socket) => socket.write(`GET /odata/PullRequests?$filter=${'x'.repeat(1_000_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}\r\n`),
  },
  {
    name: '10 MB body',
    feed: (socket, stopped) => {
      // Exactly the announced length: `{"Name":"aaa…"}`.
      const length = 10 * 1024 * 1024;
      socket.write(`POST /odata/Projects HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{"Name":"`);
      pour(socket, stopped, length - 11, Buffer.alloc(64 * 1024, 'a'), undefined, () => socket.write('"}'));
    },
  },
  {
    name: 'chunked body that never ends',
    feed: (socket, stopped) => {
      socket.write(`POST /odata/Projects HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      pour(socket, stopped, Number.POSITIVE_INFINITY, Buffer.alloc(16 * 1024, 'a'), (piece) => Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]));
    },
  },
  { name: 'a request line that is not HTTP', feed: (socket) => socket.write('HELLO THERE\r\n\r\n') },
  { name: 'a header without a colon', feed: (socket) => socket.write(`GET /odata/ HTTP/1.1\r\nHost: 127.0.0.1\r\nBroken header\r\n\r\n`) },
];

/** A hostile exchange is refused cleanly when the gateway answers it with a 4xx within the time allowed. */
export async function runHostileInputs(
  stack: ReliabilityStack,
  withinMs: number,
  cases: readonly HostileCase[] = HOSTILE_CASES,
): Promise<Array<{ name: string; outcome: RawOutcome; nextRequestStatus: number | string }>> {
  const port = Number(new URL(stack.gatewayUrl).port);
  const results = [];
  for (const hostile of cases) {
    const outcome = await rawExchange(port, hostile.feed, withinMs);
    // The gateway still answers the next client.
    const next = await sendRequest(stack.gatewayUrl, { method: 'GET', path: '/odata/', headers: { Authorization: DEMO_AUTHORIZATION } }, { timeoutMs: 10_000 });
    results.push({ name: hostile.name, outcome, nextRequestStatus: next.kind === 'answer' ? next.status : next.kind });
  }
  return results;
}

export interface SlowlorisReport {
  connections: number;
  /** Milliseconds a normal request took while the slow connections were open. */
  normalRequestMs: number;
  normalRequestStatus: number | string;
  /** How each slow connection ended within the observation time. */
  outcomes: RawOutcome[];
}

/**
 * Opens `connections` sockets that send a request line and then one header byte a second, never finishing; a normal
 * request is timed meanwhile; each slow socket is watched for up to `observeMs` for the server to close it.
 */
export async function runSlowloris(stack: ReliabilityStack, options: { connections: number; observeMs: number }): Promise<SlowlorisReport> {
  const port = Number(new URL(stack.gatewayUrl).port);
  const timers: NodeJS.Timeout[] = [];
  const slow = Array.from({ length: options.connections }, () =>
    rawExchange(
      port,
      (socket, stopped) => {
        socket.write('GET /odata/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        const timer = setInterval(() => {
          if (stopped() || socket.destroyed) clearInterval(timer);
          else socket.write('a');
        }, 1_000);
        timers.push(timer);
      },
      options.observeMs,
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const started = Date.now();
  const normal = await sendRequest(stack.gatewayUrl, { method: 'GET', path: '/odata/Workspaces', headers: { Authorization: DEMO_AUTHORIZATION } }, { timeoutMs: 10_000 });
  const normalRequestMs = Date.now() - started;
  const outcomes = await Promise.all(slow);
  for (const timer of timers) clearInterval(timer);
  return { connections: options.connections, normalRequestMs, normalRequestStatus: normal.kind === 'answer' ? normal.status : normal.kind, outcomes };
}

/** The server settings that bound a slow or endless request, as the gateway's start-up left them. */
export function serverTimeouts(stack: ReliabilityStack): { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number; maxHeaderSize: number } {
  const server = stack.gateway.server;
  return { headersTimeout: server.headersTimeout, requestTimeout: server.requestTimeout, keepAliveTimeout: server.keepAliveTimeout, maxHeaderSize: http.maxHeaderSize };
}

async function main(): Promise<void> {
  const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  if (!gc) console.log('(run with node --expose-gc for memory figures after a full collection)');
  const stack = await startReliabilityStack();
  try {
    console.log(`gateway ${stack.gatewayUrl}; server timeouts as started: ${JSON.stringify(serverTimeouts(stack))}`);

    const load = await runKeepAliveLoad(stack, { connections: number('LOAD_CONNECTIONS', 200), seconds: number('LOAD_SECONDS', 60) });
    console.log(`\nkeep-alive load: ${load.connections} connections for ${load.seconds} s: ${load.requests} requests (${Math.round(load.requests / load.seconds)}/s)`);
    console.log(`  by status: ${formatStatusCounts(load.statuses)}`);
    console.log('| sample | RSS MB | heap used MB | handles | gateway connections |\n|---|---|---|---|---|');
    console.log(`| before | ${load.before.rssMb} | ${load.before.heapUsedMb} | ${load.before.handles} | ${load.before.serverConnections} |`);
    console.log(`| peak | ${load.peakRssMb} | | | |`);
    console.log(`| after | ${load.after.rssMb} | ${load.after.heapUsedMb} | ${load.after.handles} | ${load.after.serverConnections} |`);

    const hostile = await runHostileInputs(stack, 10_000);
    console.log('\nhostile inputs:\n| input | answer | after ms | next request |\n|---|---|---|---|');
    for (const { name, outcome, nextRequestStatus } of hostile) console.log(`| ${name} | ${outcome.kind === 'answer' ? outcome.status : outcome.kind} | ${outcome.afterMs} | ${nextRequestStatus} |`);

    const slowloris = await runSlowloris(stack, { connections: number('SLOWLORIS_CONNECTIONS', 50), observeMs: number('SLOWLORIS_SECONDS', 100) * 1000 });
    const ends = new Map<string, number>();
    for (const outcome of slowloris.outcomes) {
      const key = outcome.kind === 'answer' ? `answered ${outcome.status}` : outcome.kind;
      ends.set(key, (ends.get(key) ?? 0) + 1);
    }
    const closedAfter = slowloris.outcomes.filter((o) => o.kind !== 'silent').map((o) => o.afterMs);
    console.log(`\nslowloris: ${slowloris.connections} connections sending a header byte a second; meanwhile a normal request: ${slowloris.normalRequestStatus} in ${slowloris.normalRequestMs} ms`);
    console.log(`  how they ended: ${formatStatusCounts(ends)}${closedAfter.length > 0 ? `, after ${Math.round(Math.min(...closedAfter) / 1000)}–${Math.round(Math.max(...closedAfter) / 1000)} s` : ''}`);
    const leak = load.after.handles > load.before.handles + 2 || load.after.serverConnections > 0 || load.after.heapUsedMb > load.before.heapUsedMb * 1.5 + 10;
    const unclean = hostile.some(({ outcome, nextRequestStatus }) => outcome.kind !== 'answer' || outcome.status < 400 || outcome.status >= 500 || nextRequestStatus !== 200);
    const slowStayed = slowloris.outcomes.some((o) => o.kind === 'silent');
    const unanswered = [...load.statuses.entries()].filter(([status]) => typeof status !== 'number').reduce((sum, [, n]) => sum + n, 0);
    // The load's client runs in its own thread (`loadFromWorker` says why): a request left unanswered is a failure.
    if (unanswered > 0) console.log(`UNANSWERED: ${unanswered} requests got no whole answer within 30 s`);
    if (leak) console.log('LEAK: resources did not come back near the baseline');
    if (unclean) console.log('UNCLEAN: a hostile input was not refused with a 4xx, or the next request failed');
    if (slowStayed) console.log(`SLOW CONNECTIONS STILL OPEN after ${number('SLOWLORIS_SECONDS', 100)} s`);
    if (leak || unclean || slowStayed || unanswered > 0) process.exitCode = 1;
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
