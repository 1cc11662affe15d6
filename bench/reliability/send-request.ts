/**
 * One request to the gateway over a real socket with node:http (no client that would normalise or refuse a hostile
 * URL first), read whole, within a deadline. A request that gets no complete answer in time is a hang; a connection
 * closed without an answer is a failure too: both are what the reliability checks count.
 */
import http from 'node:http';
import type { Answer } from './judge-answer';

export type SendResult = ({ kind: 'answer' } & Answer & { headers: http.IncomingHttpHeaders }) | { kind: 'hang'; afterMs: number } | { kind: 'no-answer'; reason: string };

export interface OutgoingRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export function sendRequest(baseUrl: string, request: OutgoingRequest, options: { timeoutMs: number; agent?: http.Agent }): Promise<SendResult> {
  const url = new URL(baseUrl);
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const settle = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
    let outgoing: http.ClientRequest;
    try {
      outgoing = http.request({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent: options.agent }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', (error) => settle({ kind: 'no-answer', reason: `answer cut off: ${error.message}` }));
        incoming.on('end', () =>
          settle({
            kind: 'answer',
            status: incoming.statusCode ?? 0,
            contentType: String(incoming.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
            headers: incoming.headers,
          }),
        );
      });
    } catch (error) {
      // Node's client refuses some request lines itself (a character it will not send): not the gateway's doing.
      resolve({ kind: 'no-answer', reason: `not sendable: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    const timer = setTimeout(() => {
      settle({ kind: 'hang', afterMs: options.timeoutMs });
      outgoing.destroy();
    }, options.timeoutMs);
    outgoing.on('error', (error) => settle({ kind: 'no-answer', reason: error.message }));
    outgoing.end(request.body);
  });
}
