/**
 * A pass-through proxy between the gateway and the sandbox that spoils the answer of one kind of request only: the
 * writes (every method but GET/HEAD). The sandbox's own faults (`/_sandbox/faults`) hit every /2.0 request, so a
 * write whose gateway request also reads (the If-Match check, the parent check, the read-back) would mostly fail on a
 * read; here the reads pass and the write meets exactly the fault under test.
 *
 * Faults, named after what the gateway sees (issue #11 item 1: truncate, reset, timeout, 5xx):
 * - `truncate`: the write is applied, its answer's status and headers arrive, half its body, then the socket closes;
 * - `reset`: the write is applied, then the socket closes before any answer;
 * - `timeout`: the write is applied, its answer is held back for `holdMs` (past the gateway's UPSTREAM_TIMEOUT_MS);
 * - `error-before`: 500 in Bitbucket's envelope, the write never reaches the sandbox;
 * - `error-after`: the write is applied, then answered 500 instead of its own answer.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const WRITE_FAULTS = ['truncate', 'reset', 'timeout', 'error-before', 'error-after'] as const;
export type WriteFault = (typeof WRITE_FAULTS)[number];

/** Whether a write that met this fault reached the sandbox (so it may have been applied). */
export const FAULT_APPLIES_WRITE: Readonly<Record<WriteFault, boolean>> = {
  truncate: true,
  reset: true,
  timeout: true,
  'error-before': false,
  'error-after': true,
};

export interface WriteFaultProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Where requests go (the sandbox's URL); settable after start, since the sandbox's links must name the proxy. */
  target: string;
  /** The fault each next write meets: a fixed one, none, or a function drawing one per write. */
  faultFor: () => WriteFault | undefined;
  /** Writes that met each fault so far. */
  readonly met: Record<WriteFault, number>;
  close(): Promise<void>;
}

const INJECTED_500 = JSON.stringify({ type: 'error', error: { message: 'Something went wrong', detail: 'Injected by the write-fault proxy.' } });

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Headers of an answer passed on: hop-by-hop ones are the proxy's own business (Node frames the body itself). */
function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const copy: http.OutgoingHttpHeaders = { ...headers };
  delete copy['transfer-encoding'];
  delete copy.connection;
  delete copy['keep-alive'];
  return copy;
}

function upstreamRequest(target: string, req: IncomingMessage, body: Buffer, onAnswer: (answer: IncomingMessage) => void): http.ClientRequest {
  const url = new URL(req.url ?? '/', target);
  const headers = { ...req.headers, host: url.host, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  const upstream = http.request(url, { method: req.method, headers, agent: false }, onAnswer);
  upstream.end(body);
  return upstream;
}

/** Sends the request on to `target` and returns the whole answer; rejects when the sandbox cut it off. */
function forward(target: string, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = upstreamRequest(target, req, body, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => (answer.complete ? resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }) : reject(new Error('answer cut off'))));
      answer.on('error', reject);
    });
    upstream.on('error', reject);
  });
}

/**
 * Passes the request and its answer through as they come, so the sandbox's own faults reach the gateway unchanged: a
 * reset stays a reset, a body cut short stays a body cut short after its status and full Content-Length.
 */
function passThrough(target: string, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const upstream = upstreamRequest(target, req, body, (answer) => {
    res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
    answer.on('data', (chunk: Buffer) => res.write(chunk));
    answer.on('end', () => (answer.complete ? res.end() : req.socket.destroy()));
    answer.on('error', () => req.socket.destroy());
  });
  upstream.on('error', () => req.socket.destroy());
}

export async function startWriteFaultProxy(options: { holdMs?: number } = {}): Promise<WriteFaultProxy> {
  const holdMs = options.holdMs ?? 2_000;
  const met: Record<WriteFault, number> = { truncate: 0, reset: 0, timeout: 0, 'error-before': 0, 'error-after': 0 };
  const pending = new Set<NodeJS.Timeout>();
  const proxy: WriteFaultProxy = { url: '', target: '', faultFor: () => undefined, met, close: async () => undefined };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const isWrite = req.method !== 'GET' && req.method !== 'HEAD';
    const fault = isWrite ? proxy.faultFor() : undefined;
    if (fault) met[fault] += 1;
    if (fault === 'error-before') {
      res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(INJECTED_500) }).end(INJECTED_500);
      return;
    }
    if (fault === undefined) {
      passThrough(proxy.target, req, res, body);
      return;
    }
    const answer = await forward(proxy.target, req, body);
    const headers = endToEnd(answer.headers);
    switch (fault) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'error-after':
        res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(INJECTED_500) }).end(INJECTED_500);
        return;
      case 'truncate':
        // The whole length is announced and half the body sent, as a connection dropped mid-body looks.
        res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
        res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => req.socket.destroy());
        return;
      case 'timeout': {
        const timer = setTimeout(() => {
          pending.delete(timer);
          if (!res.destroyed) res.writeHead(answer.status, headers).end(answer.body);
        }, holdMs);
        pending.add(timer);
        return;
      }
      default:
        res.writeHead(answer.status, headers).end(answer.body);
    }
  };

  const server = http.createServer((req, res) => {
    // The sandbox reset or cut off a write that also met a fault here: the gateway sees the connection drop.
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
