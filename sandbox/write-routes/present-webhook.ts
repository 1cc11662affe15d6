import type { WebhookRecord, WorkspaceRecord } from '../seed/records';
import { apiLink, type PresentContext } from '../routes/present/present-context';
import { presentWorkspaceEmbed } from '../routes/present/present-workspace';

/** A workspace webhook: the `webhook_subscription` schema with `subject_type: "workspace"`; never the secret. */
export function presentWorkspaceWebhook(ctx: PresentContext, workspace: WorkspaceRecord, w: WebhookRecord): Record<string, unknown> {
  return {
    type: 'webhook_subscription',
    uuid: w.uuid,
    url: w.url,
    description: w.description,
    subject_type: 'workspace',
    subject: presentWorkspaceEmbed(ctx, workspace),
    active: w.active,
    created_at: w.createdAt,
    events: w.events,
    secret_set: w.secret !== null,
    links: { self: apiLink(ctx, `/workspaces/${workspace.slug}/hooks/${w.uuid}`) },
  };
}
