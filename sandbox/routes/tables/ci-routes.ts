import type { DeploymentRecord, EnvironmentRecord, PipelineRecord, PipelineStepRecord } from '../../seed/records';
import { presentDeployment, presentEnvironment, presentPipeline, presentPipelineStep } from '../present/present-ci';
import { findPipeline, repositoryOf } from '../repository-lookups';
import type { RepositoryRouteContext } from '../route-context';
import { collection, item, MAX_PAGELEN, type AnyRoute } from '../route-declaration';

/** Pipelines' `status` filter values (spec enum) → the state/result they select. */
const STATUS_MATCHERS: Record<string, (p: PipelineRecord) => boolean> = {
  PENDING: (p) => p.stateName === 'PENDING',
  BUILDING: (p) => p.stateName === 'IN_PROGRESS',
  PASSED: (p) => p.resultName === 'SUCCESSFUL',
  FAILED: (p) => p.resultName === 'FAILED',
  STOPPED: (p) => p.resultName === 'STOPPED',
  ERROR: (p) => p.resultName === 'ERROR',
  PARSING: () => false,
  PAUSED: () => false,
  HALTED: () => false,
  UNKNOWN: () => false,
};

const SELECTOR_TYPES: Record<string, PipelineRecord['selectorType']> = { BRANCH: 'branches', TAG: 'tags', DEFAULT: 'default', CUSTOM: 'custom' };

/**
 * Pipelines do not take BBQL ("unlike other endpoints ... utilizes query parameters", spec): each parameter is an
 * exact filter; repeated parameters are alternatives. `q` is ignored.
 */
const PIPELINE_FILTERS: Record<string, (p: PipelineRecord, value: string) => boolean> = {
  'creator.uuid': (p, v) => p.creatorUuid.toLowerCase() === v.toLowerCase(),
  'target.ref_type': (p, v) => p.refType === v.toLowerCase(),
  'target.ref_name': (p, v) => p.refName === v,
  'target.branch': (p, v) => p.refType === 'branch' && p.refName === v,
  'target.commit.hash': (p, v) => p.commitHash.startsWith(v.toLowerCase()),
  'target.selector.pattern': (p, v) => p.selectorPattern === v,
  'target.selector.type': (p, v) => p.selectorType === (SELECTOR_TYPES[v.toUpperCase()] ?? v.toLowerCase()),
  trigger_type: (p, v) => p.triggerName === v.toUpperCase(),
  status: (p, v) => (STATUS_MATCHERS[v.toUpperCase()] ?? (() => false))(p),
};

function filterPipelines(ctx: RepositoryRouteContext): PipelineRecord[] {
  return repositoryOf(ctx).pipelines.filter((p) => Object.entries(PIPELINE_FILTERS).every(([name, test]) => {
    const values = ctx.query.getAll(name);
    return values.length === 0 || values.some((v) => test(p, v));
  }));
}

export const ciRoutes: AnyRoute[] = [
  // Default order: oldest first (build number ascending); `sort` only on creator.uuid, created_on, run_creation_date.
  collection<PipelineRecord>({
    path: '/repositories/:workspace/:repo/pipelines',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: false,
    sort: { fields: ['creator.uuid', 'created_on', 'run_creation_date'] },
    deviations: { withoutNext: true },
    list: filterPipelines,
    present: (ctx, p) => {
      const body = presentPipeline(ctx.present, repositoryOf(ctx), p);
      // `run_creation_date` is a sort key only; it equals created_on for first runs (every seeded run is one).
      return { ...body, run_creation_date: p.createdOn };
    },
  }),
  item<PipelineRecord>({
    path: '/repositories/:workspace/:repo/pipelines/:pipeline',
    target: 'repository',
    find: findPipeline,
    present: (ctx, p) => presentPipeline(ctx.present, repositoryOf(ctx), p),
  }),
  collection<PipelineStepRecord>({
    path: '/repositories/:workspace/:repo/pipelines/:pipeline/steps',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: false,
    sort: false,
    list: (ctx) => {
      const pipeline = findPipeline(ctx);
      return repositoryOf(ctx).pipelineSteps.filter((s) => s.pipelineUuid === pipeline.uuid);
    },
    present: (ctx, s) => presentPipelineStep(ctx.present, repositoryOf(ctx), s),
  }),
  // No q/sort documented for environments and deployments: ignored.
  collection<EnvironmentRecord>({
    path: '/repositories/:workspace/:repo/environments',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: false,
    sort: false,
    list: (ctx) => repositoryOf(ctx).environments,
    present: (ctx, e) => presentEnvironment(ctx.present, repositoryOf(ctx), e),
  }),
  collection<DeploymentRecord>({
    path: '/repositories/:workspace/:repo/deployments',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: false,
    sort: false,
    list: (ctx) => repositoryOf(ctx).deployments,
    present: (ctx, d) => presentDeployment(ctx.present, repositoryOf(ctx), d),
  }),
];
