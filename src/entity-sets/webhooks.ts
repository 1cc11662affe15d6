import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition, RouteParameter } from './model';

const HOOKS = '/repositories/{workspace}/{repo_slug}/hooks';
const HOOK_PARAMS: RouteParameter[] = [WORKSPACE_PARAM, REPOSITORY_PARAM, { name: 'uid', property: 'Uuid' }];

/** Repository webhooks: Bitbucket calls `Url` on the listed `Events`. */
export const webhooks: EntitySetDefinition = {
  name: 'Webhooks',
  typeName: 'Webhook',
  description: 'Webhooks of a repository.',
  key: ['Workspace', 'RepositorySlug', 'Uuid'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.', write: { create: true, required: true, update: false } },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.', write: { create: true, required: true, update: false } },
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
};
