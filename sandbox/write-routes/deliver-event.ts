/**
 * Webhook delivery, as Bitbucket does it ("Manage webhooks" and "Event payloads", support.atlassian.com): after a write
 * that causes an event, every active webhook of the repository subscribed to that event key receives a POST with the
 * JSON payload `{actor, repository, …}` and the headers `X-Event-Key`, `X-Hook-UUID`, `X-Request-UUID`,
 * `X-Attempt-Number`. Delivery happens after the write is answered, and its outcome never changes the write.
 *
 * Bitbucket only accepts public webhook URLs, and nothing here reaches the internet, so the sandbox posts to one
 * configured relay (`webhookRelayUrl`, a loopback address in tests) and names the webhook's own URL in
 * `X-Sandbox-Webhook-Url`. Bitbucket retries failed deliveries; the sandbox does not.
 */
import { randomUUID } from 'node:crypto';
import { presentUser } from '../routes/present/present-account';
import { presentRepository } from '../routes/present/present-repository';
import type { WriteContext, WriteResult } from './write-route';

const DELIVERY_TIMEOUT_MS = 5_000;

export function deliverEvent(ctx: WriteContext, event: NonNullable<WriteResult['event']>, relayUrl: string): void {
  const data = ctx.repository;
  if (!data) return;
  const hooks = data.webhooks.filter((hook) => hook.active && hook.events.includes(event.key));
  if (hooks.length === 0) return;
  const body = JSON.stringify({ actor: presentUser(ctx.present, ctx.actor.user), repository: presentRepository(ctx.present, data), ...event.entities });
  for (const hook of hooks) {
    fetch(relayUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Bitbucket-Webhooks/2.0',
        'X-Event-Key': event.key,
        'X-Hook-UUID': hook.uuid.replace(/^\{|\}$/g, ''),
        'X-Request-UUID': randomUUID(),
        'X-Attempt-Number': '1',
        'X-Sandbox-Webhook-Url': hook.url,
      },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    }).catch(() => undefined); // A failed delivery is the receiver's concern; the write stands.
  }
}
