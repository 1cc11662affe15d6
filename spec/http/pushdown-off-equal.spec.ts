/**
 * `PUSHDOWN=off` is the baseline `npm run bench` compares calls against, so it must give the same answers as
 * pushdown on: it only stops narrowing and ordering what Bitbucket sends (`q`, `sort`, page sizes, early stops). It
 * still names the `fields=` an answer needs, since Bitbucket's pull-request list leaves out participants (so
 * `Reviewers`, `ApprovalCount` and every PullRequestParticipants row) unless `fields=` asks for them.
 *
 * A compact set of 40 hand-picked queries over every entity set, on what pushdown changes; `bench/pushdown-off-diff.ts`
 * compares the differential suite's generated queries (26 per set) the same way.
 */
import { startStack, type Stack } from '../helpers/stack';
import { readAll } from './support/differential-suite';

const ONE_REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
const ONE_PR = `${ONE_REPO} and PullRequestId eq 1`;
/** Query strings by entity set, over what pushdown changes; the participants and counts derived from them first. */
const QUERIES = [
  `PullRequests?$filter=${ONE_REPO}&$select=Id,Reviewers,ApprovalCount,ParticipantCount,ChangesRequestedCount`,
  `PullRequests?$filter=Workspace eq 'blue-harbor' and ApprovalCount gt 0&$select=RepositorySlug,Id,ApprovalCount&$count=true`,
  `PullRequests?$filter=${ONE_REPO} and Id eq 1&$select=Id,Reviewers,ApprovalCount`,
  `PullRequests?$filter=Workspace eq 'blue-harbor' and ReviewerCount ge 2&$orderby=ReviewerCount desc&$top=5&$select=RepositorySlug,Id,ReviewerCount`,
  `PullRequests?$filter=Workspace eq 'blue-harbor' and State eq 'OPEN'&$orderby=CreatedOn desc&$top=7&$count=true`,
  `PullRequests?$filter=${ONE_REPO} and contains(Title,'Fix')&$orderby=Id desc`,
  `PullRequests?$filter=${ONE_REPO} and UpdatedOn ge 2025-01-01T00:00:00Z&$select=Id,UpdatedOn`,
  `PullRequests?$filter=${ONE_REPO}&$expand=Repository($select=Name)&$top=5&$select=Id`,
  `PullRequests?$filter=${ONE_REPO} and State eq 'MERGED'&$count=true&$top=0`,
  `PullRequestParticipants?$filter=Workspace eq 'blue-harbor' and Approved eq true&$count=true`,
  `PullRequestParticipants?$filter=${ONE_REPO}&$top=20`,
  `PullRequestParticipants?$filter=${ONE_REPO} and Role eq 'REVIEWER'&$orderby=UserDisplayName&$select=PullRequestId,UserDisplayName,State`,
  `PullRequestComments?$filter=${ONE_PR}&$top=3`,
  `PullRequestActivity?$filter=${ONE_PR}`,
  `PullRequestCommits?$filter=${ONE_PR}&$select=Hash`,
  `PullRequestDiffstat?$filter=${ONE_PR}&$count=true`,
  `Commits?$filter=${ONE_REPO}&$top=30&$select=Hash,Date,Message`,
  `Commits?$filter=${ONE_REPO} and Date ge 2025-06-01T00:00:00Z&$orderby=Date&$select=Hash,Date`,
  `Commits?$filter=${ONE_REPO}&$orderby=Hash&$top=5&$select=Hash`,
  `Branches?$filter=Workspace eq 'blue-harbor'&$top=25&$skip=3&$select=RepositorySlug,Name`,
  `Branches?$filter=${ONE_REPO} and startswith(Name,'feature/')&$count=true`,
  `Tags?$filter=Workspace eq 'blue-harbor'&$orderby=Name desc&$top=10`,
  `Tags?$filter=${ONE_REPO}&$orderby=Date desc&$top=3`,
  `Pipelines?$filter=${ONE_REPO} and Result eq 'FAILED'&$count=true`,
  `Pipelines?$filter=${ONE_REPO}&$orderby=CreatedOn desc&$top=4`,
  `PipelineSteps?$filter=${ONE_REPO}&$top=10`,
  `Repositories?$filter=IsPrivate eq false&$select=Workspace,Slug`,
  `Repositories?$orderby=UpdatedOn desc&$top=3&$select=Slug,UpdatedOn`,
  `Repositories?$expand=PullRequests($filter=State eq 'MERGED';$top=2;$select=Id,ApprovalCount)&$top=3&$select=Slug`,
  `Repositories?$filter=startswith(Name,'p')&$count=true&$top=2`,
  `Projects?$orderby=Name`,
  `Workspaces`,
  `WorkspaceMembers?$filter=Workspace eq 'acme-dev'&$top=5`,
  `Environments?$filter=${ONE_REPO}`,
  `Deployments?$filter=${ONE_REPO}&$top=5`,
  `CommitStatuses?$filter=${ONE_REPO} and CommitHash eq '03ae300499e5831997ec82e83b5817741a6c2799'`,
  `BranchRestrictions?$filter=${ONE_REPO}`,
  `DefaultReviewers?$filter=${ONE_REPO}`,
  `Webhooks?$filter=${ONE_REPO}`,
  `PullRequests?$filter=1 eq 2&$count=true`,
];

describe('PUSHDOWN=off answers what PUSHDOWN=on answers', () => {
  let on: Stack;
  let off: Stack;
  beforeAll(async () => {
    [on, off] = await Promise.all([startStack(), startStack({ env: { PUSHDOWN: 'off' } })]);
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  test.each(QUERIES)('%s', async (url) => {
    const [withPushdown, without] = await Promise.all([readAll(on, `/odata/${url}`), readAll(off, `/odata/${url}`)]);
    expect({ rows: without.rows, count: without.count }).toEqual({ rows: withPushdown.rows, count: withPushdown.count });
  });
});
