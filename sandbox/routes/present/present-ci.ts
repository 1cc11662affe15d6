import type {
  CommitStatusRecord, DeploymentRecord, EnvironmentRecord, PipelineRecord, PipelineStepRecord, RepositoryData,
} from '../../seed/records';
import { presentUser } from './present-account';
import { presentCommitRef } from './present-commit';
import { apiLink, webLink, type PresentContext } from './present-context';
import { fullName, presentRepositoryEmbed } from './present-repository';

/** `GET .../commit/{hash}/statuses` and `.../pullrequests/{id}/statuses` items: the `commitstatus` schema. */
export function presentCommitStatus(ctx: PresentContext, data: RepositoryData, s: CommitStatusRecord): Record<string, unknown> {
  const name = fullName(ctx, data);
  return {
    key: s.key,
    type: 'build',
    state: s.state,
    name: s.name,
    refname: s.refname,
    url: s.url,
    description: s.description,
    created_on: s.createdOn,
    updated_on: s.updatedOn,
    uuid: s.uuid,
    links: {
      self: apiLink(ctx, `/repositories/${name}/commit/${s.commitHash}/statuses/build/${s.key}`),
      commit: apiLink(ctx, `/repositories/${name}/commit/${s.commitHash}`),
    },
    commit: presentCommitRef(ctx, data, s.commitHash),
    repository: presentRepositoryEmbed(ctx, data),
  };
}

/** Pipeline and step states are typed objects named after the official definitions they instantiate. */
function pipelineState(p: PipelineRecord): Record<string, unknown> {
  switch (p.stateName) {
    case 'PENDING': return { type: 'pipeline_state_pending', name: 'PENDING' };
    case 'IN_PROGRESS': return { type: 'pipeline_state_in_progress', name: 'IN_PROGRESS', stage: { type: 'pipeline_state_in_progress_running', name: 'RUNNING' } };
    case 'COMPLETED': return { type: 'pipeline_state_completed', name: 'COMPLETED', result: { type: `pipeline_state_completed_${p.resultName!.toLowerCase()}`, name: p.resultName } };
  }
}

const TRIGGER_TYPES = { PUSH: 'pipeline_trigger_push', MANUAL: 'pipeline_trigger_manual', SCHEDULED: 'pipeline_trigger_schedule' } as const;

/** `GET .../pipelines[/{uuid}]`: the `pipeline` schema. */
export function presentPipeline(ctx: PresentContext, data: RepositoryData, p: PipelineRecord): Record<string, unknown> {
  const name = fullName(ctx, data);
  const durationSeconds = p.completedOn ? Math.round((Date.parse(p.completedOn) - Date.parse(p.createdOn)) / 1000) : null;
  return {
    type: 'pipeline',
    uuid: p.uuid,
    build_number: p.buildNumber,
    run_number: 1,
    creator: presentUser(ctx, ctx.store.user(p.creatorUuid)),
    repository: presentRepositoryEmbed(ctx, data),
    target: {
      type: 'pipeline_ref_target',
      ref_type: p.refType,
      ref_name: p.refName,
      commit: presentCommitRef(ctx, data, p.commitHash),
      selector: { type: p.selectorType, ...(p.selectorType === 'default' ? {} : { pattern: p.selectorPattern }) },
    },
    trigger: { type: TRIGGER_TYPES[p.triggerName], name: p.triggerName },
    state: pipelineState(p),
    created_on: p.createdOn,
    ...(p.completedOn ? { completed_on: p.completedOn } : {}),
    build_seconds_used: p.buildSecondsUsed,
    duration_in_seconds: durationSeconds,
    first_successful: false,
    expired: false,
    has_variables: false,
    links: {
      self: apiLink(ctx, `/repositories/${name}/pipelines/${p.uuid}`),
      steps: apiLink(ctx, `/repositories/${name}/pipelines/${p.uuid}/steps`),
    },
  };
}

function stepState(s: PipelineStepRecord): Record<string, unknown> {
  if (s.stateName === 'COMPLETED') {
    return { type: 'pipeline_step_state_completed', name: 'COMPLETED', result: { type: `pipeline_step_state_completed_${s.resultName!.toLowerCase()}`, name: s.resultName } };
  }
  return s.stateName === 'IN_PROGRESS' ? { type: 'pipeline_step_state_in_progress', name: 'IN_PROGRESS' } : { type: 'pipeline_step_state_pending', name: 'PENDING' };
}

/** `GET .../pipelines/{uuid}/steps` items: the `pipeline_step` schema. */
export function presentPipelineStep(ctx: PresentContext, data: RepositoryData, s: PipelineStepRecord): Record<string, unknown> {
  return {
    type: 'pipeline_step',
    uuid: s.uuid,
    name: s.name,
    ...(s.startedOn ? { started_on: s.startedOn } : {}),
    ...(s.completedOn ? { completed_on: s.completedOn } : {}),
    state: stepState(s),
    image: { name: s.image },
    setup_commands: [{ name: 'Clone', command: 'git clone --depth 50 "$BITBUCKET_GIT_HTTP_ORIGIN"' }],
    script_commands: s.scriptCommands.map((command) => ({ name: command, command })),
    pipeline: { type: 'pipeline', uuid: s.pipelineUuid },
    repository: presentRepositoryEmbed(ctx, data),
  };
}

/** `GET .../environments` items: the `deployment_environment` schema. */
export function presentEnvironment(_ctx: PresentContext, _data: RepositoryData, e: EnvironmentRecord): Record<string, unknown> {
  return {
    type: 'deployment_environment',
    uuid: e.uuid,
    name: e.name,
    slug: e.slug,
    rank: e.rank,
    hidden: false,
    environment_type: { type: 'deployment_environment_type', name: e.environmentType, rank: e.rank },
    lock: { type: 'deployment_environment_lock_open', name: 'OPEN' },
    restrictions: { type: 'deployment_restrictions_configuration', admin_only: e.environmentType === 'Production' },
    category: { name: e.environmentType },
  };
}

/** `GET .../deployments` items: the `deployment` schema (every seeded deployment has completed). */
export function presentDeployment(ctx: PresentContext, data: RepositoryData, d: DeploymentRecord): Record<string, unknown> {
  const name = fullName(ctx, data);
  const pipeline = data.pipelines.find((p) => p.uuid === d.pipelineUuid);
  return {
    type: 'deployment',
    uuid: d.uuid,
    state: {
      type: 'deployment_state_completed',
      name: 'COMPLETED',
      url: webLink(ctx, `/${name}/addon/pipelines/home#!/results/${pipeline?.buildNumber ?? 0}`).href,
      deployer: presentUser(ctx, ctx.store.user(d.deployerUuid)),
      status: { type: `deployment_state_completed_status_${d.statusName.toLowerCase()}`, name: d.statusName },
      start_date: d.startDate,
      completion_date: d.completionDate,
    },
    environment: { type: 'deployment_environment', uuid: d.environmentUuid },
    release: {
      type: 'deployment_release',
      uuid: d.releaseUuid,
      name: d.releaseName,
      url: webLink(ctx, `/${name}/addon/pipelines/home#!/results/${pipeline?.buildNumber ?? 0}`).href,
      commit: presentCommitRef(ctx, data, d.commitHash),
      created_on: pipeline?.createdOn ?? d.startDate,
    },
  };
}
