import { REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/**
 * The pull request activity of a repository: one row per event. Read from the repository-level feed
 * `/repositories/{workspace}/{repo_slug}/pullrequests/activity`, one stream per repository for all its pull requests
 * (client-rules DA-04), instead of one walk per pull request. The feed takes no `q` or `sort` and pages forward at
 * 50 entries (developer.atlassian.com/cloud/bitbucket/rest/intro/, "Pagination"), newest first: every filter is evaluated here. An entry has no id of its own;
 * the key is the pull request, the time and the kind (Bitbucket records times to the microsecond).
 */
export const pullRequestActivity: EntitySetDefinition = {
  name: 'PullRequestActivity',
  typeName: 'PullRequestActivityEvent',
  description:
    "Pull request events of a repository, one row per event: 'UPDATE' (the pull request was opened or changed; NewState is its state after the change, so the first UPDATE with NewState 'MERGED' is when it was merged), 'APPROVAL', 'CHANGES_REQUESTED' and 'COMMENT', with who and when. Read from the repository's activity feed: one Bitbucket call per 50 events, for all pull requests of the repository at once. A time window on Date (Date ge A and Date lt B) reads the whole feed, since Bitbucket does not promise its order. With the request header 'Prefer: bitbucket.trust-newest-first' the read stops at the window's lower bound instead (far fewer Bitbucket calls; the answer then says Preference-Applied), and an event the feed lists below an older one is missed.",
  key: ['Workspace', 'RepositorySlug', 'PullRequestId', 'Date', 'Kind'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { routeParam: 'workspace' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { routeParam: 'repo_slug' }, description: 'Repository slug.' },
    { name: 'PullRequestId', type: 'Edm.Int32', nullable: false, source: 'pull_request.id', description: 'Pull request number.' },
    {
      name: 'Kind',
      type: 'Edm.String',
      nullable: false,
      source: { labelOfPresent: { UPDATE: 'update', APPROVAL: 'approval', CHANGES_REQUESTED: 'changes_requested', COMMENT: 'comment' } },
      description: "'UPDATE', 'APPROVAL', 'CHANGES_REQUESTED' or 'COMMENT'.",
    },
    { name: 'Date', type: 'Edm.DateTimeOffset', nullable: false, source: { firstOf: ['update.date', 'approval.date', 'changes_requested.date', 'comment.created_on'] }, description: 'When it happened (UTC).' },
    { name: 'ActorUuid', type: 'Edm.String', nullable: true, source: { firstOf: ['update.author.uuid', 'approval.user.uuid', 'changes_requested.user.uuid', 'comment.user.uuid'] }, description: 'UUID of who did it.' },
    {
      name: 'ActorDisplayName',
      type: 'Edm.String',
      nullable: true,
      source: { firstOf: ['update.author.display_name', 'approval.user.display_name', 'changes_requested.user.display_name', 'comment.user.display_name'] },
      description: 'Display name of who did it.',
    },
    { name: 'NewState', type: 'Edm.String', nullable: true, source: 'update.state', description: "For an UPDATE, the pull request's state after it ('OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'); null for other kinds." },
    { name: 'CommentId', type: 'Edm.Int32', nullable: true, source: 'comment.id', description: 'For a COMMENT, the comment (see PullRequestComments).' },
    { name: 'CommentInlinePath', type: 'Edm.String', nullable: true, source: 'comment.inline.path', description: 'For an inline COMMENT, the file it is on.' },
  ],
  navigation: [
    { name: 'PullRequest', target: 'PullRequests', collection: false, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', Id: 'PullRequestId' } },
  ],
  // One pull request's activity (`PullRequestId eq N` with its repository) has its own log, one call per 50 events
  // instead of the repository's whole feed: GET /repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/activity.
  narrowerLists: [
    {
      path: '/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/activity',
      spelledIn: [{ path: 'pull_request.links.self.href', pattern: '*/repositories/{workspace}/{repo_slug}/pullrequests/*' }],
      // A 404 there is no rows when the pull request does not exist; anything else is an error.
      params: [WORKSPACE_PARAM, REPOSITORY_PARAM, { name: 'pull_request_id', property: 'PullRequestId', existsAt: '/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}' }],
      maxPagelen: 50,
      supportsQuery: false,
      supportsSort: false,
      supportsPageNumber: false,
      reportsSize: false,
    },
  ],
  list: {
    path: '/repositories/{workspace}/{repo_slug}/pullrequests/activity',
    // Each entry's `pull_request.links.self` names the repository in Bitbucket's spelling.
    spelledIn: [{ path: 'pull_request.links.self.href', pattern: '*/repositories/{workspace}/{repo_slug}/pullrequests/*' }],
    params: [WORKSPACE_PARAM, REPOSITORY_PARAM],
    maxPagelen: 50,
    supportsQuery: false,
    supportsSort: false,
    supportsPageNumber: false,
    reportsSize: false,
    newestFirst: {
      property: 'Date',
      documented: false,
      why:
        "The feed comes newest first in Bitbucket's answers and in the sandbox, but Bitbucket's description of GET /repositories/{workspace}/{repo_slug}/pullrequests/activity says nothing of its order (it takes no sort), and no evidence on record shows how entries of different kinds and pull requests interleave: a time window stops at its lower bound only for a client that trusts the order.",
    },
  },
};
