import http from 'node:http';
import https from 'node:https';

export interface AttemptRequest {
  /** The configured upstream (scheme, host, port); the request target never changes it. */
  upstream: URL;
  /** Path and query, sent as given. */
  requestTarget: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  agent: http.Agent;
  maxResponseBytes: number;
  signal?: AbortSignal;
}

export type AttemptFailure = 'timeout' | 'network' | 'truncated' | 'too-large';

export type AttemptOutcome =
  | { type: 'response'; status: number; headers: Record<string, string>; body: Buffer }
  | {
      type: 'failed';
      failure: AttemptFailure;
      /** Node's error code, or our own name for the failure. */
      code: string;
      /**
       * Whether the TCP connection was open when the attempt failed. Before that, not a byte of the request left
       * this process, so even a non-idempotent write can be retried safely.
       */
      connected: boolean;
      status?: number;
      headers?: Record<string, string>;
    };

/**
 * One HTTP exchange, with a deadline over the whole of it (connect, headers and body). Resolves with the response
 * or a described failure; rejects only with the signal's reason when the caller aborts.
 *
 * Why node:http and not axios (the usual choice): whether a failed request ever left this process decides
 * whether a create may be sent again, and axios 1.21 cannot tell. A timeout before the connection exists (slow DNS,
 * SYN unanswered) and one after the server received the whole body both reject with `ECONNABORTED "timeout of N ms
 * exceeded"` and no socket on the error (measured with a delayed `lookup` and with a server that reads and never
 * answers). Here the socket's `connect` event answers it exactly (`connected`).
 *
 * Why not undici (Node's own fetch engine), measured for issue #15 (CPU per upstream call): in this process, against
 * the large-seed sandbox, alternated rounds of 1,000 sequential calls (undici 7.30, node 20, a loaded machine, medians),
 * the by-key read of bench/client-cpu.ts and its 100-commit page cost, with node:http and a keep-alive Agent,
 * 157 and 387 µs per call in one run, 209 and 865 µs in another; with undici's `Pool.request` 132 and 343 (-16 %,
 * -11 %), then 233 and 436 µs (+11 %, -50 %): not the clearly cheaper (>= 15 % per call in every pair) the change
 * would have to be. Its low-level `dispatch` was cheaper in both runs (106 and 338, then 128 and 555 µs), but with it
 * the exactness of `connected` would rest on when undici calls a handler's `onConnect`, its failures carry undici's
 * own codes (UND_ERR_SOCKET for a reset) where callers and specs read Node's, and `close()` would end the pool for
 * good. What this function added per call around node:http was cut instead (one outcome check without a callback per
 * event, the endpoint read once per URL, no array per response header, a constant listener option): `sendAttempt`
 * 95 -> 71 µs inclusive per 100-commit answer page in a profile of the gateway (node:http's own `request` 60 -> 48).
 */
export function sendAttempt(request: AttemptRequest): Promise<AttemptOutcome> {
  return new Promise((resolve, reject) => {
    const { signal } = request;
    signal?.throwIfAborted();
    const endpoint = endpointOf(request.upstream);
    let settled = false;
    let connected = false;
    let status: number | undefined;
    let headers: Record<string, string> | undefined;

    const outgoing = endpoint.transport.request({
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port,
      path: request.requestTarget,
      method: request.method,
      headers: request.headers,
      agent: request.agent,
    });

    // Whether this is the attempt's first outcome (then the deadline and the abort listener go); later ones are ignored.
    // Each outcome is handled inline rather than through a callback per event: one closure fewer per event and call.
    const first = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (failure: AttemptFailure, code: string): void => {
      if (!first()) return;
      outgoing.destroy();
      const outcome: AttemptOutcome = { type: 'failed', failure, code, connected };
      if (status !== undefined) outcome.status = status;
      if (headers !== undefined) outcome.headers = headers;
      resolve(outcome);
    };
    const onAbort = (): void => {
      if (!first()) return;
      outgoing.destroy();
      reject(signal?.reason);
    };

    const deadline = setTimeout(fail, request.timeoutMs, 'timeout', 'ETIMEDOUT');
    signal?.addEventListener('abort', onAbort, ONCE);

    outgoing.on('socket', (socket) => {
      // A socket reused from the keep-alive pool is already connected.
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => fail('network', error.code ?? 'ERR_NETWORK'));
    outgoing.on('response', (incoming) => {
      status = incoming.statusCode ?? 0;
      headers = flattenHeaders(incoming.headers);
      const chunks: Buffer[] = [];
      let received = 0;
      incoming.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > request.maxResponseBytes) fail('too-large', 'ERR_RESPONSE_TOO_LARGE');
        else chunks.push(chunk);
      });
      incoming.on('end', () => {
        if (!first()) return;
        // A body that came in one chunk (a small answer; a compressed page often) is used as it is, without a copy.
        resolve({ type: 'response', status: status ?? 0, headers: headers ?? {}, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) });
      });
      // The connection closed before the body was complete (Content-Length or chunked framing not finished).
      incoming.on('error', () => fail('truncated', 'ERR_TRUNCATED_BODY'));
      incoming.on('close', () => {
        if (!incoming.complete) fail('truncated', 'ERR_TRUNCATED_BODY');
      });
    });

    outgoing.end(request.body);
  });
}

const ONCE = { once: true } as const;

/** What a request to the upstream needs of its URL, read once per URL object: URL's getters build a string on every read. */
interface Endpoint {
  transport: typeof http | typeof https;
  protocol: string;
  hostname: string;
  port: number | undefined;
}

const endpoints = new WeakMap<URL, Endpoint>();

function endpointOf(upstream: URL): Endpoint {
  let endpoint = endpoints.get(upstream);
  if (endpoint === undefined) {
    endpoint = {
      transport: upstream.protocol === 'https:' ? https : http,
      protocol: upstream.protocol,
      // URL keeps IPv6 literals in brackets; the socket layer wants them bare.
      hostname: upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: upstream.port === '' ? undefined : Number(upstream.port),
    };
    endpoints.set(upstream, endpoint);
  }
  return endpoint;
}

/** Node's headers with repeated ones (set-cookie) joined by ", ". */
function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  // for-in, not Object.entries: no array per header on every call (node's headers object has no inherited
  // enumerable properties).
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) flat[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return flat;
}
