import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/** Tags of a repository; by-key reads list with `q=name="..."` (tag names may contain `/`). */
export const tags: EntitySetDefinition = {
  name: 'Tags',
  typeName: 'Tag',
  description: 'Tags of a repository.',
  key: ['Workspace', 'RepositorySlug', 'Name'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { path: 'target.repository.full_name', convert: 'full-name-owner' }, description: 'Workspace slug.', write: { create: true, required: true, update: false } },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { path: 'target.repository.full_name', convert: 'full-name-slug' }, description: 'Repository slug.', write: { create: true, required: true, update: false } },
    { name: 'Name', type: 'Edm.String', nullable: false, source: 'name', description: 'Tag name.', filter: { field: 'name', exact: ['eq'], containsSuperset: true }, write: { body: 'name', create: true, required: true, update: false } },
    { name: 'Message', type: 'Edm.String', nullable: true, source: 'message', description: 'Annotation message; null for lightweight tags.', write: { body: 'message', create: true, update: false } },
    { name: 'Date', type: 'Edm.DateTimeOffset', nullable: true, source: 'date', description: 'Tagging time; null for lightweight tags.' },
    { name: 'TaggerRaw', type: 'Edm.String', nullable: true, source: 'tagger.raw', description: "Raw tagger ('Name <email>')." },
    { name: 'TargetHash', type: 'Edm.String', nullable: false, source: 'target.hash', description: 'Hash of the tagged commit.', filter: { field: 'target.hash', exact: ['eq'] }, write: { body: 'target.hash', create: true, required: true, update: false } },
  ],
  list: { path: '/repositories/{workspace}/{repo_slug}/refs/tags', params: [WORKSPACE_PARAM, REPOSITORY_PARAM], ...PAGED_LIST, supportsQuery: true, supportsSort: true },
  writes: {
    insert: { method: 'POST', path: '/repositories/{workspace}/{repo_slug}/refs/tags', params: [WORKSPACE_PARAM, REPOSITORY_PARAM] },
    remove: { method: 'DELETE', path: '/repositories/{workspace}/{repo_slug}/refs/tags/{name}', params: [WORKSPACE_PARAM, REPOSITORY_PARAM, { name: 'name', property: 'Name' }] },
    refusals: { update: 'Bitbucket cannot change a tag: delete it and create it again' },
  },
  searchable: ['Name', 'Message'],
};
