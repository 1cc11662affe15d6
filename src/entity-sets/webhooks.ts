import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition, RouteParameter } from './model';
import type { PayloadField } from './webhook-trigger';

const HOOKS = '/repositories/{workspace}/{repo_slug}/hooks';
const HOOK_PARAMS: RouteParameter[] = [WORKSPACE_PARAM, REPOSITORY_PARAM, { name: 'uid', property: 'Uuid' }];

/**
 * Repository events a flow can subscribe to: Bitbucket's repository-level event keys (webhook_subscription.events in
 * the official API description), without the issue tracker (retired 2026-08) and workspace-only ones.
 */
const REPOSITORY_EVENTS = [
  'pullrequest:created',
  'pullrequest:updated',
  'pullrequest:approved',
  'pullrequest:unapproved',
  'pullrequest:changes_request_created',
  'pullrequest:changes_request_removed',
  'pullrequest:fulfilled',
  'pullrequest:rejected',
  'pullrequest:comment_created',
  'pullrequest:comment_updated',
  'pullrequest:comment_deleted',
  'pullrequest:comment_resolved',
  'pullrequest:comment_reopened',
  'pullrequest:push',
  'repo:push',
  'repo:fork',
  'repo:updated',
  'repo:commit_comment_created',
  'repo:commit_status_created',
  'repo:commit_status_updated',
] as const;

/**
 * What Bitbucket posts (support.atlassian.com "Event payloads"): the common entities actor, repository and, by event,
 * pullrequest, approval, comment or push. Only the fields a flow typically uses are described; the rest of the body
 * still reaches the flow as it came.
 */
const EVENT_PAYLOAD: PayloadField[] = [
  { path: 'actor.display_name', type: 'Edm.String', description: 'Who caused the event.' },
  { path: 'actor.uuid', type: 'Edm.String', description: "The actor's Bitbucket UUID." },
  { path: 'actor.account_id', type: 'Edm.String', description: "The actor's Atlassian account id." },
  { path: 'repository.full_name', type: 'Edm.String', description: 'Workspace and repository slug, e.g. acme/api.' },
  { path: 'repository.name', type: 'Edm.String', description: 'Repository name.' },
  { path: 'repository.uuid', type: 'Edm.String', description: 'Repository UUID.' },
  { path: 'repository.links.html.href', type: 'Edm.String', description: 'Repository web page.' },
  { path: 'pullrequest.id', type: 'Edm.Int32', description: 'Pull request number (pull request events).' },
  { path: 'pullrequest.title', type: 'Edm.String', description: 'Pull request title.' },
  { path: 'pullrequest.description', type: 'Edm.String', description: 'Pull request description.' },
  { path: 'pullrequest.state', type: 'Edm.String', description: 'OPEN, MERGED, DECLINED or SUPERSEDED.' },
  { path: 'pullrequest.author.display_name', type: 'Edm.String', description: 'Pull request author.' },
  { path: 'pullrequest.source.branch.name', type: 'Edm.String', description: 'Branch the changes come from.' },
  { path: 'pullrequest.destination.branch.name', type: 'Edm.String', description: 'Branch the changes go into.' },
  { path: 'pullrequest.created_on', type: 'Edm.DateTimeOffset', description: 'When the pull request was opened.' },
  { path: 'pullrequest.updated_on', type: 'Edm.DateTimeOffset', description: 'When the pull request last changed.' },
  { path: 'pullrequest.links.html.href', type: 'Edm.String', description: 'Pull request web page.' },
  { path: 'approval.user.display_name', type: 'Edm.String', description: 'Who approved (pullrequest:approved, :unapproved).' },
  { path: 'approval.date', type: 'Edm.DateTimeOffset', description: 'When they approved.' },
  { path: 'comment.id', type: 'Edm.Int64', description: 'Comment id (comment events).' },
  { path: 'comment.content.raw', type: 'Edm.String', description: 'Comment text (Markdown).' },
  { path: 'comment.user.display_name', type: 'Edm.String', description: 'Comment author.' },
  { path: 'comment.links.html.href', type: 'Edm.String', description: 'Comment web page.' },
  { path: 'push.changes[].new.name', type: 'Edm.String', description: 'Branch or tag pushed to (repo:push).' },
  { path: 'push.changes[].new.type', type: 'Edm.String', description: 'branch or tag.' },
  { path: 'push.changes[].new.target.hash', type: 'Edm.String', description: 'New head commit.' },
  { path: 'push.changes[].new.target.message', type: 'Edm.String', description: 'Message of the new head commit.' },
  { path: 'push.changes[].old.target.hash', type: 'Edm.String', description: 'Previous head commit.' },
  { path: 'push.changes[].created', type: 'Edm.Boolean', description: 'Whether the branch or tag is new.' },
  { path: 'push.changes[].closed', type: 'Edm.Boolean', description: 'Whether the branch or tag was deleted.' },
];

