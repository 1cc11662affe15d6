import { createHmac, timingSafeEqual } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the sandbox sent to the relay: when it arrived, its headers, the exact body bytes and the parsed body. */
export interface Delivery {
  /** `performance.now()` at arrival. */
  at: number;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: Record<string, unknown>;
}

/** How the relay answers one delivery: a status, no answer at all (a timeout) or a dropped connection. */
export type RelayAnswer = number | 'hang' | 'reset';

/**
 * A loopback HTTP server standing in for the webhooks' receivers: the sandbox posts every delivery here
 * (`webhookRelayUrl`), with the webhook's own URL in `X-Sandbox-Webhook-Url`. It records each request and answers as
 * `answer` says (200 unless told otherwise).
 */
export class Relay {
  readonly deliveries: Delivery[] = [];
  answer: (delivery: Delivery) => RelayAnswer = () => 200;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const delivery: Delivery = { at: performance.now(), headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) as Record<string, unknown> };
      this.deliveries.push(delivery);
      const answer = this.answer(delivery);
      if (answer === 'hang') return;
      if (answer === 'reset') req.socket.destroy();
      else res.writeHead(answer).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/relay`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The deliveries meant for one webhook URL, in arrival order. */
  to(url: string): Delivery[] {
    return this.deliveries.filter((d) => d.headers['x-sandbox-webhook-url'] === url);
  }

  clear(): void {
    this.deliveries.length = 0;
    this.answer = () => 200;
  }
}

/** Whether `X-Hub-Signature` is `sha256=` + the lowercase hex HMAC-SHA256 of the exact body bytes under `secret`. */
export function signatureValid(delivery: Delivery, secret: string): boolean {
  const header = delivery.headers['x-hub-signature'];
  if (typeof header !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(delivery.raw).digest('hex')}`);
  return timingSafeEqual(Buffer.from(header), expected);
}
