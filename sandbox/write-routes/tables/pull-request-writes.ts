import type { ParticipantRecord, PullRequestRecord } from '../../seed/records';
import { presentPullRequest } from '../../routes/present/present-pull-request';
import { fullName } from '../../routes/present/present-repository';
import { openPullRequest, touchPullRequest } from '../pull-request-helpers';
import type { RepositoryWriteContext, WriteRoute } from '../write-route';

/**
 * `reviewers: [{uuid}]`: each a known account that belongs to the workspace, never the author. Bitbucket's wordings:
 * "Malformed reviewers list" (MistyKuu/bitbucket-for-visual-studio issue #110) and "... is the author and cannot be
 * included as a reviewer.".
 */
function readReviewers(ctx: RepositoryWriteContext, authorUuid: string): string[] | undefined {
  const list = ctx.body.array('reviewers');
  if (list === undefined) return undefined;
  const uuids: string[] = [];
  for (const entry of list) {
    const uuid = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>).uuid : undefined;
    if (typeof uuid !== 'string') return ctx.body.fail('reviewers', 'Malformed reviewers list');
    const user = ctx.store.findUser(uuid);
    if (!user || !ctx.store.findMembership(ctx.workspace.uuid, user.uuid)) {
      ctx.body.fail('reviewers', `${uuid} is not an account that can review in workspace ${ctx.workspace.slug}.`);
      continue;
    }
    if (user.uuid === authorUuid) ctx.body.fail('reviewers', `${user.displayName} is the author and cannot be included as a reviewer.`);
    else if (!uuids.includes(user.uuid)) uuids.push(user.uuid);
  }
  return uuids;
}

/** A branch named in `source`/`destination`; Bitbucket's wording "source: branch not found: X" (CodeStream issue #391). */
function readBranch(ctx: RepositoryWriteContext, field: 'source' | 'destination', required: boolean): { name: string; hash: string } | undefined {
  const name = ctx.body.string(`${field}.branch.name`, { required, nonEmpty: true });
  if (name === undefined) return undefined;
  const branch = ctx.repository.branches.find((b) => b.name === name);
  if (!branch) return ctx.body.fail(field, `branch not found: ${name}`);
  return { name, hash: branch.targetHash };
}

function readMainBranch(ctx: RepositoryWriteContext): { name: string; hash: string } | undefined {
  const name = ctx.repository.repository.mainBranch;
  const branch = ctx.repository.branches.find((b) => b.name === name);
  if (!branch) return ctx.body.fail('destination', `branch not found: ${name}`);
  return { name, hash: branch.targetHash };
}

/** `description`, or `summary.raw` as the response shows it; `null` clears it. */
function readDescription(ctx: RepositoryWriteContext): string | undefined {
  const description = ctx.body.string('description', { nullable: true });
  const summary = ctx.body.string('summary.raw', { nullable: true });
  if (ctx.body.has('description')) return description ?? '';
  if (ctx.body.has('summary.raw')) return summary ?? '';
  return undefined;
}

/** Reviewers replace the list: new ones join as REVIEWER, dropped ones stay as PARTICIPANT only if they have acted. */
function setReviewers(pr: PullRequestRecord, reviewerUuids: string[]): void {
  pr.reviewerUuids = reviewerUuids;
  const kept: ParticipantRecord[] = [];
  for (const p of pr.participants) {
    if (reviewerUuids.includes(p.userUuid)) kept.push({ ...p, role: 'REVIEWER' });
    else if (p.state !== null || p.participatedOn !== null) kept.push({ ...p, role: 'PARTICIPANT' });
  }
  for (const uuid of reviewerUuids) {
    if (!kept.some((p) => p.userUuid === uuid)) kept.push({ userUuid: uuid, role: 'REVIEWER', approved: false, state: null, participatedOn: null });
  }
  pr.participants = kept;
}

