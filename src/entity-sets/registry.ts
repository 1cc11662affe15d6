/**
 * Every entity set the gateway serves. Adding an entity set means one declaration file plus a line here.
 */
import { branchRestrictions } from './branch-restrictions';
import { branches } from './branches';
import { commitStatuses } from './commit-statuses';
import { commits } from './commits';
import { defaultReviewers } from './default-reviewers';
import { deployments } from './deployments';
import { environments } from './environments';
import { me } from './me';
import type { EntitySetDefinition } from './model';
import { pipelineSteps } from './pipeline-steps';
import { pipelines } from './pipelines';
import { projects } from './projects';
import { pullRequestActivity } from './pull-request-activity';
import { pullRequestComments } from './pull-request-comments';
import { pullRequestCommits } from './pull-request-commits';
import { pullRequestDiffstat } from './pull-request-diffstat';
import { pullRequestParticipants } from './pull-request-participants';
import { pullRequests } from './pull-requests';
import { repositories } from './repositories';
import { tags } from './tags';
import { webhooks } from './webhooks';
import { workspaceMembers } from './workspace-members';
import { workspaces } from './workspaces';

export const ENTITY_SETS: readonly EntitySetDefinition[] = [
  workspaces,
  workspaceMembers,
  projects,
  repositories,
  branches,
  tags,
  commits,
  pullRequests,
  pullRequestComments,
  pullRequestParticipants,
  pullRequestActivity,
  pullRequestCommits,
  pullRequestDiffstat,
  pipelines,
  pipelineSteps,
  environments,
  deployments,
  commitStatuses,
  branchRestrictions,
  defaultReviewers,
  webhooks,
  me,
];

export function findDefinition(name: string): EntitySetDefinition | undefined {
  return ENTITY_SETS.find((set) => set.name === name);
}
