import { REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

const PR = 'pull_request';

/**
 * Reviewers and participants of pull requests, one row per person and pull request. Bitbucket has no list of them:
 * they are the `participants` array of each pull request, which the pull request list leaves out unless asked for
 * with `fields=+values.participants` (developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/, and "Partial responses" in developer.atlassian.com/cloud/bitbucket/rest/intro/). So the
 * rows come from the pull request list itself (`rowsFrom`): one call per page of 50 pull requests serves all their
 * participants, instead of one call per pull request. A filter on the pull request's number or state goes to
 * Bitbucket as BBQL on the pull request list (every row of a pull request shares its number and state, so that is
 * exact); everything else is evaluated here. Bitbucket's `size` counts pull requests, not participants: counts are
 * made by reading.
 */
export const pullRequestParticipants: EntitySetDefinition = {
  name: 'PullRequestParticipants',
  typeName: 'PullRequestParticipant',
  description:
    'Reviewers and participants of pull requests (all states), one row per person and pull request, with their approval state. Read from the pull request list (fields=+values.participants): one Bitbucket call per 50 pull requests.',
  key: ['Workspace', 'RepositorySlug', 'PullRequestId', 'UserUuid'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { path: `${PR}.destination.repository.full_name`, convert: 'full-name-owner' }, fields: ['destination.repository.full_name'], description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { path: `${PR}.destination.repository.full_name`, convert: 'full-name-slug' }, fields: ['destination.repository.full_name'], description: 'Repository slug.' },
    { name: 'PullRequestId', type: 'Edm.Int32', nullable: false, source: `${PR}.id`, fields: ['id'], description: 'Pull request number.', filter: { field: 'id', exact: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] } },
    { name: 'PullRequestState', type: 'Edm.String', nullable: false, source: `${PR}.state`, fields: ['state'], description: "State of the pull request: 'OPEN', 'MERGED', 'DECLINED' or 'SUPERSEDED'.", filter: { field: 'state', exact: ['eq', 'ne'] } },
    { name: 'UserUuid', type: 'Edm.String', nullable: false, source: 'user.uuid', fields: ['participants.user.uuid'], description: 'UUID of the participant.' },
    { name: 'UserDisplayName', type: 'Edm.String', nullable: true, source: 'user.display_name', fields: ['participants.user.display_name'], description: 'Display name of the participant.' },
    { name: 'Role', type: 'Edm.String', nullable: false, source: 'role', fields: ['participants.role'], description: "'REVIEWER' (asked to review) or 'PARTICIPANT' (took part without being asked)." },
    { name: 'Approved', type: 'Edm.Boolean', nullable: false, source: 'approved', fields: ['participants.approved'], description: 'Whether the participant approves the pull request now.' },
    { name: 'State', type: 'Edm.String', nullable: true, source: 'state', fields: ['participants.state'], description: "'approved', 'changes_requested', or null when the participant has done neither." },
    { name: 'ParticipatedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'participated_on', fields: ['participants.participated_on'], description: 'For approvers the time of their approval; for others the time they last commented; null if they have not.' },
  ],
  navigation: [
    { name: 'PullRequest', target: 'PullRequests', collection: false, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', Id: 'PullRequestId' } },
  ],
  list: {
    path: '/repositories/{workspace}/{repo_slug}/pullrequests',
    params: [WORKSPACE_PARAM, REPOSITORY_PARAM],
    maxPagelen: 50,
    supportsQuery: true,
    supportsSort: false,
    // Bitbucket's `size` and `page=` count pull requests; this set's rows are their participants.
    supportsPageNumber: false,
    reportsSize: false,
    fixedQuery: { state: ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'] },
    rowsFrom: { path: 'participants', parentAs: PR },
  },
};
