import type { PullRequestRecord, RepositoryData } from '../../seed/records';
import { presentUser } from './present-account';
import { presentComment } from './present-comment';
import type { PresentContext } from './present-context';
import { presentPullRequestRef } from './present-pull-request';

/**
 * The activity log of one pull request, newest first: its creation and state changes (`update`), approvals
 * (`approval`) and comments (`comment`), each with the pull request it belongs to. The official description has no
 * schema for these items; the shape follows Bitbucket's answers.
 */
export function presentActivity(ctx: PresentContext, data: RepositoryData, pr: PullRequestRecord): Array<{ at: string; item: Record<string, unknown> }> {
  const ref = presentPullRequestRef(ctx, data, pr);
  const author = presentUser(ctx, ctx.store.user(pr.authorUuid));
  const update = (state: string, date: string): { at: string; item: Record<string, unknown> } => ({
    at: date,
    item: {
      update: {
        state, date, title: pr.title, description: pr.description, reason: pr.reason, author,
        source: { branch: { name: pr.sourceBranch }, commit: { hash: pr.sourceHash.slice(0, 12) } },
        destination: { branch: { name: pr.destinationBranch }, commit: { hash: pr.destinationHash.slice(0, 12) } },
        reviewers: pr.reviewerUuids.map((uuid) => presentUser(ctx, ctx.store.user(uuid))),
        changes: {},
      },
      pull_request: ref,
    },
  });
  const entries: Array<{ at: string; item: Record<string, unknown> }> = [update('OPEN', pr.createdOn)];
  if (pr.state !== 'OPEN') entries.push(update(pr.state, pr.updatedOn));
  for (const p of pr.participants) {
    if (p.approved && p.participatedOn) {
      entries.push({ at: p.participatedOn, item: { approval: { date: p.participatedOn, user: presentUser(ctx, ctx.store.user(p.userUuid)), pullrequest: ref }, pull_request: ref } });
    }
    // A request for changes is logged like an approval, under its own key (the v2.0 feed "returns reviewer comments,
    // updates, approvals and request changes").
    if (p.state === 'changes_requested' && p.participatedOn) {
      entries.push({ at: p.participatedOn, item: { changes_requested: { date: p.participatedOn, user: presentUser(ctx, ctx.store.user(p.userUuid)), pullrequest: ref }, pull_request: ref } });
    }
  }
  for (const c of data.pullRequestComments) {
    if (c.pullRequestId === pr.id) entries.push({ at: c.createdOn, item: { comment: presentComment(ctx, data, c), pull_request: ref } });
  }
  return newestFirst(entries);
}

/**
 * The activity of every pull request of a repository (`GET .../pullrequests/activity`), in one log, newest first.
 */
export function presentRepositoryActivity(ctx: PresentContext, data: RepositoryData): Array<{ at: string; item: Record<string, unknown> }> {
  return newestFirst(data.pullRequests.flatMap((pr) => presentActivity(ctx, data, pr)).reverse());
}

function newestFirst(entries: Array<{ at: string; item: Record<string, unknown> }>): Array<{ at: string; item: Record<string, unknown> }> {
  // Newest first; equal times keep creation order reversed so the log reads like Bitbucket's.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => (a.e.at === b.e.at ? b.i - a.i : a.e.at < b.e.at ? 1 : -1)).map(({ e }) => e);
}
