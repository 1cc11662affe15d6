import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { WebhookRecord } from '../../seed/records';
import { presentWebhook } from '../../routes/present/present-settings';
import { fullName } from '../../routes/present/present-repository';
import { findWebhook } from '../find-webhook';
import { presentWorkspaceWebhook } from '../present-webhook';
import { RETIRED_WEBHOOK_EVENTS, WEBHOOK_EVENTS } from '../webhook-events';
import type { WriteContext, WriteContextFor, WriteRoute, WriteRouteOf, WriteResult } from '../write-route';

/**
 * "the `url` must properly resolve and cannot be an internal, non-routed address" (official description): an absolute
 * http(s) URL whose host is not localhost, a loopback, private or link-local IP address. The sandbox resolves no names.
 */
function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute URL.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `Use an http or https URL (got ${url.protocol}).`;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const internal = host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')
    || (isIP(host) === 4 && /^(127\.|10\.|192\.168\.|169\.254\.|0\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host))
    || (isIP(host) === 6 && (host === '::1' || host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80')));
  return internal ? `${url.hostname} is an internal, non-routed address; webhooks need a public URL.` : undefined;
}

function readEvents(ctx: WriteContext, required: boolean): string[] | undefined {
  const list = ctx.body.array('events', { required });
  if (list === undefined) return undefined;
  if (list.length === 0) return ctx.body.fail('events', 'Subscribe to at least one event.');
  const problems: string[] = [];
  for (const event of list) {
    if (typeof event !== 'string') problems.push(`${JSON.stringify(event)} is not an event name.`);
    else if (RETIRED_WEBHOOK_EVENTS.includes(event)) problems.push(`"${event}" was retired with the issue tracker (CHANGE-3071).`);
    else if (!WEBHOOK_EVENTS.includes(event)) problems.push(`"${event}" is not a webhook event; see GET /2.0/hook_events.`);
  }
  if (new Set(list).size !== list.length) problems.push('List each event once.');
  if (problems.length > 0) return ctx.body.fail('events', problems.join(' '));
  return [...(list as string[])].sort();
}

/**
 * The fields create and update share. `secret` (official description, `webhook_subscription.secret`, at most 128
 * characters): a string sets it, `null` or "" removes it (or creates a hook without one), absent leaves it as it is.
 * It is kept to sign deliveries and never presented (`secret_set` says whether there is one).
 */
function readHook(ctx: WriteContext, creating: boolean) {
  const url = ctx.body.string('url', { required: creating, nonEmpty: true });
  const problem = url === undefined ? undefined : urlProblem(url);
  if (problem) ctx.body.fail('url', problem);
  const fields = {
    url,
    description: ctx.body.string('description', { nullable: true }),
    active: ctx.body.boolean('active'),
    events: readEvents(ctx, creating),
    secret: ctx.body.string('secret', { nullable: true, maxLength: 128 }),
  };
  ctx.body.finish();
  return fields;
}

function createHook(ctx: WriteContext, hooks: WebhookRecord[]): WebhookRecord {
  const fields = readHook(ctx, true);
  const hook: WebhookRecord = {
    uuid: `{${randomUUID()}}`, url: fields.url!, description: fields.description ?? '', active: fields.active ?? true,
    createdAt: ctx.now, events: fields.events!, secret: fields.secret || null,
  };
  hooks.push(hook);
  return hook;
}

function updateHook(ctx: WriteContext, hook: WebhookRecord): void {
  const fields = readHook(ctx, false);
  if (fields.url !== undefined) hook.url = fields.url;
  if (ctx.body.has('description')) hook.description = fields.description ?? '';
  if (fields.active !== undefined) hook.active = fields.active;
  if (fields.events !== undefined) hook.events = fields.events;
  if (ctx.body.has('secret')) hook.secret = fields.secret || null;
}

/** The two places webhooks live, as data: where the list is, how a hook is presented, and its path. */
interface HookSubject<T extends 'workspace' | 'repository'> {
  base: string;
  target: T;
  access: 'admin' | 'owner';
  hooks: (ctx: WriteContextFor<T>) => WebhookRecord[];
  present: (ctx: WriteContextFor<T>, hook: WebhookRecord) => Record<string, unknown>;
  path: (ctx: WriteContextFor<T>, hook: WebhookRecord) => string;
}

const REPOSITORY_HOOKS: HookSubject<'repository'> = {
  // Repository webhooks: repository admins.
  base: '/repositories/:workspace/:repo/hooks',
  target: 'repository',
  access: 'admin',
  hooks: (ctx) => ctx.repository.webhooks,
  present: (ctx, hook) => presentWebhook(ctx.present, ctx.repository, hook),
  path: (ctx, hook) => `/repositories/${fullName(ctx.present, ctx.repository)}/hooks/${hook.uuid}`,
};

const WORKSPACE_HOOKS: HookSubject<'workspace'> = {
  // "Only workspace owners can install webhooks on workspaces."
  base: '/workspaces/:workspace/hooks',
  target: 'workspace',
  access: 'owner',
  hooks: (ctx) => ctx.store.workspaceWebhooksOf(ctx.workspace.uuid),
  present: (ctx, hook) => presentWorkspaceWebhook(ctx.present, ctx.workspace, hook),
  path: (ctx, hook) => `/workspaces/${ctx.workspace.slug}/hooks/${hook.uuid}`,
};

/** Create, update and delete of one subject's webhooks, each handler typed by the subject's target. */
const hookWrites = <T extends 'workspace' | 'repository'>(subject: HookSubject<T>): Array<WriteRouteOf<T>> => [
  {
    method: 'POST', path: subject.base, target: subject.target, access: subject.access,
    handle: (ctx): WriteResult => {
      const hook = createHook(ctx, subject.hooks(ctx));
      return { status: 201, body: subject.present(ctx, hook), location: subject.path(ctx, hook) };
    },
  },
  {
    method: 'PUT', path: `${subject.base}/:uid`, target: subject.target, access: subject.access,
    handle: (ctx): WriteResult => {
      const hook = findWebhook(subject.hooks(ctx), ctx.params.uid);
      updateHook(ctx, hook);
      return { status: 200, body: subject.present(ctx, hook) };
    },
  },
  {
    method: 'DELETE', path: `${subject.base}/:uid`, target: subject.target, access: subject.access,
    handle: (ctx): WriteResult => {
      const hooks = subject.hooks(ctx);
      hooks.splice(hooks.indexOf(findWebhook(hooks, ctx.params.uid)), 1);
      return { status: 204 };
    },
  },
];

export const webhookWrites: WriteRoute[] = [...hookWrites(REPOSITORY_HOOKS), ...hookWrites(WORKSPACE_HOOKS)];
