import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition, RevisionFrom, RouteParameter } from './model';

const PIPELINE_PARAM: RouteParameter = {
  name: 'pipeline_uuid',
  property: 'PipelineUuid',
  fanOut: { entitySet: 'Pipelines', property: 'Uuid', parentFilters: { Workspace: 'workspace', RepositorySlug: 'repo_slug' }, uuidValues: true },
};

/**
 * The Pipelines properties a pipeline's steps are a function of (`ListRoute.revisionFrom`): only a COMPLETED pipeline's
 * steps are kept, and a rerun of its failed steps (same pipeline) moves its state, completion time and build seconds
 * (src/bitbucket/pipeline-revision.ts cites the evidence).
 */
const PIPELINE_REVISION: RevisionFrom = {
  kind: 'pipeline',
  columns: { state: 'State', result: 'Result', completedOn: 'CompletedOn', buildSecondsUsed: 'BuildSecondsUsed' },
};

/**
 * The steps of pipeline runs. Listed per pipeline only (no `q`, no `sort`): without PipelineUuid a query costs one
 * Bitbucket call per pipeline run.
 */
export const pipelineSteps: EntitySetDefinition = {
  name: 'PipelineSteps',
  typeName: 'PipelineStep',
  description:
    'Steps of Bitbucket Pipelines runs, with their state, result and times. Cost: one Bitbucket call per pipeline run: filter on Workspace, RepositorySlug and PipelineUuid, or on the pipelines of a few repositories.',
  key: ['Workspace', 'RepositorySlug', 'PipelineUuid', 'Uuid'],
  uuidProperty: 'Uuid',
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.' },
    { name: 'PipelineUuid', type: 'Edm.String', nullable: false, source: { routeParam: 'pipeline_uuid' }, description: 'UUID of the pipeline run, in braces.' },
    { name: 'Uuid', type: 'Edm.String', nullable: false, source: 'uuid', description: 'Step UUID, in braces.' },
    { name: 'Name', type: 'Edm.String', nullable: true, source: 'name', description: 'Step name from bitbucket-pipelines.yml.' },
    { name: 'State', type: 'Edm.String', nullable: false, source: 'state.name', description: "'PENDING', 'IN_PROGRESS' or 'COMPLETED'." },
    { name: 'Result', type: 'Edm.String', nullable: true, source: 'state.result.name', description: "Result of a completed step: 'SUCCESSFUL', 'FAILED', 'ERROR', 'STOPPED', 'NOT_RUN'." },
    { name: 'Image', type: 'Edm.String', nullable: true, source: 'image.name', description: 'Docker image of the build container.' },
    { name: 'StartedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'started_on', description: 'Start time; null before it runs.' },
    { name: 'CompletedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'completed_on', description: 'Completion time; null while running.' },
  ],
  navigation: [
    { name: 'Pipeline', target: 'Pipelines', collection: false, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', Uuid: 'PipelineUuid' } },
  ],
  list: {
    path: '/repositories/{workspace}/{repo_slug}/pipelines/{pipeline_uuid}/steps',
    // Each step states its repository (`full_name`) and its pipeline's UUID in Bitbucket's spelling.
    spelledIn: [{ path: 'repository.full_name', pattern: '{workspace}/{repo_slug}' }, { path: 'pipeline.uuid', pattern: '{pipeline_uuid}' }],
    params: [WORKSPACE_PARAM, REPOSITORY_PARAM, PIPELINE_PARAM],
    ...PAGED_LIST,
    supportsQuery: false,
    supportsSort: false,
    // A later read reuses the list kept for the same completed pipeline (list-memo.ts).
    revisionFrom: PIPELINE_REVISION,
  },
};
