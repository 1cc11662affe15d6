/**
 * A Bitbucket webhook delivery POSTed to the gateway's change-notice receiver (src/http/change-notice-receiver.ts), as
 * Bitbucket sends one: `X-Event-Key`, `X-Request-UUID`, `X-Attempt-Number` and, when signed, `X-Hub-Signature:
 * sha256=<hex HMAC-SHA256(secret, body bytes)>` (bitbucket.org/blog/enhanced-webhook-security).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type supertest from 'supertest';

export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface DeliveryOptions {
  /** The webhook's secret: the delivery is signed with it unless `sign` says otherwise. */
  secret: string;
  /** The `X-Hub-Signature` to send for a body (undefined: none), for deliveries signed wrongly or not at all. */
  sign?: (body: string) => string | undefined;
  requestUuid?: string;
}

/** Sends `payload` (JSON-encoded unless already a string) as a delivery of `eventKey`. */
export function postDelivery(request: ReturnType<typeof supertest>, eventKey: string, payload: unknown, options: DeliveryOptions) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signed = (options.sign ?? ((text: string) => signatureOf(text, options.secret)))(body);
  const delivery = request
    .post('/webhooks/bitbucket')
    .set('Content-Type', 'application/json')
    .set('X-Event-Key', eventKey)
    .set('X-Request-UUID', options.requestUuid ?? randomUUID())
    .set('X-Attempt-Number', '1');
  return (signed === undefined ? delivery : delivery.set('X-Hub-Signature', signed)).send(body);
}
