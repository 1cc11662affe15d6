/**
 * The planner as data: OData query → what goes to Bitbucket (path parameters, q, sort, exactness). The residual is
 * always the whole filter (re-checked here), so the table states whether the upstream set is exact or a superset.
 */
import { parseQueryOptions } from '../../src/odata/parse';
import { findDefinition } from '../../src/entity-sets/registry';
import { planQuery } from '../../src/plan/plan-query';

interface Row {
  set: string;
  query: string;
  fixed?: Record<string, string[]>;
  q?: string;
  sort?: string;
  exact: boolean;
  useGet?: boolean;
  /** The filter is constant false: nothing is read (issue #15). */
  noRows?: boolean;
  /** The list route read, when not the set's own `list` (a narrower one, issue #15). */
  route?: string;
}

const rows: Row[] = [
  { set: 'PullRequests', query: "$filter=Workspace eq 'w' and RepositorySlug eq 'r'", fixed: { workspace: ['w'], repo_slug: ['r'] }, sort: 'id', exact: true },
  { set: 'PullRequests', query: "$filter=State eq 'OPEN'", q: 'state = "OPEN"', sort: 'id', exact: true },
  { set: 'PullRequests', query: "$filter=State ne 'OPEN' and Id gt 5", q: 'state != "OPEN" AND id > 5', sort: 'id', exact: true },
  { set: 'PullRequests', query: "$filter=contains(Title,'Fix')", q: 'title ~ "Fix"', sort: 'id', exact: false },
  { set: 'PullRequests', query: "$filter=Title eq 'Fix it'", q: 'title ~ "Fix it"', sort: 'id', exact: false },
  { set: 'PullRequests', query: "$filter=startswith(Title,'a\"b')", q: 'title ~ "a\\"b"', sort: 'id', exact: false },
  { set: 'PullRequests', query: "$filter=State eq 'OPEN' or State eq 'MERGED'", q: '(state = "OPEN" OR state = "MERGED")', sort: 'id', exact: true },
  { set: 'PullRequests', query: "$filter=State eq 'OPEN' or length(Title) gt 3", sort: 'id', exact: false },
  { set: 'PullRequests', query: "$filter=not (State eq 'OPEN')", sort: 'id', exact: false },
  { set: 'PullRequests', query: "$filter=State in ('OPEN','DECLINED')", q: '(state = "OPEN" OR state = "DECLINED")', sort: 'id', exact: true },
  { set: 'PullRequests', query: '$filter=CreatedOn lt 2024-05-01T10:00:00.5Z', q: 'created_on < 2024-05-01T10:00:00.5+00:00', sort: 'id', exact: true },
  { set: 'PullRequests', query: '$filter=5 lt Id', q: 'id > 5', sort: 'id', exact: true },
  { set: 'PullRequests', query: "$filter=AuthorDisplayName eq 'Ann'", sort: 'id', exact: false },
  { set: 'PullRequests', query: '$orderby=CreatedOn desc', sort: '-created_on', exact: true },
  { set: 'PullRequests', query: '$orderby=Title', exact: true },
  { set: 'PullRequests', query: '$orderby=Workspace,RepositorySlug,UpdatedOn', sort: 'updated_on', exact: true },
  { set: 'PullRequests', query: "$filter=Workspace eq 'w' and RepositorySlug eq 'r' and Id eq 7", fixed: { workspace: ['w'], repo_slug: ['r'], pull_request_id: ['7'] }, q: 'id = 7', useGet: true, sort: 'id', exact: true },
  { set: 'PullRequests', query: "$filter=Workspace in ('a','b') and Workspace eq 'b'", fixed: { workspace: ['b'] }, sort: 'id', exact: true },
  { set: 'PullRequests', query: '$search=fix', sort: 'id', exact: false },
  { set: 'Pipelines', query: "$filter=State eq 'COMPLETED'", exact: false },
  { set: 'Commits', query: "$filter=Workspace eq 'w' and RepositorySlug eq 'r'", fixed: { workspace: ['w'], repo_slug: ['r'] }, exact: true },
  { set: 'Repositories', query: "$filter=IsPrivate eq true and ProjectKey eq 'K'", q: 'is_private = true AND project.key = "K"', exact: true },
  { set: 'Repositories', query: "$filter=Workspace eq 'w' and Slug eq 's'", fixed: { workspace: ['w'], repo_slug: ['s'] }, useGet: true, exact: false },
  { set: 'Branches', query: "$filter=Name eq 'feature/x'", q: 'name = "feature/x"', exact: true },
  { set: 'Workspaces', query: "$filter=Slug eq 'w'", exact: false },
  // Constant predicates are folded (src/odata/fold-constants.ts, issue #15): false reads nothing, true leaves q exact.
  { set: 'PullRequests', query: '$filter=1 eq 2', sort: 'id', exact: true, noRows: true },
  { set: 'PullRequests', query: "$filter=State eq 'OPEN' and State eq 'MERGED'", sort: 'id', exact: true, noRows: true },
  { set: 'PullRequests', query: "$filter=Workspace eq 'w' and RepositorySlug eq 'r' and Id eq 1 and Id eq 2", sort: 'id', exact: true, noRows: true },
  { set: 'PullRequests', query: "$filter=State eq 'OPEN' and 1 eq 1", q: 'state = "OPEN"', sort: 'id', exact: true },
  { set: 'PullRequests', query: "$filter=State eq 'OPEN' or 1 eq 1", sort: 'id', exact: true },
  { set: 'PullRequests', query: "$filter=State eq 'OPEN' and not (1 eq 2)", q: 'state = "OPEN"', sort: 'id', exact: true },
  // A fixed author reads the workspace's pull requests by that author (issue #15): one stream per workspace.
  { set: 'PullRequests', query: "$filter=AuthorUuid eq '{u}' and State eq 'OPEN'", fixed: { selected_user: ['{u}'] }, q: 'state = "OPEN"', exact: true, route: '/workspaces/{workspace}/pullrequests/{selected_user}' },
  { set: 'PullRequests', query: "$filter=AuthorUuid in ('{u}','{v}')&$orderby=CreatedOn desc", fixed: { selected_user: ['{u}', '{v}'] }, sort: '-created_on', exact: true, route: '/workspaces/{workspace}/pullrequests/{selected_user}' },
  { set: 'PullRequests', query: "$filter=Workspace eq 'w' and AuthorUuid eq '{u}'", fixed: { workspace: ['w'], selected_user: ['{u}'] }, exact: true, route: '/workspaces/{workspace}/pullrequests/{selected_user}' },
  // One repository is as narrow: its own list, the author in q.
  { set: 'PullRequests', query: "$filter=Workspace eq 'w' and RepositorySlug eq 'r' and AuthorUuid eq '{u}'", fixed: { workspace: ['w'], repo_slug: ['r'], selected_user: ['{u}'] }, q: 'author.uuid = "{u}"', sort: 'id', exact: true },
  // One pull request's activity reads its own log, below the repository's feed; two pull requests, or no repository, read the feed(s).
  { set: 'PullRequestActivity', query: "$filter=Workspace eq 'w' and RepositorySlug eq 'r' and PullRequestId eq 2", fixed: { workspace: ['w'], repo_slug: ['r'], pull_request_id: ['2'] }, exact: true, route: '/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/activity' },
  { set: 'PullRequestActivity', query: "$filter=Workspace eq 'w' and RepositorySlug eq 'r' and PullRequestId in (2,3)", fixed: { workspace: ['w'], repo_slug: ['r'], pull_request_id: ['2', '3'] }, exact: false },
  { set: 'PullRequestActivity', query: '$filter=PullRequestId eq 2', fixed: { pull_request_id: ['2'] }, exact: false },
];

