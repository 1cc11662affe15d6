import type { BranchRecord, CommitRecord, TagRecord } from '../../seed/records';
import { notFound } from '../../routes/not-found';
import { presentBranch, presentTag } from '../../routes/present/present-ref';
import { fullName } from '../../routes/present/present-repository';
import { resolveTarget, refNameProblem } from '../git-refs';
import { branchSnapshot, pushChange, pushEvent, tagSnapshot } from '../push-event';
import type { RepositoryWriteContext, WriteRoute } from '../write-route';
import { writeErrors } from '../write-errors';

/** `{name, target: {hash}}`, the body both ref creations take; the problems of both fields in one answer. */
function readRef(ctx: RepositoryWriteContext): { name: string; commit: CommitRecord } {
  const name = ctx.body.string('name', { required: true });
  const revision = ctx.body.string('target.hash', { required: true });
  if (name !== undefined) {
    const problem = refNameProblem(name);
    if (problem) ctx.body.fail('name', problem);
  }
  const commit = revision !== undefined && revision.trim() !== '' ? resolveTarget(ctx.repository, revision) : undefined;
  // Official description (tags): 400 "if the target hash is missing, ambiguous, or invalid"; branches answer alike.
  if (revision !== undefined && revision.trim() !== '' && !commit) ctx.body.fail('target.hash', `"${revision}" is not a commit, branch or tag of this repository, or it is an ambiguous prefix.`);
  ctx.body.finish();
  return { name: name!, commit: commit! };
}

const refPath = (ctx: RepositoryWriteContext, kind: 'branches' | 'tags', name: string) => `/repositories/${fullName(ctx.present, ctx.repository)}/refs/${kind}/${name}`;

/** A ref moving counts as a push: the repository's `updated_on` follows. */
const touchRepository = (ctx: RepositoryWriteContext) => {
  ctx.repository.repository.updatedOn = ctx.now;
};

function findBranch(ctx: RepositoryWriteContext): BranchRecord {
  const branch = ctx.repository.branches.find((b) => b.name === ctx.params.name);
  if (!branch) throw notFound.branch(ctx.params.name);
  return branch;
}

function findTag(ctx: RepositoryWriteContext): TagRecord {
  const tag = ctx.repository.tags.find((t) => t.name === ctx.params.name);
  if (!tag) throw notFound.tag(ctx.params.name);
  return tag;
}

/**
 * Branches and tags: create and delete with write access; Bitbucket has no rename or move. Each is a push of that ref
 * (`repo:push` with one change: created, or closed).
 */
export const refWrites: WriteRoute[] = [
  {
    method: 'POST', path: '/repositories/:workspace/:repo/refs/branches', target: 'repository', access: 'write',
    handle: (ctx) => {
      const { name, commit } = readRef(ctx);
      if (ctx.repository.branches.some((b) => b.name === name)) throw writeErrors.branchExists(name);
      const branch: BranchRecord = { name, targetHash: commit.hash };
      ctx.repository.branches.push(branch);
      touchRepository(ctx);
      const events = [pushEvent([pushChange(ctx, null, branchSnapshot(ctx, branch))])];
      return { status: 201, body: presentBranch(ctx.present, ctx.repository, branch), location: refPath(ctx, 'branches', name), events };
    },
  },
  {
    method: 'DELETE', path: '/repositories/:workspace/:repo/refs/branches/*name', target: 'repository', access: 'write',
    handle: (ctx) => {
      const branch = findBranch(ctx);
      if (branch.name === ctx.repository.repository.mainBranch) throw writeErrors.mainBranch(branch.name);
      const old = branchSnapshot(ctx, branch);
      ctx.repository.branches.splice(ctx.repository.branches.indexOf(branch), 1);
      touchRepository(ctx);
      return { status: 204, events: [pushEvent([pushChange(ctx, old, null)])] };
    },
  },
  {
    // "Creates a new annotated tag ... If [the message] is omitted or the provided message is empty, a default message
    // of "Added tag <tagname> for changeset <shorthash>" will be used." (official description)
    method: 'POST', path: '/repositories/:workspace/:repo/refs/tags', target: 'repository', access: 'write',
    handle: (ctx) => {
      const message = ctx.body.string('message', { nullable: true });
      const { name, commit } = readRef(ctx);
      if (ctx.repository.tags.some((t) => t.name === name)) throw writeErrors.tagExists(name);
      const tag: TagRecord = {
        name,
        targetHash: commit.hash,
        message: message !== undefined && message !== '' ? message : `Added tag ${name} for changeset ${commit.hash.slice(0, 12)}`,
        date: `${ctx.now.slice(0, 19)}+00:00`,
        tagger: ctx.actor.git,
      };
      ctx.repository.tags.push(tag);
      touchRepository(ctx);
      const events = [pushEvent([pushChange(ctx, null, tagSnapshot(ctx, tag))])];
      return { status: 201, body: presentTag(ctx.present, ctx.repository, tag), location: refPath(ctx, 'tags', name), events };
    },
  },
  {
    method: 'DELETE', path: '/repositories/:workspace/:repo/refs/tags/*name', target: 'repository', access: 'write',
    handle: (ctx) => {
      const tag = findTag(ctx);
      const old = tagSnapshot(ctx, tag);
      ctx.repository.tags.splice(ctx.repository.tags.indexOf(tag), 1);
      touchRepository(ctx);
      return { status: 204, events: [pushEvent([pushChange(ctx, old, null)])] };
    },
  },
];
