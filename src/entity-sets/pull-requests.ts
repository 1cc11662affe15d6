import { REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition, RouteParameter } from './model';

const PULL_REQUEST = '/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}';
const PULL_REQUEST_PARAMS: RouteParameter[] = [WORKSPACE_PARAM, REPOSITORY_PARAM, { name: 'pull_request_id', property: 'Id' }];

/**
 * Pull requests of a repository, in every state. Bitbucket's list shows only OPEN unless each state is named with a
 * repeated `state=` parameter, and rejects `pagelen` above 50. Reviewers and participants are omitted from the list
 * unless requested with `fields`, which the planner does when those columns are needed.
 */
export const pullRequests: EntitySetDefinition = {
  name: 'PullRequests',
  typeName: 'PullRequest',
  description: 'Pull requests of a repository, in all states (OPEN, MERGED, DECLINED, SUPERSEDED).',
  key: ['Workspace', 'RepositorySlug', 'Id'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { path: 'destination.repository.full_name', convert: 'full-name-owner' }, description: 'Workspace slug.', write: { create: true, required: true, update: false } },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { path: 'destination.repository.full_name', convert: 'full-name-slug' }, description: 'Repository slug.', write: { create: true, required: true, update: false } },
    { name: 'Id', type: 'Edm.Int32', nullable: false, source: 'id', description: 'Pull request number, unique per repository.', filter: { field: 'id', exact: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] }, sort: 'id' },
    { name: 'Title', type: 'Edm.String', nullable: false, source: 'title', description: 'Title.', filter: { field: 'title', exact: [], containsSuperset: true }, write: { body: 'title', create: true, required: true, update: true } },
    { name: 'Description', type: 'Edm.String', nullable: true, source: 'summary.raw', description: 'Description (raw Markdown).', write: { body: 'summary.raw', create: true, update: true } },
    { name: 'State', type: 'Edm.String', nullable: false, source: 'state', description: "'OPEN', 'MERGED', 'DECLINED' or 'SUPERSEDED'.", filter: { field: 'state', exact: ['eq', 'ne'] } },
    { name: 'Draft', type: 'Edm.Boolean', nullable: true, source: 'draft', description: 'Whether the pull request is a draft.', write: { body: 'draft', create: true, update: true } },
    { name: 'AuthorDisplayName', type: 'Edm.String', nullable: true, source: 'author.display_name', description: 'Display name of the author.' },
    { name: 'AuthorUuid', type: 'Edm.String', nullable: true, source: 'author.uuid', description: 'UUID of the author.', filter: { field: 'author.uuid', exact: ['eq'] } },
    { name: 'SourceBranch', type: 'Edm.String', nullable: true, source: 'source.branch.name', description: 'Branch the changes come from.', filter: { field: 'source.branch.name', exact: ['eq'] }, write: { body: 'source.branch.name', create: true, required: true, update: false } },
    { name: 'SourceCommitHash', type: 'Edm.String', nullable: true, source: 'source.commit.hash', description: 'Head commit of the source branch.' },
    { name: 'SourceRepositoryFullName', type: 'Edm.String', nullable: true, source: 'source.repository.full_name', description: "Source repository ('workspace/slug'); differs for forks." },
    { name: 'DestinationBranch', type: 'Edm.String', nullable: true, source: 'destination.branch.name', description: 'Branch the changes go into.', filter: { field: 'destination.branch.name', exact: ['eq'] }, write: { body: 'destination.branch.name', create: true, update: true } },
    { name: 'DestinationCommitHash', type: 'Edm.String', nullable: true, source: 'destination.commit.hash', description: 'Commit of the destination branch.' },
    { name: 'MergeCommitHash', type: 'Edm.String', nullable: true, source: 'merge_commit.hash', description: 'Merge commit, for merged pull requests.' },
    { name: 'CloseSourceBranch', type: 'Edm.Boolean', nullable: true, source: 'close_source_branch', description: 'Whether the source branch is closed on merge.', write: { body: 'close_source_branch', create: true, update: true } },
    { name: 'ClosedByDisplayName', type: 'Edm.String', nullable: true, source: 'closed_by.display_name', description: 'Who merged or declined it.' },
    { name: 'Reason', type: 'Edm.String', nullable: true, source: 'reason', description: 'Reason given when declined.' },
    { name: 'CommentCount', type: 'Edm.Int32', nullable: false, source: 'comment_count', description: 'Number of comments.', filter: { field: 'comment_count', exact: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] } },
    { name: 'TaskCount', type: 'Edm.Int32', nullable: false, source: 'task_count', description: 'Number of open tasks.', filter: { field: 'task_count', exact: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] } },
    { name: 'Reviewers', type: 'Edm.String', nullable: false, source: { path: 'reviewers', convert: 'join-display-names' }, description: 'Display names of the reviewers, comma-separated.', fields: ['reviewers.display_name'] },
    { name: 'ApprovalCount', type: 'Edm.Int32', nullable: false, source: { path: 'participants', convert: 'count-where-approved' }, description: 'Number of participants who approved.', fields: ['participants.approved'] },
    { name: 'ClosedByUuid', type: 'Edm.String', nullable: true, source: 'closed_by.uuid', description: 'UUID of who merged or declined it.' },
    { name: 'ReviewerCount', type: 'Edm.Int32', nullable: false, source: { path: 'reviewers', convert: 'array-length' }, description: 'Number of reviewers (derived: the length of the reviewers list, from the same list call).', fields: ['reviewers.uuid'] },
    { name: 'ParticipantCount', type: 'Edm.Int32', nullable: false, source: { path: 'participants', convert: 'array-length' }, description: 'Number of participants, reviewers included (derived: the length of the participants list, from the same list call; one row each in PullRequestParticipants).', fields: ['participants.role'] },
    { name: 'ChangesRequestedCount', type: 'Edm.Int32', nullable: false, source: { path: 'participants', convert: 'count-where-changes-requested' }, description: "Number of participants whose state is 'changes_requested' now (derived from the participants list, from the same list call). Bitbucket has no merged_on: the merge time is the first PullRequestActivity UPDATE with NewState 'MERGED'.", fields: ['participants.state'] },
    { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: false, source: 'created_on', description: 'Creation time (UTC).', filter: { field: 'created_on', exact: ['gt', 'ge', 'lt', 'le'] }, sort: 'created_on' },
    { name: 'UpdatedOn', type: 'Edm.DateTimeOffset', nullable: false, source: 'updated_on', description: 'Last update time (UTC).', filter: { field: 'updated_on', exact: ['gt', 'ge', 'lt', 'le'] }, sort: 'updated_on' },
  ],
  navigation: [
    { name: 'Repository', target: 'Repositories', collection: false, constraints: { Workspace: 'Workspace', Slug: 'RepositorySlug' } },
    { name: 'Comments', target: 'PullRequestComments', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', PullRequestId: 'Id' } },
    { name: 'Participants', target: 'PullRequestParticipants', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', PullRequestId: 'Id' } },
    { name: 'Activity', target: 'PullRequestActivity', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', PullRequestId: 'Id' } },
    { name: 'Commits', target: 'PullRequestCommits', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', PullRequestId: 'Id' } },
    { name: 'Diffstat', target: 'PullRequestDiffstat', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', PullRequestId: 'Id' } },
  ],
  list: {
    path: '/repositories/{workspace}/{repo_slug}/pullrequests',
    params: [WORKSPACE_PARAM, REPOSITORY_PARAM],
    maxPagelen: 50,
    supportsQuery: true,
    supportsSort: true,
    supportsPageNumber: true,
    reportsSize: true,
    fixedQuery: { state: ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'] },
  },
  // "List workspace pull requests for a user" (Bitbucket's OpenAPI, /workspaces/{workspace}/pullrequests/{selected_user}):
  // the author's pull requests of every repository of the workspace, in the states named (OPEN only by default), with
  // q and sort like the repository's list. `selected_user` takes the braced UUID; a 404 says no such user exists.
  narrowerLists: [
    {
      path: '/workspaces/{workspace}/pullrequests/{selected_user}',
      params: [WORKSPACE_PARAM, { name: 'selected_user', property: 'AuthorUuid', existsAt: '/users/{selected_user}' }],
      maxPagelen: 50,
      supportsQuery: true,
      supportsSort: true,
      supportsPageNumber: true,
      reportsSize: true,
      fixedQuery: { state: ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'] },
    },
  ],
  get: { path: PULL_REQUEST, params: PULL_REQUEST_PARAMS },
  searchable: ['Title', 'Description'],
  writes: {
    insert: { method: 'POST', path: '/repositories/{workspace}/{repo_slug}/pullrequests', params: [WORKSPACE_PARAM, REPOSITORY_PARAM] },
    // Bitbucket updates an open pull request with PUT and a partial body.
    update: { method: 'PUT', path: PULL_REQUEST, params: PULL_REQUEST_PARAMS },
    refusals: { delete: 'Bitbucket does not delete pull requests; decline it with the Bitbucket.Decline action' },
    etagSource: 'updated_on',
  },
  actions: [
    { name: 'Approve', description: 'Approve the pull request as the signed-in user.', route: { method: 'POST', path: `${PULL_REQUEST}/approve`, params: PULL_REQUEST_PARAMS }, parameters: [], returnsEntity: true, idempotent: true },
    { name: 'Unapprove', description: 'Withdraw your approval.', route: { method: 'DELETE', path: `${PULL_REQUEST}/approve`, params: PULL_REQUEST_PARAMS }, parameters: [], returnsEntity: true, idempotent: true },
    { name: 'RequestChanges', description: 'Request changes as the signed-in user.', route: { method: 'POST', path: `${PULL_REQUEST}/request-changes`, params: PULL_REQUEST_PARAMS }, parameters: [], returnsEntity: true, idempotent: true },
    { name: 'Decline', description: 'Decline the pull request.', route: { method: 'POST', path: `${PULL_REQUEST}/decline`, params: PULL_REQUEST_PARAMS }, parameters: [], returnsEntity: true, idempotent: false },
    {
      name: 'Merge',
      description: 'Merge the pull request into its destination branch.',
      route: { method: 'POST', path: `${PULL_REQUEST}/merge`, params: PULL_REQUEST_PARAMS },
      parameters: [
        { name: 'MergeStrategy', type: 'Edm.String', nullable: true, description: "'merge_commit', 'squash' or 'fast_forward' (default: the branch's default strategy).", body: 'merge_strategy', enum: ['merge_commit', 'squash', 'fast_forward'] },
        { name: 'Message', type: 'Edm.String', nullable: true, description: 'Commit message of the merge.', body: 'message' },
        { name: 'CloseSourceBranch', type: 'Edm.Boolean', nullable: true, description: 'Delete the source branch after merging.', body: 'close_source_branch' },
      ],
      returnsEntity: true,
      idempotent: false,
    },
  ],
};