describe('planQuery', () => {
  test.each(rows.map((row) => [`${row.set}?${row.query}`, row] as const))('%s', (_name, row) => {
    const def = findDefinition(row.set);
    if (!def) throw new Error(row.set);
    const plan = planQuery(def, parseQueryOptions(row.query));
    expect({
      fixed: plan.fixedParams,
      q: plan.bbql.q,
      sort: plan.upstreamSort ? `${plan.upstreamSort.direction === 'desc' ? '-' : ''}${plan.upstreamSort.field}` : undefined,
      exact: plan.exact,
      useGet: plan.useGet,
      noRows: plan.noRows,
      route: plan.list === def.list ? undefined : plan.list?.path,
    }).toEqual({ fixed: row.fixed ?? {}, q: row.q, sort: row.sort, exact: row.exact, useGet: row.useGet ?? false, noRows: row.noRows ?? false, route: row.route });
  });

  test('with pushdown off nothing but the path and fields= goes up', () => {
    const def = findDefinition('PullRequests');
    if (!def) throw new Error('PullRequests');
    const query = parseQueryOptions("$filter=Workspace eq 'w' and State eq 'OPEN'&$orderby=CreatedOn desc");
    const plan = planQuery(def, query, { pushdown: false });
    expect(plan.fixedParams).toEqual({ workspace: ['w'] });
    expect([plan.bbql.q, plan.upstreamSort, plan.exact]).toEqual([undefined, undefined, false]);
    // fields= says what a row carries, not which rows come: without it Bitbucket's list leaves out participants.
    expect(plan.listFields).toBe(planQuery(def, query).listFields);
    expect(plan.listFields).toContain('values.participants');
  });

  test('$select narrows fields= to the selected, key and filtered properties', () => {
    const def = findDefinition('PullRequests');
    if (!def) throw new Error('PullRequests');
    const plan = planQuery(def, parseQueryOptions("$select=Title&$filter=State eq 'OPEN'"));
    expect(plan.listFields?.split(',').sort()).toEqual(
      ['next', 'size', 'page', 'pagelen', 'values.destination.repository.full_name', 'values.id', 'values.title', 'values.state'].sort(),
    );
  });
});
