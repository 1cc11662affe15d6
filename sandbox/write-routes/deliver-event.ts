/**
 * Who hears a write's events, as Bitbucket does it ("Manage webhooks", support.atlassian.com): every active webhook
 * subscribed to the event key, of the repository and of its workspace (workspace webhooks "receive events from all
 * repositories in the workspace"). The payload is `{actor, repository, …entities}`, the repository in its full
 * presentation (`full_name`, `uuid`), as "Event payloads" shows it. Sending, signing and retrying: webhook-delivery.ts.
 */
import { presentUser } from '../routes/present/present-account';
import { presentRepository } from '../routes/present/present-repository';
import type { WebhookDelivery } from './webhook-delivery';
import type { WriteContext, WriteEvent } from './write-route';

export function deliverEvents(ctx: WriteContext, events: readonly WriteEvent[], webhooks: WebhookDelivery): void {
  if (!webhooks.enabled) return;
  for (const event of events) {
    const data = event.repository ?? ctx.repository;
    if (!data) throw new Error(`Event ${event.key} names no repository`);
    const listening = (hook: { active: boolean; events: string[] }) => hook.active && hook.events.includes(event.key);
    const hooks = [
      ...(event.workspaceHooksOnly ? [] : data.webhooks.filter(listening)),
      ...ctx.store.workspaceWebhooksOf(data.repository.workspaceUuid).filter(listening),
    ];
    if (hooks.length === 0) continue;
    webhooks.send(hooks, event.key, { actor: presentUser(ctx.present, ctx.actor.user), repository: presentRepository(ctx.present, data), ...event.entities });
  }
}
