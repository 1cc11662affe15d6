import { formatMicros, Micros, MICROS_PER_DAY, MICROS_PER_SECOND, msToMicros, SEED_NOW_MS } from './clock';
import type { BranchStory, History } from './generate-history';
import { Prng } from './prng';
import type {
  BranchRecord, ParticipantRecord, PullRequestCommentRecord, PullRequestRecord, PullRequestState, UserRecord,
} from './records';
import { COMMENT_TEXTS, PR_DESCRIPTIONS, PR_TITLE_TEMPLATES, TOPICS } from './vocabulary';

export interface PullRequestSet {
  pullRequests: PullRequestRecord[];
  comments: PullRequestCommentRecord[];
  /** Source branches of open pull requests that history did not leave behind. */
  extraBranches: BranchRecord[];
}

/** Comment ids are unique across Bitbucket, not per repository: one counter for the whole seed. */
export interface CommentIdCounter { next: number }

interface Draft {
  state: PullRequestState;
  story: BranchStory;
  createdAt: Micros;
  closedAt: Micros | null;
}

const NOW = msToMicros(SEED_NOW_MS);

/**
 * About `target` pull requests for one repository. Merged ones come from branches history merged (their merge
 * commit is real); open ones from branches still open; declined and superseded ones from branches since deleted.
 * With `withTies`, three pull requests share one `created_on` to the microsecond, so sort stability is testable.
 */
