/**
 * Every entity set the gateway serves. Adding an entity set means one declaration file plus a line here.
 */
import { branches } from './branches';
import { commits } from './commits';
import { me } from './me';
import type { EntitySetDefinition } from './model';
import { pipelines } from './pipelines';
import { projects } from './projects';
import { pullRequestComments } from './pull-request-comments';
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
  pipelines,
  webhooks,
  me,
];

export function findDefinition(name: string): EntitySetDefinition | undefined {
  return ENTITY_SETS.find((set) => set.name === name);
}
