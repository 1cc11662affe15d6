import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/**
 * Pipeline runs of a repository. The pipelines list silently ignores `q` (it has its own filter parameters), so
 * every filter is evaluated here; sending `q` would look like a pushdown while filtering nothing.
 */
export const pipelines: EntitySetDefinition = {
  name: 'Pipelines',
  typeName: 'Pipeline',
  description: 'Bitbucket Pipelines runs of a repository.',
  key: ['Workspace', 'RepositorySlug', 'Uuid'],
  uuidProperty: 'Uuid',
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { path: 'repository.full_name', convert: 'full-name-owner' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { path: 'repository.full_name', convert: 'full-name-slug' }, description: 'Repository slug.' },
    { name: 'Uuid', type: 'Edm.String', nullable: false, source: 'uuid', description: 'Pipeline UUID in braces.' },
    { name: 'BuildNumber', type: 'Edm.Int32', nullable: false, source: 'build_number', description: 'Build number, increasing per repository.' },
    { name: 'State', type: 'Edm.String', nullable: false, source: 'state.name', description: "'PENDING', 'IN_PROGRESS' or 'COMPLETED'." },
    { name: 'Result', type: 'Edm.String', nullable: true, source: 'state.result.name', description: "Result of a completed run: 'SUCCESSFUL', 'FAILED', 'ERROR', 'STOPPED'." },
    { name: 'TargetRefName', type: 'Edm.String', nullable: true, source: 'target.ref_name', description: 'Branch or tag the run built.' },
    { name: 'TargetRefType', type: 'Edm.String', nullable: true, source: 'target.ref_type', description: "'branch' or 'tag'." },
    { name: 'TargetCommitHash', type: 'Edm.String', nullable: true, source: 'target.commit.hash', description: 'Commit the run built.' },
    { name: 'TriggerName', type: 'Edm.String', nullable: true, source: 'trigger.name', description: "What started the run ('PUSH', 'MANUAL', 'SCHEDULE')." },
    { name: 'CreatorDisplayName', type: 'Edm.String', nullable: true, source: 'creator.display_name', description: 'Who started the run.' },
    { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: false, source: 'created_on', description: 'Creation time (UTC).' },
    { name: 'CompletedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'completed_on', description: 'Completion time; null while running.' },
    { name: 'BuildSecondsUsed', type: 'Edm.Int32', nullable: true, source: 'build_seconds_used', description: 'Build minutes used, in seconds.' },
  ],
  navigation: [
    { name: 'Steps', target: 'PipelineSteps', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', PipelineUuid: 'Uuid' } },
  ],
  list: { path: '/repositories/{workspace}/{repo_slug}/pipelines', params: [WORKSPACE_PARAM, REPOSITORY_PARAM], ...PAGED_LIST, supportsQuery: false, supportsSort: false },
  get: {
    path: '/repositories/{workspace}/{repo_slug}/pipelines/{pipeline_uuid}',
    params: [WORKSPACE_PARAM, REPOSITORY_PARAM, { name: 'pipeline_uuid', property: 'Uuid' }],
  },
  searchable: ['TargetRefName'],
};
