/**
 * A realistic EdmModel for the metadata and serializer specs, written by hand until the real model (derived from the
 * entity-set declarations) exists: a composite key, navigation both ways, a singleton, bound actions, a read-only
 * property, every Edm type the gateway uses, and descriptions with characters XML must escape.
 */
import type { EdmCapabilities, EdmEntitySet, EdmModel } from '../../../src/odata/edm';

/** Writable on insert and update; and given on insert only (Core.Immutable unless a key). */
const READ_WRITE = { onInsert: true, onUpdate: true, requiredOnInsert: false } as const;
const INSERT_ONLY = { onInsert: true, onUpdate: false, requiredOnInsert: true } as const;

const readOnlyCapabilities: EdmCapabilities = {
  countable: true,
  topSupported: true,
  skipSupported: true,
  searchable: false,
  insertable: false,
  updatable: false,
  deletable: false,
  requiredProperties: [],
  pushdownFilterable: [],
  pushdownSortable: [],
};

export const repositories: EdmEntitySet = {
  name: 'Repositories',
  typeName: 'Repository',
  description: 'Repositories of the workspaces you can see (Bitbucket "repository" objects) & their <metadata>.',
  key: ['Workspace', 'Slug'],
  singleton: false,
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, description: 'Workspace slug.', writable: INSERT_ONLY },
    { name: 'Slug', type: 'Edm.String', nullable: true, description: 'Repository slug (URL-friendly name).', writable: INSERT_ONLY },
    { name: 'Name', type: 'Edm.String', nullable: false, description: "The repository's display name.", writable: READ_WRITE },
    { name: 'Description', type: 'Edm.String', nullable: true, description: 'Free text;\nmay span lines.', writable: READ_WRITE },
    { name: 'IsPrivate', type: 'Edm.Boolean', nullable: false, description: 'Whether only members can see it.', writable: INSERT_ONLY },
    { name: 'Size', type: 'Edm.Int64', nullable: true, description: 'Size in bytes.' },
    { name: 'Uuid', type: 'Edm.Guid', nullable: false, description: 'Bitbucket UUID.' },
    { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: false, description: 'Creation time.' },
    { name: 'UpdatedOn', type: 'Edm.DateTimeOffset', nullable: true, description: 'Last update.' },
  ],
  navigation: [
    {
      name: 'PullRequests',
      target: 'PullRequests',
      collection: true,
      constraints: { Workspace: 'Workspace', RepositorySlug: 'Slug' },
    },
  ],
  capabilities: {
    ...readOnlyCapabilities,
    updatable: true,
    searchable: true,
    pushdownFilterable: ['Name', 'IsPrivate', 'UpdatedOn'],
    pushdownSortable: ['Name', 'UpdatedOn'],
  },
  actions: [],
};

export const pullRequests: EdmEntitySet = {
  name: 'PullRequests',
  typeName: 'PullRequest',
  description: 'Pull requests of repositories.',
  key: ['Workspace', 'RepositorySlug', 'Id'],
  singleton: false,
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, description: 'Workspace slug.', writable: INSERT_ONLY },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, description: 'Repository slug.', writable: INSERT_ONLY },
    { name: 'Id', type: 'Edm.Int32', nullable: false, description: 'Pull request number within the repository.' },
    { name: 'Title', type: 'Edm.String', nullable: false, description: 'Title.', writable: READ_WRITE },
    { name: 'State', type: 'Edm.String', nullable: false, description: 'OPEN, MERGED, DECLINED or SUPERSEDED.' },
    { name: 'CommentCount', type: 'Edm.Int64', nullable: false, description: 'Number of comments.' },
    { name: 'Score', type: 'Edm.Double', nullable: true, description: 'A computed score.' },
    { name: 'Ratio', type: 'Edm.Decimal', nullable: true, description: 'A decimal ratio.', writable: READ_WRITE },
    { name: 'MergedOn', type: 'Edm.Date', nullable: true, description: 'Merge day.', writable: READ_WRITE },
    { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: false, description: 'Creation time.' },
  ],
  navigation: [
    {
      name: 'Repository',
      target: 'Repositories',
      collection: false,
      constraints: { Workspace: 'Workspace', Slug: 'RepositorySlug' },
    },
  ],
  capabilities: {
    ...readOnlyCapabilities,
    insertable: true,
    updatable: true,
    requiredProperties: ['Workspace'],
    pushdownFilterable: ['State', 'Title', 'CreatedOn'],
    pushdownSortable: ['CreatedOn'],
  },
  actions: [
    {
      name: 'Merge',
      description: 'Merge the pull request.',
      returnsEntity: true,
      parameters: [
        { name: 'MergeStrategy', type: 'Edm.String', nullable: true, description: 'merge_commit, squash or fast_forward.' },
        { name: 'Message', type: 'Edm.String', nullable: true, description: 'Commit message.' },
        { name: 'CloseSourceBranch', type: 'Edm.Boolean', nullable: true, description: 'Delete the source branch.' },
      ],
    },
    { name: 'Decline', description: 'Decline the pull request.', returnsEntity: false, parameters: [] },
  ],
};

export const me: EdmEntitySet = {
  name: 'Me',
  typeName: 'User',
  description: 'The user the credentials belong to.',
  key: ['Uuid'],
  singleton: true,
  properties: [
    { name: 'Uuid', type: 'Edm.String', nullable: false, description: 'Bitbucket UUID in braces.' },
    { name: 'DisplayName', type: 'Edm.String', nullable: false, description: 'Display name.' },
    { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: true, description: 'Account creation time.' },
  ],
  navigation: [],
  capabilities: readOnlyCapabilities,
  actions: [],
};

export const fixtureModel: EdmModel = {
  namespace: 'Bitbucket',
  containerName: 'Container',
  entitySets: [repositories, pullRequests, me],
};

export const SERVICE_ROOT = 'https://gateway.example/odata/';
