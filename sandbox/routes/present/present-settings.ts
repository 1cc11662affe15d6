import type { BranchRestrictionRecord, RepositoryData, WebhookRecord } from '../../seed/records';
import { presentUser } from './present-account';
import { apiLink, type PresentContext } from './present-context';
import { fullName, presentRepositoryEmbed } from './present-repository';

/** `GET .../branch-restrictions` items: the `branchrestriction` schema (`value` only for kinds that take one). */
export function presentBranchRestriction(ctx: PresentContext, data: RepositoryData, r: BranchRestrictionRecord): Record<string, unknown> {
  return {
    type: 'branchrestriction',
    id: r.id,
    kind: r.kind,
    branch_match_kind: r.branchMatchKind,
    ...(r.branchType ? { branch_type: r.branchType } : {}),
    pattern: r.pattern,
    ...(r.value !== null ? { value: r.value } : {}),
    users: r.userUuids.map((uuid) => presentUser(ctx, ctx.store.user(uuid))),
    groups: [],
    links: { self: apiLink(ctx, `/repositories/${fullName(ctx, data)}/branch-restrictions/${r.id}`) },
  };
}

/** `GET .../hooks` items: the `webhook_subscription` schema; the secret itself is never returned. */
export function presentWebhook(ctx: PresentContext, data: RepositoryData, w: WebhookRecord): Record<string, unknown> {
  return {
    type: 'webhook_subscription',
    uuid: w.uuid,
    url: w.url,
    description: w.description,
    subject_type: 'repository',
    subject: presentRepositoryEmbed(ctx, data),
    active: w.active,
    created_at: w.createdAt,
    events: w.events,
    secret_set: w.secret !== null,
    links: { self: apiLink(ctx, `/repositories/${fullName(ctx, data)}/hooks/${w.uuid}`) },
  };
}
