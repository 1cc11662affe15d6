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
 */
export function sendAttempt(request: AttemptRequest): Promise<AttemptOutcome> {
  return new Promise((resolve, reject) => {
    request.signal?.throwIfAborted();
    const transport = request.upstream.protocol === 'https:' ? https : http;
    let settled = false;
    let connected = false;
    let status: number | undefined;
    let headers: Record<string, string> | undefined;

    const outgoing = transport.request({
      protocol: request.upstream.protocol,
      // URL keeps IPv6 literals in brackets; the socket layer wants them bare.
      hostname: request.upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: request.upstream.port === '' ? undefined : Number(request.upstream.port),
      path: request.requestTarget,
      method: request.method,
      headers: request.headers,
      agent: request.agent,
    });

    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.signal?.removeEventListener('abort', onAbort);
      finish();
    };
    const fail = (failure: AttemptFailure, code: string): void =>
      settle(() => {
        outgoing.destroy();
        const outcome: AttemptOutcome = { type: 'failed', failure, code, connected };
        if (status !== undefined) outcome.status = status;
        if (headers !== undefined) outcome.headers = headers;
        resolve(outcome);
      });
    const onAbort = (): void =>
      settle(() => {
        outgoing.destroy();
        reject(request.signal?.reason);
      });

    const deadline = setTimeout(() => fail('timeout', 'ETIMEDOUT'), request.timeoutMs);
    request.signal?.addEventListener('abort', onAbort, { once: true });

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
      // A body that came in one chunk (a small answer; a compressed page often) is used as it is, without a copy.
      incoming.on('end', () =>
        settle(() => resolve({ type: 'response', status: status ?? 0, headers: headers ?? {}, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) })),
      );
      // The connection closed before the body was complete (Content-Length or chunked framing not finished).
      incoming.on('error', () => fail('truncated', 'ERR_TRUNCATED_BODY'));
      incoming.on('close', () => {
        if (!incoming.complete) fail('truncated', 'ERR_TRUNCATED_BODY');
      });
    });

    outgoing.end(request.body);
  });
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
