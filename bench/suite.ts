/**
 * The fixed query suite of `npm run bench` (issue #15): what Power BI, Power Apps and curl users send, on the large
 * sandbox seed (`SANDBOX_SIZE=large`: workspaces acme-dev with 125 repositories and blue-harbor with 100, 102,400
 * commits, 16 pull requests and up to 8 pipelines per repository).
 *
 * `minimum` is the fewest Bitbucket calls a hand-written client that knows the API (and not the data) needs for the
 * same answer, worked out by hand from Bitbucket's API and the seed; `why` says how. The rules it counts with:
 * - listing every repository costs 4 calls: `/user/workspaces`, then `/repositories/{ws}?pagelen=100` (acme-dev's
 *   125 take 2 pages, blue-harbor's 100 one); the first repositories in key order are known once acme-dev's 2 pages
 *   are in, so a walk that stops early costs 3 before its first repository. (Not 2 with `sort=slug`: nothing says
 *   Bitbucket sorts slugs by code point, as OData's key order does, rather than by a collation that orders '-', '.'
 *   and '_' otherwise; no record in the evidence file backs it, and a repository on the second page that sorts
 *   before one on the first would be a wrong answer that no check of the first page can see. The gateway does not
 *   trust it, and neither can a client that must be exact.);
 * - a list page holds at most 100 rows (pull requests and their sub-lists 50); `q=`, `sort=` and `fields=` are free;
 *   `size` on a page answers a count;
 * - branches and tags list by name (`sort=name`); commits newest first (dates are not monotonic in that order);
 *   pipelines cannot be sorted by their key (`Uuid`), but a repository's 8 fit one page;
 * - `/workspaces/{ws}/pullrequests/{selected_user}` lists one author's pull requests across a workspace;
 * - a filter no row can pass costs nothing.
 * In key order the large seed begins acme-dev/auth-service (16 pull requests, 26 branches, 21 tags, 8 pipelines,
 * 120+ commits; its pull request 1 has 4 comments, pull request 2 has 4), billing-service (18 branches, 11 tags, 8
 * pipelines), cafe-menu (31 branches, 21 tags, no pipelines), cli-tools, data-pipeline, design-system, docs,
 * infra-terraform (8 pipelines each).
 */
export type BenchClient = 'Power BI' | 'Power Apps' | 'curl';

export interface BenchQuery {
  name: string;
  client: BenchClient;
  /** Path and query below the service root, unencoded. */
  url: string;
  /** Fewest Bitbucket calls for this answer (see the file comment). */
  minimum: number;
  /** One line: how the minimum is reached. */
  why: string;
  /** Follow every nextLink with `Prefer: odata.maxpagesize=<walkPageSize>` (what Power BI does); otherwise one page. */
  walkPageSize?: number;
}

const R = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
const PR1 = `${R} and PullRequestId eq 1`;
const HASH = '967c017ca1c06ff615a406b0a9446c74133b9f7b';
const PIPELINE = '{19f8eb2a-8be6-4b15-9a96-7be17d6dcf99}';
const INGRID = '{56bbd32f-5af5-482f-9ceb-5ac845d92fd0}';
const ONE_REPOSITORY = 'one call on the repository';
/**
 * The same one call, for a client that trusts the key's spelling. The gateway reads the repository first (2 calls):
 * these lists' items state no repository, and workspace IDs are not always lower case (Bitbucket's creation form
 * allowed capitals in 2020–21; recorded workspaces `YulyKo`, `RomanKyrnis`), so no spelling rule can stand in for that
 * read (evidence: the end of spec/fixtures/recorded-bitbucket/README.md).
 */
const ONE_REPOSITORY_SPELLING_UNSTATED = "one call on the repository, trusting the key's spelling (the gateway reads the repository too: its items state no repository and workspace IDs may be mixed case)";

