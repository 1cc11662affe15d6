/**
 * The pushdown table: OData URLs and the exact upstream requests each must cost against a well-behaved Bitbucket
 * (`pushdown.spec.ts`). The same URLs run against the realistic sandbox profile (`pushdown-realistic.spec.ts`), where
 * the calls may differ but the answers may not.
 */
import type { UpstreamCall } from '../../helpers/stack';

/** The workspace and repository the cases address: the first repository of acme-dev, read by the spec. */
export const site = { ws: '', repo: '' };

export const ALL_STATES = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'];

/** An author of pull requests in both of the demo user's workspaces (the seed is deterministic). */
export const AUTHOR = '{da2ce489-f650-483a-bf49-3c8d20f33dc3}';

export interface PushdownCase {
  name: string;
  url: () => string;
  /** The upstream calls, in order: path and the query parameters that matter (others may be present). */
  calls: () => Array<{ path: string; query?: Record<string, string | string[] | undefined> }>;
  /** The calls may come in any order (a fan-out lists several workspaces at once). */
  anyOrder?: boolean;
  /** Parts of the JSON answer that must hold (`toMatchObject`), or the text of a `/$count` answer. */
  answer?: Record<string, unknown> | string | (() => Record<string, unknown>);
}

export const PUSHDOWN_CASES: PushdownCase[] = [
  {
    name: 'PullRequests of one repository with $top=5 costs one call with pagelen=5, ordered by id',
    url: () => `/odata/PullRequests?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo}'&$top=5`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pullrequests`, query: { pagelen: '5', sort: 'id', state: ALL_STATES, q: undefined } }],
  },
  {
    name: "State eq 'OPEN' travels as q=state=\"OPEN\" through navigation",
    url: () => `/odata/Repositories(Workspace='${site.ws}',Slug='${site.repo}')/PullRequests?$filter=State eq 'OPEN'&$top=5`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pullrequests`, query: { q: 'state = "OPEN"', pagelen: '5' } }],
  },
  {
    name: "contains(Title,'Fix') travels as title ~ \"Fix\" (superset, re-checked here, so no exact pagelen)",
    url: () => `/odata/Repositories(Workspace='${site.ws}',Slug='${site.repo}')/PullRequests?$filter=contains(Title,'Fix')&$top=5`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pullrequests`, query: { q: 'title ~ "Fix"', pagelen: '50' } }],
  },
  {
    name: 'a datetime comparison goes up with an explicit offset',
    url: () => `/odata/PullRequests?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo}' and CreatedOn ge 2024-01-01T00:00:00Z&$top=2`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pullrequests`, query: { q: 'created_on >= 2024-01-01T00:00:00+00:00', pagelen: '2' } }],
  },
  {
    name: 'a pull request by key is one GET of that pull request',
    url: () => `/odata/PullRequests(Workspace='${site.ws}',RepositorySlug='${site.repo}',Id=1)`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pullrequests/1` }],
  },
  {
    name: '/$count of an exact filter reads Bitbucket\'s size from the first page of the stream (one call)',
    url: () => `/odata/PullRequests/$count?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo}' and State eq 'MERGED'`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pullrequests`, query: { pagelen: '50', q: 'state = "MERGED"' } }],
  },
  {
    name: '$orderby CreatedOn desc becomes sort=-created_on',
    url: () => `/odata/PullRequests?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo}'&$orderby=CreatedOn desc&$top=3`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pullrequests`, query: { sort: '-created_on', pagelen: '4' } }],
  },
  {
    name: 'Pipelines ignore q upstream, so their filter never goes up',
    url: () => `/odata/Pipelines?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo}' and State eq 'COMPLETED'`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pipelines`, query: { q: undefined, pagelen: '100' } }],
  },
  {
    name: 'Workspace eq fixes the path of the repository list; IsPrivate goes into q',
    url: () => `/odata/Repositories?$filter=Workspace eq '${site.ws}' and IsPrivate eq false`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}`, query: { q: 'is_private = false', pagelen: '100' } }],
  },
  {
    name: "an apostrophe and a quote are escaped in q ('a''b\"c' → \"a'b\\\"c\")",
    url: () => `/odata/Repositories?$filter=Workspace eq '${site.ws}' and contains(Name,'a''b"c')`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}`, query: { q: 'name ~ "a\'b\\"c"' } }],
  },
  // Constant predicates (issue #15, src/odata/fold-constants.ts): false costs nothing, true leaves q exact.
  {
    name: 'a constant false filter (1 eq 2) over every repository costs 0 calls: no rows, count 0',
    url: () => '/odata/PullRequests?$filter=1 eq 2&$count=true',
    calls: () => [],
    answer: { value: [], '@odata.count': 0 },
  },
  {
    name: "State eq 'OPEN' and State eq 'MERGED' costs 0 calls",
    url: () => "/odata/PullRequests?$filter=State eq 'OPEN' and State eq 'MERGED'&$count=true",
    calls: () => [],
    answer: { value: [], '@odata.count': 0 },
  },
  {
    name: '/$count of Id eq 1 and Id eq 2 in one repository costs 0 calls',
    url: () => `/odata/PullRequests/$count?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo}' and Id eq 1 and Id eq 2`,
    calls: () => [],
    answer: '0',
  },
  {
    name: "a constant true conjunct (1 eq 1) is dropped: State eq 'OPEN' stays exact (pagelen=5, count from size)",
    url: () => `/odata/Repositories(Workspace='${site.ws}',Slug='${site.repo}')/PullRequests?$filter=State eq 'OPEN' and 1 eq 1&$top=5&$count=true`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pullrequests`, query: { q: 'state = "OPEN"', pagelen: '5' } }],
  },
  {
    name: "$expand=Repository on a fan-out takes the repositories the fan-out listed: 3 calls, no by-key read, the second workspace's repositories not listed (issue #15)",
    url: () => '/odata/PullRequests?$top=3&$select=Id&$expand=Repository($select=Name)',
    calls: () => [
      { path: '/2.0/user/workspaces' },
      { path: '/2.0/repositories/acme-dev' },
      { path: `/2.0/repositories/acme-dev/${site.repo}/pullrequests`, query: { pagelen: '3' } },
    ],
    anyOrder: true,
    answer: () => ({ value: [{ Id: 1, Repository: { Name: site.repo } }, { Id: 2 }, { Id: 3 }] }),
  },
  {
    name: "AuthorUuid eq … reads each workspace's pull requests by that author (/workspaces/{ws}/pullrequests/{selected_user}): 3 calls, not one per repository",
    url: () => `/odata/PullRequests?$filter=AuthorUuid eq '${AUTHOR}' and State eq 'MERGED'&$count=true&$select=Id`,
    calls: () => [
      { path: '/2.0/user/workspaces' },
      { path: `/2.0/workspaces/acme-dev/pullrequests/${encodeURIComponent(AUTHOR)}`, query: { q: 'state = "MERGED"', state: ALL_STATES, pagelen: '50' } },
      { path: `/2.0/workspaces/blue-harbor/pullrequests/${encodeURIComponent(AUTHOR)}`, query: { q: 'state = "MERGED"', state: ALL_STATES, pagelen: '50' } },
    ],
    anyOrder: true,
  },
  {
    name: 'an author Bitbucket does not know: the 404 is confirmed by the workspace and one GET /users/{selected_user}, then 0 rows',
    url: () => `/odata/PullRequests?$filter=Workspace eq '${site.ws}' and AuthorUuid eq '{00000000-0000-0000-0000-000000000000}'&$count=true`,
    calls: () => [
      { path: `/2.0/workspaces/${site.ws}/pullrequests/%7B00000000-0000-0000-0000-000000000000%7D` },
      { path: '/2.0/user/workspaces' },
      { path: '/2.0/users/%7B00000000-0000-0000-0000-000000000000%7D' },
    ],
    answer: { value: [], '@odata.count': 0 },
  },
  // Rule stopAfterStream (issue #15): refs, pipelines and comments in key order read the repositories (pull requests)
  // in turn, each whole, and list parents only as far as they are read (workspaces, then the first one's repositories).
  {
    name: 'Branches?$top=5 in key order reads the first repository only (3 calls, not one per repository)',
    url: () => '/odata/Branches?$top=5&$select=RepositorySlug,Name',
    calls: () => [
      { path: '/2.0/user/workspaces' },
      { path: '/2.0/repositories/acme-dev' },
      { path: `/2.0/repositories/acme-dev/${site.repo}/refs/branches`, query: { pagelen: '100', sort: undefined } },
    ],
    anyOrder: true,
  },
  {
    name: 'Tags?$top=5 reads repositories in turn, ahead only as far as the sizes seen say 5 tags can still need: 4 calls (5 reading one, then two at once)',
    url: () => '/odata/Tags?$top=5&$select=RepositorySlug,Name',
    calls: () => [
      { path: '/2.0/user/workspaces' },
      { path: '/2.0/repositories/acme-dev' },
      { path: `/2.0/repositories/acme-dev/${site.repo}/refs/tags` },
      { path: '/2.0/repositories/acme-dev/billing-service/refs/tags' },
    ],
    anyOrder: true,
  },
  {
    name: 'Pipelines?$top=3 in key order reads the first repository only: 3 calls',
    url: () => '/odata/Pipelines?$top=3&$select=RepositorySlug,BuildNumber',
    calls: () => [
      { path: '/2.0/user/workspaces' },
      { path: '/2.0/repositories/acme-dev' },
      { path: `/2.0/repositories/acme-dev/${site.repo}/pipelines` },
    ],
    anyOrder: true,
  },
  {
    name: 'PullRequestComments?$top=5 lists one repository\'s pull requests and reads the first ones\' comments: 5 calls (31, then 6 before)',
    url: () => '/odata/PullRequestComments?$top=5&$select=Id',
    calls: () => [
      { path: '/2.0/user/workspaces' },
      { path: '/2.0/repositories/acme-dev' },
      { path: `/2.0/repositories/acme-dev/${site.repo}/pullrequests` },
      { path: `/2.0/repositories/acme-dev/${site.repo}/pullrequests/1/comments` },
      { path: `/2.0/repositories/acme-dev/${site.repo}/pullrequests/2/comments` },
    ],
    anyOrder: true,
  },
  // Lists whose items state the parent's spelling (`ListRoute.spelledIn`) are read at once: the parent the client
  // named is not read by key first (2 calls before), and another spelling of it still names nothing.
  {
    name: "one pull request's comments: the list alone, one call (2 before: the pull request was read first)",
    url: () => `/odata/PullRequestComments?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo}' and PullRequestId eq 1&$count=true&$select=RepositorySlug,Id`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pullrequests/1/comments` }],
  },
  {
    name: "one pull request's comments under another spelling of the repository: one call, no rows, count 0",
    url: () => `/odata/PullRequestComments?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo.toUpperCase()}' and PullRequestId eq 1&$count=true`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo.toUpperCase()}/pullrequests/1/comments` }],
    answer: { value: [], '@odata.count': 0 },
  },
  {
    name: '/$count of one pull request\'s comments under another spelling: one call, 0',
    url: () => `/odata/PullRequestComments/$count?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo.toUpperCase()}' and PullRequestId eq 1`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo.toUpperCase()}/pullrequests/1/comments` }],
    answer: '0',
  },
  {
    name: "one repository's branch restrictions: the list alone, one call (2 before: the repository was read first)",
    url: () => `/odata/BranchRestrictions?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo}'&$select=RepositorySlug,Id`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/branch-restrictions` }],
  },
  {
    name: "one repository's branch restrictions under another spelling: one call, no rows",
    url: () => `/odata/BranchRestrictions?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo.toUpperCase()}'&$count=true`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo.toUpperCase()}/branch-restrictions` }],
    answer: { value: [], '@odata.count': 0 },
  },
  {
    name: "one repository's deployments: the list alone, one call (2 before)",
    url: () => `/odata/Deployments?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo}'&$top=10&$select=RepositorySlug,Uuid`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/deployments` }],
  },
  {
    name: "one repository's deployments under another spelling: one call, count 0",
    url: () => `/odata/Deployments/$count?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo.toUpperCase()}'`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo.toUpperCase()}/deployments` }],
    answer: '0',
  },
  {
    name: "one pull request's diffstat: the list alone, one call (2 before: its files link into the repository in Bitbucket's spelling)",
    url: () => `/odata/PullRequestDiffstat?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo}' and PullRequestId eq 1&$count=true`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo}/pullrequests/1/diffstat` }],
  },
  {
    name: "one pull request's diffstat under another spelling of the repository: one call, no rows, count 0",
    url: () => `/odata/PullRequestDiffstat?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo.toUpperCase()}' and PullRequestId eq 1&$count=true`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo.toUpperCase()}/pullrequests/1/diffstat` }],
    answer: { value: [], '@odata.count': 0 },
  },
  {
    name: "/$count of one pull request's diffstat under another spelling: one call, 0",
    url: () => `/odata/PullRequestDiffstat/$count?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo.toUpperCase()}' and PullRequestId eq 1`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo.toUpperCase()}/pullrequests/1/diffstat` }],
    answer: '0',
  },
  {
    name: "one pull request's activity under another spelling of the repository: its own log, one call, no rows",
    url: () => `/odata/PullRequestActivity?$filter=Workspace eq '${site.ws}' and RepositorySlug eq '${site.repo.toUpperCase()}' and PullRequestId eq 1&$count=true`,
    calls: () => [{ path: `/2.0/repositories/${site.ws}/${site.repo.toUpperCase()}/pullrequests/1/activity` }],
    answer: { value: [], '@odata.count': 0 },
  },
];

export function matches(call: UpstreamCall, expected: { path: string; query?: Record<string, string | string[] | undefined> }): boolean {
  if (call.path !== expected.path) return false;
  return Object.entries(expected.query ?? {}).every(([key, value]) => {
    const actual = call.query[key];
    if (value === undefined) return actual === undefined;
    return JSON.stringify(Array.isArray(value) ? value : [value]) === JSON.stringify(Array.isArray(actual) ? actual : actual === undefined ? [] : [actual]);
  });
}

