/**
 * The records the sandbox keeps: Bitbucket's own field names and values, but references to other records by key
 * (a pull request names its author by uuid) instead of embedded copies. The presenters in `sandbox/routes/present/`
 * turn records into Bitbucket's full JSON (type, links, nested author/repository ...) at answer time, so a write
 * that renames a user or moves a branch is visible everywhere at once. Timestamps are stored already formatted as
 * Bitbucket formats them; strings in one format with one offset sort correctly as strings.
 */

export interface UserRecord {
  uuid: string;
  accountId: string;
  displayName: string;
  nickname: string;
  createdOn: string;
}

export type WorkspacePermission = 'owner' | 'collaborator' | 'member';
/** The access a member has to every repository of the workspace (the sandbox has no per-repository grants). */
export type RepositoryAccess = 'read' | 'write' | 'admin';

export interface MembershipRecord {
  workspaceUuid: string;
  userUuid: string;
  permission: WorkspacePermission;
  repositoryAccess: RepositoryAccess;
}

export interface WorkspaceRecord {
  uuid: string;
  slug: string;
  name: string;
  isPrivate: boolean;
  forkingMode: 'allow_forks' | 'internal_only';
  createdOn: string;
  updatedOn: string;
}

export interface ProjectRecord {
  uuid: string;
  workspaceUuid: string;
  key: string;
  name: string;
  description: string;
  isPrivate: boolean;
  createdOn: string;
  updatedOn: string;
}

export interface RepositoryRecord {
  uuid: string;
  workspaceUuid: string;
  slug: string;
  name: string;
  description: string;
  isPrivate: boolean;
  projectUuid: string;
  language: string;
  size: number;
  forkPolicy: 'allow_forks' | 'no_public_forks' | 'no_forks';
  mainBranch: string;
  createdOn: string;
  updatedOn: string;
}

/** An author as git recorded it: `raw` always, `userUuid` only when Bitbucket could map the email to an account. */
export interface GitIdentity {
  raw: string;
  userUuid: string | null;
}

export interface CommitRecord {
  hash: string;
  author: GitIdentity;
  message: string;
  date: string;
  /** Parent hashes, first parent first. */
  parents: string[];
}

export interface BranchRecord {
  name: string;
  targetHash: string;
}

export interface TagRecord {
  name: string;
  targetHash: string;
  /** Annotated tags carry a message, date and tagger; lightweight tags carry none of them. */
  message: string | null;
  date: string | null;
  tagger: GitIdentity | null;
}

export type PullRequestState = 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED';

export interface ParticipantRecord {
  userUuid: string;
  role: 'PARTICIPANT' | 'REVIEWER';
  approved: boolean;
  state: 'approved' | 'changes_requested' | null;
  participatedOn: string | null;
}

export interface PullRequestRecord {
  id: number;
  title: string;
  description: string;
  state: PullRequestState;
  authorUuid: string;
  sourceBranch: string;
  sourceHash: string;
  destinationBranch: string;
  destinationHash: string;
  mergeCommitHash: string | null;
  closeSourceBranch: boolean;
  closedByUuid: string | null;
  reason: string;
  draft: boolean;
  taskCount: number;
  createdOn: string;
  updatedOn: string;
  reviewerUuids: string[];
  participants: ParticipantRecord[];
}

export interface PullRequestCommentRecord {
  id: number;
  pullRequestId: number;
  userUuid: string;
  raw: string;
  createdOn: string;
  updatedOn: string;
  parentId: number | null;
  inline: { path: string; from?: number; to?: number } | null;
  deleted: boolean;
  pending: boolean;
}

export type CommitStatusState = 'FAILED' | 'INPROGRESS' | 'STOPPED' | 'SUCCESSFUL';

export interface CommitStatusRecord {
  uuid: string;
  commitHash: string;
  key: string;
  refname: string | null;
  url: string;
  state: CommitStatusState;
  name: string;
  description: string;
  createdOn: string;
  updatedOn: string;
}

/** Pipeline progress as Bitbucket reports it: a state name and, once completed, a result name. */
export type PipelineStateName = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED';
export type PipelineResultName = 'SUCCESSFUL' | 'FAILED' | 'STOPPED' | 'ERROR';

export interface PipelineRecord {
  uuid: string;
  buildNumber: number;
  creatorUuid: string;
  refType: 'branch' | 'tag';
  refName: string;
  commitHash: string;
  selectorType: 'branches' | 'tags' | 'default' | 'custom';
  selectorPattern: string;
  triggerName: 'PUSH' | 'MANUAL' | 'SCHEDULED';
  stateName: PipelineStateName;
  resultName: PipelineResultName | null;
  createdOn: string;
  completedOn: string | null;
  buildSecondsUsed: number;
}

export interface PipelineStepRecord {
  uuid: string;
  pipelineUuid: string;
  name: string;
  image: string;
  scriptCommands: string[];
  stateName: 'PENDING' | 'IN_PROGRESS' | 'COMPLETED';
  resultName: 'SUCCESSFUL' | 'FAILED' | 'STOPPED' | 'NOT_RUN' | 'ERROR' | null;
  startedOn: string | null;
  completedOn: string | null;
}

export interface EnvironmentRecord {
  uuid: string;
  name: string;
  slug: string;
  environmentType: 'Test' | 'Staging' | 'Production';
  rank: number;
}

export interface DeploymentRecord {
  uuid: string;
  environmentUuid: string;
  releaseUuid: string;
  releaseName: string;
  pipelineUuid: string;
  commitHash: string;
  deployerUuid: string;
  statusName: 'SUCCESSFUL' | 'FAILED' | 'STOPPED';
  startDate: string;
  completionDate: string;
}

export type BranchRestrictionKind =
  | 'push' | 'delete' | 'force' | 'restrict_merges' | 'require_approvals_to_merge'
  | 'require_default_reviewer_approvals_to_merge' | 'require_passing_builds_to_merge'
  | 'require_tasks_to_be_completed' | 'require_no_changes_requested' | 'enforce_merge_checks';

export interface BranchRestrictionRecord {
  id: number;
  kind: BranchRestrictionKind;
  branchMatchKind: 'glob' | 'branching_model';
  pattern: string;
  branchType: 'feature' | 'bugfix' | 'release' | 'hotfix' | 'development' | 'production' | null;
  value: number | null;
  userUuids: string[];
}

export interface WebhookRecord {
  uuid: string;
  url: string;
  description: string;
  active: boolean;
  createdAt: string;
  events: string[];
  /** Signs deliveries (`X-Hub-Signature`); never presented, only whether there is one (`secret_set`). */
  secret: string | null;
}

/** Everything that lives under one repository. Writes push into these arrays; reads scan them. */
export interface RepositoryData {
  repository: RepositoryRecord;
  /** Newest first, the order of `git log --all --date-order`, which is how Bitbucket lists commits. */
  commits: CommitRecord[];
  branches: BranchRecord[];
  tags: TagRecord[];
  pullRequests: PullRequestRecord[];
  pullRequestComments: PullRequestCommentRecord[];
  commitStatuses: CommitStatusRecord[];
  pipelines: PipelineRecord[];
  pipelineSteps: PipelineStepRecord[];
  environments: EnvironmentRecord[];
  deployments: DeploymentRecord[];
  branchRestrictions: BranchRestrictionRecord[];
  defaultReviewerUuids: string[];
  webhooks: WebhookRecord[];
}

export interface SeedData {
  users: UserRecord[];
  workspaces: WorkspaceRecord[];
  memberships: MembershipRecord[];
  projects: ProjectRecord[];
  repositories: RepositoryData[];
}