export const BENCH_SUITE: BenchQuery[] = [
  // One repository or one entity: what curl users and Power Apps lookups send.
  { client: 'curl', name: 'repository by key', url: "Repositories(Workspace='acme-dev',Slug='platform-api')", minimum: 1, why: 'GET /repositories/{ws}/{slug}' },
  { client: 'curl', name: 'pull request by key', url: "PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=3)", minimum: 1, why: 'GET …/pullrequests/3' },
  { client: 'curl', name: 'commit by key', url: `Commits(Workspace='acme-dev',RepositorySlug='platform-api',Hash='${HASH}')`, minimum: 1, why: 'GET …/commit/{hash}' },
  { client: 'curl', name: 'one repo, PRs $top=10', url: `PullRequests?$filter=${R}&$top=10`, minimum: 1, why: 'pagelen=10' },
  { client: 'curl', name: 'one repo, OPEN PRs', url: `PullRequests?$filter=${R} and State eq 'OPEN'`, minimum: 1, why: 'state=OPEN, 16 pull requests fit one page' },
  { client: 'curl', name: 'one repo, /$count MERGED', url: `PullRequests/$count?$filter=${R} and State eq 'MERGED'`, minimum: 1, why: "the page's size" },
  { client: 'Power BI', name: 'one repo, newest 5 PRs', url: `PullRequests?$filter=${R}&$orderby=CreatedOn desc&$top=5`, minimum: 1, why: 'sort=-created_on&pagelen=5' },
  { client: 'Power Apps', name: 'one repo, contains(Title)', url: `PullRequests?$filter=${R} and contains(Title,'Fix')&$select=Id,Title`, minimum: 1, why: 'q=title~"Fix", one page' },
  { client: 'curl', name: 'one repo, 200 commits', url: `Commits?$filter=${R}&$top=200&$select=Hash,Date`, minimum: 2, why: 'two 100-commit pages' },
  { client: 'Power BI', name: 'one repo, commits since 2026-01-01', url: `Commits?$filter=${R} and Date ge 2026-01-01T00:00:00Z&$select=Hash,Date,AuthorDisplayName`, minimum: 10, why: "all 901 commits: Bitbucket's order is not by date, so a date bound cannot stop the read" },
  { client: 'curl', name: 'one repo, failed pipelines', url: `Pipelines?$filter=${R} and Result eq 'FAILED'`, minimum: 1, why: '8 pipelines fit one page' },
  { client: 'Power BI', name: 'one repo, newest 5 pipelines', url: `Pipelines?$filter=${R}&$orderby=CreatedOn desc&$top=5`, minimum: 1, why: 'sort=-created_on&pagelen=5' },
  { client: 'curl', name: 'one repo, branches', url: `Branches?$filter=${R}`, minimum: 1, why: '37 branches fit one page' },
  { client: 'Power Apps', name: 'one repo, feature branches', url: `Branches?$filter=${R} and startswith(Name,'feature/')`, minimum: 1, why: ONE_REPOSITORY },
  { client: 'curl', name: 'one repo, newest 5 tags', url: `Tags?$filter=${R}&$orderby=Date desc&$top=5`, minimum: 1, why: '23 tags fit one page' },
  { client: 'curl', name: 'one PR, comments', url: `PullRequestComments?$filter=${PR1}`, minimum: 1, why: 'GET …/pullrequests/1/comments' },
  { client: 'Power BI', name: 'one PR, activity', url: `PullRequestActivity?$filter=${PR1}`, minimum: 1, why: 'GET …/pullrequests/1/activity' },
  { client: 'curl', name: 'one PR, commits', url: `PullRequestCommits?$filter=${PR1}`, minimum: 1, why: 'GET …/pullrequests/1/commits' },
  { client: 'curl', name: 'one PR, diffstat', url: `PullRequestDiffstat?$filter=${PR1}`, minimum: 1, why: 'GET …/pullrequests/1/diffstat' },
  { client: 'Power BI', name: 'one repo, PR participants', url: `PullRequestParticipants?$filter=${R}`, minimum: 1, why: "the pull-request list with fields=+values.participants (16 fit one page)" },
  { client: 'curl', name: 'one pipeline, steps', url: `PipelineSteps?$filter=${R} and PipelineUuid eq '${PIPELINE}'`, minimum: 1, why: 'GET …/pipelines/{uuid}/steps' },
  { client: 'curl', name: 'one commit, statuses', url: `CommitStatuses?$filter=${R} and CommitHash eq '${HASH}'`, minimum: 1, why: 'GET …/commit/{hash}/statuses' },
  { client: 'curl', name: 'one repo, branch restrictions', url: `BranchRestrictions?$filter=${R}`, minimum: 1, why: ONE_REPOSITORY },
  { client: 'curl', name: 'one repo, default reviewers', url: `DefaultReviewers?$filter=${R}`, minimum: 1, why: ONE_REPOSITORY_SPELLING_UNSTATED },
  { client: 'curl', name: 'one repo, webhooks', url: `Webhooks?$filter=${R}`, minimum: 1, why: ONE_REPOSITORY },
  { client: 'curl', name: 'one repo, environments', url: `Environments?$filter=${R}`, minimum: 1, why: ONE_REPOSITORY_SPELLING_UNSTATED },
  { client: 'Power BI', name: 'one repo, deployments', url: `Deployments?$filter=${R}&$top=10`, minimum: 1, why: ONE_REPOSITORY },
  // Workspaces and repositories.
  { client: 'Power Apps', name: 'Me', url: 'Me', minimum: 1, why: 'GET /user' },
  { client: 'Power BI', name: 'workspaces', url: 'Workspaces', minimum: 1, why: 'GET /user/workspaces' },
  { client: 'Power BI', name: 'workspace members', url: "WorkspaceMembers?$filter=Workspace eq 'acme-dev'", minimum: 1, why: '18 members fit one page' },
  { client: 'Power BI', name: 'projects of a workspace', url: "Projects?$filter=Workspace eq 'acme-dev'", minimum: 1, why: '5 projects fit one page' },
  { client: 'Power BI', name: 'repositories of a workspace', url: "Repositories?$filter=Workspace eq 'acme-dev'&$select=Slug,Name,UpdatedOn", minimum: 2, why: '125 repositories: two 100-row pages' },
  { client: 'Power BI', name: 'all repositories', url: 'Repositories?$select=Workspace,Slug,IsPrivate,Language', minimum: 4, why: 'workspaces, then 2 + 1 pages of repositories' },
  { client: 'curl', name: 'repositories /$count', url: 'Repositories/$count', minimum: 3, why: "workspaces, then each workspace's size" },
  { client: 'Power Apps', name: "repositories startswith 'service-0', $top=100", url: "Repositories?$filter=startswith(Name,'service-0')&$top=100&$select=Workspace,Slug", minimum: 3, why: 'workspaces, then q=name~ per workspace (99 match in one page)' },
  { client: 'Power Apps', name: 'private repositories by name, $top=20', url: 'Repositories?$filter=IsPrivate eq true&$orderby=Name&$top=20&$select=Workspace,Slug,Name', minimum: 3, why: 'workspaces, then q=is_private=true&sort=name&pagelen=20 per workspace, merged' },
  // Fan-out over every repository.
  { client: 'Power BI', name: 'all PRs (full load)', url: 'PullRequests?$select=Workspace,RepositorySlug,Id,Title,State,AuthorDisplayName,CreatedOn', minimum: 229, why: 'listing 4, then one page per repository (225)' },
  { client: 'Power BI', name: 'PRs updated since (incremental refresh)', url: 'PullRequests?$filter=UpdatedOn ge 2026-07-01T00:00:00Z&$select=Workspace,RepositorySlug,Id,State,UpdatedOn', minimum: 229, why: 'listing 4, then q=updated_on>= per repository (225)' },
  { client: 'Power BI', name: 'PRs by author across a workspace', url: `PullRequests?$filter=Workspace eq 'acme-dev' and AuthorUuid eq '${INGRID}'&$select=RepositorySlug,Id,Title,State`, minimum: 3, why: '/workspaces/acme-dev/pullrequests/{uuid}: 131 pull requests, three 50-row pages' },
  { client: 'Power Apps', name: 'newest 20 OPEN PRs', url: "PullRequests?$filter=State eq 'OPEN'&$orderby=CreatedOn desc&$top=20&$select=Workspace,RepositorySlug,Id,Title,CreatedOn", minimum: 229, why: 'every repository may hold one: listing 4 + 225 sorted pages of 20' },
  { client: 'curl', name: 'PRs $top=20 (key order)', url: 'PullRequests?$top=20&$select=Workspace,RepositorySlug,Id', minimum: 5, why: "workspaces, acme-dev's 2 repositories pages, auth-service (16) and billing-service" },
  { client: 'Power BI', name: 'PRs $top=100 $expand=Repository', url: 'PullRequests?$top=100&$select=Id,Title&$expand=Repository($select=Name,IsPrivate)', minimum: 10, why: "workspaces, acme-dev's 2 repositories pages (the expanded rows), 7 repositories of 16" },
  { client: 'curl', name: 'OPEN PRs /$count', url: "PullRequests/$count?$filter=State eq 'OPEN'", minimum: 229, why: "listing 4, then each repository's size (225)" },
  { client: 'Power BI', name: 'approving participants in a workspace', url: "PullRequestParticipants?$filter=Workspace eq 'blue-harbor' and Approved eq true", minimum: 101, why: "blue-harbor's 100 repositories in one page, then one pull-request page each" },
  { client: 'Power Apps', name: 'Branches $top=50 (key order)', url: 'Branches?$top=50&$select=Workspace,RepositorySlug,Name', minimum: 6, why: "workspaces, acme-dev's 2 repositories pages, 26 + 18 + 31 branches of the first 3" },
  { client: 'Power Apps', name: 'Tags $top=50 (key order)', url: 'Tags?$top=50&$select=Workspace,RepositorySlug,Name', minimum: 6, why: "workspaces, acme-dev's 2 repositories pages, 21 + 11 + 21 tags of the first 3" },
  { client: 'Power Apps', name: 'Pipelines $top=50 (key order)', url: 'Pipelines?$top=50&$select=Workspace,RepositorySlug,Uuid,Result', minimum: 11, why: "workspaces, acme-dev's 2 repositories pages, the first 8 repositories (cafe-menu has none) of 8 each" },
  { client: 'Power BI', name: "repositories with a 'main' branch", url: "Branches?$filter=Name eq 'main'&$select=Workspace,RepositorySlug", minimum: 229, why: 'listing 4, then q=name="main" per repository (225)' },
  { client: 'Power Apps', name: 'repositories with their 5 OPEN PRs', url: "Repositories?$filter=Workspace eq 'blue-harbor'&$top=10&$select=Slug&$expand=PullRequests($filter=State eq 'OPEN';$top=5;$select=Id,Title)", minimum: 11, why: 'the first 10 repositories, then state=OPEN&pagelen=5 for each' },
  { client: 'curl', name: 'Commits $top=20 (newest per repo, key order)', url: 'Commits?$top=20&$select=Workspace,RepositorySlug,Hash,Date', minimum: 4, why: "workspaces, acme-dev's 2 repositories pages, auth-service's first page" },
  {
    client: 'Power BI',
    name: '100,000 commits in 100-row pages',
    url: 'Commits?$top=100000&$select=Hash,Date',
    walkPageSize: 100,
    minimum: 1114,
    why: 'listing 4, then each of the first 222 repositories read once: 1,110 pages of 100',
  },
  { client: 'curl', name: 'PullRequestComments $top=5', url: 'PullRequestComments?$top=5&$select=Workspace,RepositorySlug,PullRequestId,Id', minimum: 6, why: "workspaces, acme-dev's 2 repositories pages, auth-service's pull requests, comments of its PR 1 (4) and PR 2" },
  { client: 'curl', name: 'constant-false filter', url: "PullRequests?$filter=State eq 'OPEN' and State eq 'MERGED'&$count=true", minimum: 0, why: 'no row can pass: nothing to ask' },
];
