import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/** Tags of a repository; by-key reads list with `q=name="..."` (tag names may contain `/`). */
export const tags: EntitySetDefinition = {
  name: 'Tags',
  typeName: 'Tag',
  description: 'Tags of a repository.',
  key: ['Workspace', 'RepositorySlug', 'Name'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { path: 'target.repository.full_name', convert: 'full-name-owner' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { path: 'target.repository.full_name', convert: 'full-name-slug' }, description: 'Repository slug.' },
    { name: 'Name', type: 'Edm.String', nullable: false, source: 'name', description: 'Tag name.', filter: { field: 'name', exact: ['eq'], containsSuperset: true } },
    { name: 'Message', type: 'Edm.String', nullable: true, source: 'message', description: 'Annotation message; null for lightweight tags.' },
    { name: 'Date', type: 'Edm.DateTimeOffset', nullable: true, source: 'date', description: 'Tagging time; null for lightweight tags.' },
    { name: 'TaggerRaw', type: 'Edm.String', nullable: true, source: 'tagger.raw', description: "Raw tagger ('Name <email>')." },
    { name: 'TargetHash', type: 'Edm.String', nullable: false, source: 'target.hash', description: 'Hash of the tagged commit.', filter: { field: 'target.hash', exact: ['eq'] } },
  ],
  list: { path: '/repositories/{workspace}/{repo_slug}/refs/tags', params: [WORKSPACE_PARAM, REPOSITORY_PARAM], ...PAGED_LIST, supportsQuery: true, supportsSort: true },
  searchable: ['Name', 'Message'],
};
