import { REPOSITORY_PARAM, WORKSPACE_PARAM } from './common-params';
import type { EntitySetDefinition } from './model';

/**
 * Commits of a repository. The list takes no `q` or `sort` (only include/exclude refs and path) and pages forward
 * only, with opaque `next` links and no `size`: every filter, order and count is evaluated here.
 */
export const commits: EntitySetDefinition = {
  name: 'Commits',
  typeName: 'Commit',
  description:
    "Commits of a repository, newest first as Bitbucket lists them. A time window on Date (Date ge A and Date lt B) reads each repository's whole list, since Bitbucket lists commits in topological order, not by date. With the request header 'Prefer: bitbucket.trust-newest-first' the read stops at the window's lower bound instead (far fewer Bitbucket calls; the answer then says Preference-Applied), and a commit Bitbucket lists below an older one (a rebased commit keeps its older date) is missed.",
  key: ['Workspace', 'RepositorySlug', 'Hash'],
  properties: [
    { name: 'Workspace', type: 'Edm.String', nullable: false, source: { path: 'repository.full_name', convert: 'full-name-owner' }, description: 'Workspace slug.' },
    { name: 'RepositorySlug', type: 'Edm.String', nullable: false, source: { path: 'repository.full_name', convert: 'full-name-slug' }, description: 'Repository slug.' },
    { name: 'Hash', type: 'Edm.String', nullable: false, source: 'hash', description: 'Full commit hash.' },
    { name: 'Date', type: 'Edm.DateTimeOffset', nullable: false, source: 'date', description: 'Commit date.' },
    { name: 'Message', type: 'Edm.String', nullable: false, source: 'message', description: 'Full commit message.' },
    { name: 'AuthorRaw', type: 'Edm.String', nullable: false, source: 'author.raw', description: "Raw author ('Name <email>')." },
    { name: 'AuthorDisplayName', type: 'Edm.String', nullable: true, source: 'author.user.display_name', description: 'Bitbucket user of the author, when the email maps to one.' },
    { name: 'AuthorUuid', type: 'Edm.String', nullable: true, source: 'author.user.uuid', description: 'UUID of the author, when known.' },
    { name: 'ParentCount', type: 'Edm.Int32', nullable: false, source: { path: 'parents', convert: 'array-length' }, description: 'Number of parents (2 or more for merges).', fields: ['parents.hash'] },
  ],
  navigation: [
    { name: 'Statuses', target: 'CommitStatuses', collection: true, constraints: { Workspace: 'Workspace', RepositorySlug: 'RepositorySlug', CommitHash: 'Hash' } },
  ],
  list: {
    path: '/repositories/{workspace}/{repo_slug}/commits',
    params: [WORKSPACE_PARAM, REPOSITORY_PARAM],
    maxPagelen: 100,
    supportsQuery: false,
    supportsSort: false,
    supportsPageNumber: false,
    reportsSize: false,
    defaultOrder: 'upstream',
    newestFirst: {
      property: 'Date',
      documented: false,
      why:
        "Bitbucket lists commits \"in topological order (newest commit first)\" (description of GET /repositories/{workspace}/{repo_slug}/commits): children before their parents, not by date. The commit's date (`date`; its description does not say whether author or committer date) is not monotonic along that order: a rebased or cherry-picked commit keeps its older author date above newer parents, clocks are skewed, dates can be set at will (git's own `--since` stops on dates as a heuristic, with a slop of a few commits). No rule on dates or parents makes a stop safe, so a time window stops at its lower bound only for a client that accepts the heuristic.",
    },
  },
  get: { path: '/repositories/{workspace}/{repo_slug}/commit/{commit}', params: [WORKSPACE_PARAM, REPOSITORY_PARAM, { name: 'commit', property: 'Hash' }] },
  searchable: ['Message', 'AuthorRaw'],
};