export function generatePullRequests(
  rng: Prng, history: History, mainBranch: string, members: UserRecord[], target: number, withTies: boolean, commentIds: CommentIdCounter,
): PullRequestSet {
  const drafts: Draft[] = [];
  const merged = history.stories.filter((s) => s.merge);
  const stillOpen = history.stories.filter((s) => !s.merge);
  for (const story of rng.sample(merged, Math.ceil(target * 0.5))) {
    drafts.push({ state: 'MERGED', story, createdAt: story.openedAt + Math.floor((story.merge!.at - story.openedAt) * rng.next() * 0.3), closedAt: story.merge!.at });
  }
  for (const story of stillOpen) drafts.push({ state: 'OPEN', story, createdAt: Math.min(NOW - MICROS_PER_DAY, story.lastCommitAt + rng.int(60, 3600) * MICROS_PER_SECOND), closedAt: null });
  const extraBranches: BranchRecord[] = [];
  const mainHashes = history.commits.filter((c) => c.parents.length !== 1 || rng.chance(0.5));
  while (drafts.length < target && history.commits.length > 1) {
    // A branch that was pushed, reviewed and then given up (or replaced) and deleted.
    const tip = rng.pick(history.commits);
    const base = rng.pick(mainHashes);
    const at = Date.parse(tip.date) * 1000;
    const state: PullRequestState = rng.pick(['DECLINED', 'DECLINED', 'DECLINED', 'SUPERSEDED', 'OPEN']);
    const name = `${state === 'OPEN' ? 'feature' : 'spike'}/${TOPICS.indexOf(rng.pick(TOPICS))}-${rng.hex(6)}`;
    const story: BranchStory = { name, baseHash: base.hash, tipHash: tip.hash, openedAt: at, lastCommitAt: at, merge: null };
    if (state === 'OPEN') extraBranches.push({ name, targetHash: tip.hash });
    const closedAt = state === 'OPEN' ? null : Math.min(NOW - MICROS_PER_SECOND, at + rng.int(2, 40) * MICROS_PER_DAY);
    drafts.push({ state, story, createdAt: Math.min(NOW - MICROS_PER_DAY, at + rng.int(60, 3600) * MICROS_PER_SECOND), closedAt });
  }

  drafts.sort((a, b) => a.createdAt - b.createdAt);
  if (withTies && drafts.length >= 5) {
    for (const i of [3, 4]) {
      drafts[i].createdAt = drafts[2].createdAt;
      if (drafts[i].closedAt !== null && drafts[i].closedAt! < drafts[i].createdAt) drafts[i].closedAt = drafts[i].createdAt + MICROS_PER_SECOND;
    }
  }

  const pullRequests: PullRequestRecord[] = [];
  const comments: PullRequestCommentRecord[] = [];
  drafts.forEach((draft, index) => {
    const id = index + 1;
    const author = rng.pick(members);
    const others = members.filter((m) => m.uuid !== author.uuid);
    const reviewers = rng.sample(others, rng.int(0, 3));
    const lastAt = draft.closedAt ?? Math.min(NOW - MICROS_PER_SECOND, draft.createdAt + rng.int(1, 30) * MICROS_PER_DAY);
    const at = (fraction: number): Micros => Math.floor(draft.createdAt + (lastAt - draft.createdAt) * fraction);

    const participants: ParticipantRecord[] = reviewers.map((reviewer) => {
      const acted = draft.state === 'MERGED' ? rng.chance(0.85) : rng.chance(0.4);
      const state = !acted ? null : draft.state === 'DECLINED' && rng.chance(0.5) ? 'changes_requested' : 'approved';
      return { userUuid: reviewer.uuid, role: 'REVIEWER', approved: state === 'approved', state, participatedOn: acted ? formatMicros(at(0.3 + rng.next() * 0.6)) : null };
    });

    const prComments: PullRequestCommentRecord[] = [];
    const commentCount = rng.int(0, 6);
    for (let c = 0; c < commentCount; c++) {
      const user = rng.chance(0.6) && reviewers.length > 0 ? rng.pick(reviewers) : rng.pick([author, ...others]);
      const created = at((c + 1) / (commentCount + 2));
      const deleted = rng.chance(0.03);
      const parent = prComments.length > 0 && rng.chance(0.3) ? rng.pick(prComments) : null;
      prComments.push({
        id: commentIds.next++, pullRequestId: id, userUuid: user.uuid, raw: deleted ? '' : rng.pick(COMMENT_TEXTS),
        createdOn: formatMicros(created), updatedOn: formatMicros(rng.chance(0.2) ? created + rng.int(5, 600) * MICROS_PER_SECOND : created),
        parentId: parent ? parent.id : null,
        inline: parent === null && rng.chance(0.3) ? { path: rng.pick(['src/index.ts', 'README.md', 'lib/ünïcode.py', 'docs/日本語.md']), to: rng.int(1, 400) } : null,
        deleted, pending: false,
      });
      if (!participants.some((p) => p.userUuid === user.uuid) && user.uuid !== author.uuid) {
        participants.push({ userUuid: user.uuid, role: 'PARTICIPANT', approved: false, state: null, participatedOn: formatMicros(created) });
      }
    }
    comments.push(...prComments);

    const closedBy = draft.state === 'OPEN' ? null : draft.state === 'SUPERSEDED' ? author : rng.pick([author, ...reviewers]);
    const template = rng.pick(PR_TITLE_TEMPLATES);
    pullRequests.push({
      id,
      title: template.replace('%s', rng.pick(TOPICS)),
      description: rng.pick(PR_DESCRIPTIONS),
      state: draft.state,
      authorUuid: author.uuid,
      sourceBranch: draft.story.name,
      sourceHash: draft.story.tipHash,
      destinationBranch: mainBranch,
      destinationHash: draft.story.baseHash,
      mergeCommitHash: draft.state === 'MERGED' ? draft.story.merge!.hash : null,
      closeSourceBranch: rng.chance(0.7),
      closedByUuid: closedBy ? closedBy.uuid : null,
      reason: draft.state === 'DECLINED' && rng.chance(0.5) ? rng.pick(['Not needed any more', "Won't fix: see \"design doc\"", 'Superseded by a smaller change']) : '',
      draft: draft.state === 'OPEN' && rng.chance(0.1),
      taskCount: draft.state === 'OPEN' ? rng.int(0, 2) : 0,
      createdOn: formatMicros(draft.createdAt),
      updatedOn: formatMicros(Math.max(lastAt, draft.createdAt)),
      reviewerUuids: reviewers.map((r) => r.uuid),
      participants,
    });
  });
  return { pullRequests, comments, extraBranches };
}
