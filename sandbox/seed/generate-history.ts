import { formatSeconds, Micros, MICROS_PER_DAY, MICROS_PER_SECOND, msToMicros, SEED_NOW_MS } from './clock';
import { Prng } from './prng';
import type { BranchRecord, CommitRecord, GitIdentity, RepositoryRecord, TagRecord, UserRecord } from './records';
import { slugify } from './slugify';
import { BRANCH_PREFIXES, COMMIT_MESSAGE_TEMPLATES, TOPICS } from './vocabulary';

/** The life of one feature branch, which the pull request generator turns into a pull request. */
export interface BranchStory {
  name: string;
  /** The main-line commit the branch started from (the PR's destination commit). */
  baseHash: string;
  tipHash: string;
  openedAt: Micros;
  lastCommitAt: Micros;
  merge: { hash: string; at: Micros } | null;
}

export interface History {
  commits: CommitRecord[];
  branches: BranchRecord[];
  tags: TagRecord[];
  stories: BranchStory[];
  lastActivity: Micros;
}

interface OpenBranch extends BranchStory {
  commitCount: number;
}

/** Most history ends before "now", so "recent" filters select a subset. */
function historyEnd(start: Micros, rng: Prng): Micros {
  const now = msToMicros(SEED_NOW_MS);
  return rng.chance(0.6) ? now - rng.int(0, 20) * MICROS_PER_DAY : start + (now - start) * (0.4 + rng.next() * 0.5);
}

export function gitIdentity(user: UserRecord | null, rng: Prng): GitIdentity {
  if (!user) return { raw: rng.pick(['build-bot <ci@example.com>', 'Jane Doe <jane@old-laptop.local>', 'root <root@localhost>']), userUuid: null };
  return { raw: `${user.displayName} <${user.nickname}@example.com>`, userUuid: user.uuid };
}

/**
 * A plausible git history for one repository: a main line, feature branches that fork from it and are merged back
 * with two-parent merge commits, branches still open at the end, and release tags on the main line.
 * Commits come back newest first; dates strictly decrease along that list, so parents always come later in it.
 */
export function generateHistory(rng: Prng, repository: RepositoryRecord, commitCount: number, authors: UserRecord[], decorate: boolean): History {
  const start = Date.parse(repository.createdOn) * 1000;
  const end = historyEnd(start, rng);
  const step = Math.max(MICROS_PER_SECOND * 60, Math.floor((end - start) / Math.max(1, commitCount)));
  const chronological: CommitRecord[] = [];
  const stories: BranchStory[] = [];
  const open: OpenBranch[] = [];
  const mainCommits: CommitRecord[] = [];
  const usedNames = new Set<string>();
  let mainTip = '';
  let time = start;

  const newCommit = (parents: string[], message: string): CommitRecord => {
    time += Math.floor(step * (0.25 + rng.next() * 1.3)) + MICROS_PER_SECOND;
    const author = rng.chance(0.92) ? rng.pick(authors) : null;
    const commit: CommitRecord = { hash: rng.hex(40), author: gitIdentity(author, rng), message: message.replace('%s', rng.pick(TOPICS)), date: formatSeconds(time), parents };
    chronological.push(commit);
    return commit;
  };
  const branchName = (): string => {
    for (;;) {
      const name = `${rng.pick(BRANCH_PREFIXES)}/${slugify(rng.pick(TOPICS))}-${rng.int(1, 999)}`;
      if (!usedNames.has(name)) { usedNames.add(name); return name; }
    }
  };

  for (let i = 0; i < commitCount; i++) {
    if (i === 0) {
      mainTip = newCommit([], 'Initial commit').hash;
      mainCommits.push(chronological[0]);
      continue;
    }
    const roll = rng.next();
    if (open.length < 3 && roll < 0.15) {
      const commit = newCommit([mainTip], rng.pick(COMMIT_MESSAGE_TEMPLATES));
      open.push({ name: branchName(), baseHash: mainTip, tipHash: commit.hash, openedAt: time, lastCommitAt: time, merge: null, commitCount: 1 });
    } else if (open.length > 0 && roll < 0.55) {
      const branch = rng.pick(open);
      if (branch.commitCount >= 2 && rng.chance(0.35)) {
        const merge = newCommit([mainTip, branch.tipHash], `Merged in ${branch.name}`);
        mainTip = merge.hash;
        mainCommits.push(merge);
        branch.merge = { hash: merge.hash, at: time };
        open.splice(open.indexOf(branch), 1);
        stories.push(branch);
      } else {
        const commit = newCommit([branch.tipHash], rng.pick(COMMIT_MESSAGE_TEMPLATES));
        branch.tipHash = commit.hash;
        branch.lastCommitAt = time;
        branch.commitCount++;
      }
    } else {
      const commit = newCommit([mainTip], rng.pick(COMMIT_MESSAGE_TEMPLATES));
      mainTip = commit.hash;
      mainCommits.push(commit);
    }
  }
  stories.push(...open);

  const branches: BranchRecord[] = [{ name: repository.mainBranch, targetHash: mainTip }];
  for (const story of stories) {
    // Open branches stay; a third of merged branches were not deleted after merging.
    if (!story.merge || rng.chance(0.33)) branches.push({ name: story.name, targetHash: story.tipHash });
  }
  if (decorate) {
    // Names that differ only in case, and non-ASCII names: Bitbucket keeps both and sorts them "naturally".
    const anyCommit = () => rng.pick(chronological).hash;
    branches.push({ name: 'feature/Login-Page', targetHash: anyCommit() }, { name: 'feature/login-page', targetHash: anyCommit() }, { name: 'feature/übersetzung-ß', targetHash: anyCommit() });
  }

  const tags: TagRecord[] = [];
  let minor = 0;
  for (let i = 10; i < mainCommits.length; i += 12 + rng.int(0, 20)) {
    const commit = mainCommits[i];
    const annotated = rng.chance(0.5);
    const tagger = annotated ? gitIdentity(rng.pick(authors), rng) : null;
    tags.push({
      name: `v${1 + Math.floor(minor / 10)}.${minor % 10}.${rng.int(0, 3)}`,
      targetHash: commit.hash,
      message: annotated ? `Release ${minor}\n` : null,
      date: annotated ? commit.date : null,
      tagger,
    });
    minor++;
  }

  return { commits: chronological.reverse(), branches, tags, stories, lastActivity: time };
}
