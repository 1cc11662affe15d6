import { PAGED_LIST, REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/**
 * Deployments of a repository (DORA deployment frequency, lead time, change failure rate). The list takes no
 * `q`/`sort` (the official description documents none): every filter is evaluated here.
 */
export const deployments: EntitySetDefinition = {
  name: 'Deployments',
  typeName: 'Deployment',
  description: 'Deployments of a repository to its environments, with the commit released, the status and the times (for DORA deployment frequency, lead time and change failure rate).',
  key: ['Workspace', 'RepositorySlug', 'Uuid'],
  uuidProperty: 'Uuid',
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.' },
    { name: 'Uuid', type: 'Edm.String', nullable: false, source: 'uuid', description: 'Deployment UUID, in braces.' },
    { name: 'EnvironmentUuid', type: 'Edm.String', nullable: true, source: 'environment.uuid', description: 'The environment deployed to (see Environments).' },
    { name: 'State', type: 'Edm.String', nullable: true, source: 'state.name', description: "'UNDEPLOYED', 'IN_PROGRESS' or 'COMPLETED'." },
    { name: 'Status', type: 'Edm.String', nullable: true, source: 'state.status.name', description: "Status of a completed deployment: 'SUCCESSFUL', 'FAILED' or 'STOPPED'." },
    { name: 'StartedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'state.start_date', description: 'When the deployment started.' },
    { name: 'CompletedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'state.completion_date', description: 'When it completed.' },
    { name: 'DeployerDisplayName', type: 'Edm.String', nullable: true, source: 'state.deployer.display_name', description: 'Who deployed.' },
    { name: 'ReleaseName', type: 'Edm.String', nullable: true, source: 'release.name', description: 'Release name (the pipeline that produced it).' },
    { name: 'CommitHash', type: 'Edm.String', nullable: true, source: 'release.commit.hash', description: 'Commit released.' },
    { name: 'ReleaseCreatedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'release.created_on', description: 'When the release was created.' },
  ],
  navigation: [
    { name: 'Environment', target: 'Environments', collection: false, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', Uuid: 'EnvironmentUuid' } },
  ],
  list: {
    path: '/repositories/{workspace}/{repo_slug}/deployments',
    params: [WORKSPACE_PARAM, REPOSITORY_PARAM],
    ...PAGED_LIST,
    supportsQuery: false,
    supportsSort: false,
    // Each deployment's released commit links into the repository in Bitbucket's spelling (a pipeline of its own).
    spelledIn: [{ path: 'release.commit.links.self.href', pattern: '*/repositories/{workspace}/{repo_slug}/commit/*' }],
  },
};