const prPath = (ctx: RepositoryWriteContext, id: number) => `/repositories/${fullName(ctx.present, ctx.repository)}/pullrequests/${id}`;

export const pullRequestWrites: WriteRoute[] = [
  {
    // "The minimum required fields to create a pull request are title and source ... If the pull request's destination
    // is not specified, it will default to the repository.mainbranch." (official description)
    method: 'POST', path: '/repositories/:workspace/:repo/pullrequests', target: 'repository', access: 'write',
    handle: (ctx) => {
      const data = ctx.repository;
      const title = ctx.body.string('title', { required: true, maxLength: 255 });
      const source = readBranch(ctx, 'source', true);
      // Without `destination`, the main branch (which an empty repository does not have yet).
      const destination = ctx.body.has('destination') ? readBranch(ctx, 'destination', false) : readMainBranch(ctx);
      const description = readDescription(ctx) ?? '';
      const reviewers = readReviewers(ctx, ctx.actor.user.uuid) ?? [];
      const closeSourceBranch = ctx.body.boolean('close_source_branch') ?? false;
      const draft = ctx.body.boolean('draft') ?? false;
      // Bitbucket also refuses a source with nothing to pull; the sandbox cannot push commits, so it allows that.
      if (source && destination && source.name === destination.name) ctx.body.fail('source', 'The source and destination branches must differ.');
      ctx.body.finish();
      const pr: PullRequestRecord = {
        id: data.pullRequests.reduce((max, p) => Math.max(max, p.id), 0) + 1,
        title: title!, description, state: 'OPEN', authorUuid: ctx.actor.user.uuid,
        sourceBranch: source!.name, sourceHash: source!.hash, destinationBranch: destination!.name, destinationHash: destination!.hash,
        mergeCommitHash: null, closeSourceBranch, closedByUuid: null, reason: '', draft, taskCount: 0,
        createdOn: ctx.now, updatedOn: ctx.now, reviewerUuids: [], participants: [],
      };
      setReviewers(pr, reviewers);
      data.pullRequests.push(pr);
      const body = presentPullRequest(ctx.present, data, pr);
      return { status: 201, body, location: prPath(ctx, pr.id), events: [{ key: 'pullrequest:created', entities: { pullrequest: body } }] };
    },
  },
  {
    // "Only open pull requests can be mutated"; a partial body: what it names changes.
    method: 'PUT', path: '/repositories/:workspace/:repo/pullrequests/:id', target: 'repository', access: 'write',
    handle: (ctx) => {
      const data = ctx.repository;
      const pr = openPullRequest(ctx, 'update');
      const title = ctx.body.string('title', { nonEmpty: true, maxLength: 255 });
      const description = readDescription(ctx);
      const source = readBranch(ctx, 'source', false);
      const destination = readBranch(ctx, 'destination', false);
      const reviewers = readReviewers(ctx, pr.authorUuid);
      const closeSourceBranch = ctx.body.boolean('close_source_branch');
      const draft = ctx.body.boolean('draft');
      if ((source ?? destination) && (source?.name ?? pr.sourceBranch) === (destination?.name ?? pr.destinationBranch)) {
        ctx.body.fail(destination ? 'destination' : 'source', 'The source and destination branches must differ.');
      }
      ctx.body.finish();
      if (title !== undefined) pr.title = title;
      if (description !== undefined) pr.description = description;
      if (source) Object.assign(pr, { sourceBranch: source.name, sourceHash: source.hash });
      if (destination) Object.assign(pr, { destinationBranch: destination.name, destinationHash: destination.hash });
      if (reviewers) setReviewers(pr, reviewers);
      if (closeSourceBranch !== undefined) pr.closeSourceBranch = closeSourceBranch;
      if (draft !== undefined) pr.draft = draft;
      touchPullRequest(ctx, pr);
      const body = presentPullRequest(ctx.present, data, pr);
      return { status: 200, body, events: [{ key: 'pullrequest:updated', entities: { pullrequest: body } }] };
    },
  },
];