/** Repository webhooks: Bitbucket calls `Url` on the listed `Events`. */
export const webhooks: EntitySetDefinition = {
  name: 'Webhooks',
  typeName: 'Webhook',
  description: 'Webhooks of a repository.',
  key: ['Workspace', 'RepositorySlug', 'Uuid'],
  uuidProperty: 'Uuid',
  properties: [
    // From the repository the webhook is on (`subject`, `subject_type: repository`), as Bitbucket spells it: the route
    // values are the client's spelling, which Bitbucket resolves case-insensitively.
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { path: 'subject.full_name', convert: 'full-name-owner' }, description: 'Workspace slug.', write: { create: true, required: true, update: false } },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { path: 'subject.full_name', convert: 'full-name-slug' }, description: 'Repository slug.', write: { create: true, required: true, update: false } },
    { name: 'Uuid', type: 'Edm.String', nullable: false, source: 'uuid', description: 'Webhook UUID in braces.' },
    { name: 'Url', type: 'Edm.String', nullable: false, source: 'url', description: 'URL Bitbucket calls.', write: { body: 'url', create: true, required: true, update: true } },
    { name: 'Description', type: 'Edm.String', nullable: true, source: 'description', description: 'What the webhook is for.', write: { body: 'description', create: true, update: true } },
    { name: 'Active', type: 'Edm.Boolean', nullable: false, source: 'active', description: 'Whether Bitbucket calls it.', write: { body: 'active', create: true, update: true } },
    {
      name: 'Events',
      type: 'Edm.String',
      nullable: false,
      source: { path: 'events', convert: 'join-values' },
      description: "Events, comma-separated (e.g. 'repo:push,pullrequest:created').",
      write: { body: 'events', create: true, required: true, update: true, bodyShape: 'comma-list' },
    },
    { name: 'CreatedAt', type: 'Edm.DateTimeOffset', nullable: true, source: 'created_at', description: 'Creation time (UTC).' },
  ],
  list: { path: HOOKS, params: [WORKSPACE_PARAM, REPOSITORY_PARAM], ...PAGED_LIST, supportsQuery: false, supportsSort: false },
  get: { path: `${HOOKS}/{uid}`, params: HOOK_PARAMS },
  writes: {
    insert: { method: 'POST', path: HOOKS, params: [WORKSPACE_PARAM, REPOSITORY_PARAM] },
    update: { method: 'PUT', path: `${HOOKS}/{uid}`, params: HOOK_PARAMS },
    remove: { method: 'DELETE', path: `${HOOKS}/{uid}`, params: HOOK_PARAMS },
  },
  searchable: ['Url', 'Description'],
  triggers: [
    {
      name: 'WhenRepositoryEventOccurs',
      summary: 'When a repository event occurs',
      description: 'Starts the flow when the chosen event happens in the repository (a pull request is opened, approved or merged, a push, a comment…). The flow subscribes with a Bitbucket webhook and removes it when it is turned off.',
      callbackProperty: 'Url',
      eventProperty: 'Events',
      events: REPOSITORY_EVENTS,
      fixedValues: { Active: true, Description: 'Power Automate flow' },
      hint: 'To see it work, cause the chosen event in the repository, e.g. open a pull request.',
      payload: EVENT_PAYLOAD,
    },
  ],
};
