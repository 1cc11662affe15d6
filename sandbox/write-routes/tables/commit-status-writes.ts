import { randomUUID } from 'node:crypto';
import type { CommitRecord, CommitStatusRecord, CommitStatusState } from '../../seed/records';
import { notFound } from '../../routes/not-found';
import { presentCommitStatus } from '../../routes/present/present-ci';
import { fullName } from '../../routes/present/present-repository';
import { findCommitByHash } from '../../routes/repository-lookups';
import type { RepositoryWriteContext, WriteEvent, WriteResult, WriteRoute } from '../write-route';
import { writeErrors } from '../write-errors';

const STATUSES = '/repositories/:workspace/:repo/commit/:commit/statuses/build';
const STATES: readonly CommitStatusState[] = ['FAILED', 'INPROGRESS', 'STOPPED', 'SUCCESSFUL'];

function commitOf(ctx: RepositoryWriteContext): CommitRecord {
  const commit = findCommitByHash(ctx.repository, ctx.params.commit);
  if (!commit) throw notFound.commit(ctx.params.commit);
  return commit;
}

/** The status of `commit` under `key` (keys are unique per commit: "unique to its type ... and the vendor"). */
export const findStatus = (ctx: RepositoryWriteContext, commit: CommitRecord, key: string): CommitStatusRecord | undefined =>
  ctx.repository.commitStatuses.find((s) => s.commitHash === commit.hash && s.key === key);

/** The fields a status takes besides its key; each undefined when the body does not name it. */
function readFields(ctx: RepositoryWriteContext, creating: boolean) {
  return {
    state: ctx.body.oneOf('state', STATES) ?? (creating ? ctx.body.fail('state', 'This field is required.') : undefined),
    name: ctx.body.string('name', { nullable: true }),
    description: ctx.body.string('description', { nullable: true }),
    url: ctx.body.string('url', { required: creating }),
    refname: ctx.body.string('refname', { nullable: true }),
  };
}

function apply(ctx: RepositoryWriteContext, status: CommitStatusRecord, fields: ReturnType<typeof readFields>): void {
  if (fields.state !== undefined) status.state = fields.state;
  if (ctx.body.has('name')) status.name = fields.name ?? '';
  if (ctx.body.has('description')) status.description = fields.description ?? '';
  if (fields.url !== undefined) status.url = fields.url;
  if (ctx.body.has('refname')) status.refname = fields.refname ?? null;
  status.updatedOn = ctx.now;
}

/** `repo:commit_status_created/updated` ("Event payloads"): `commit_status` beside actor and repository. */
const statusEvent = (key: string, commitStatus: Record<string, unknown>): WriteEvent => ({ key, entities: { commit_status: commitStatus } });

function answer(ctx: RepositoryWriteContext, status: 200 | 201, record: CommitStatusRecord, event: string): WriteResult {
  const body = presentCommitStatus(ctx.present, ctx.repository, record);
  const location = `/repositories/${fullName(ctx.present, ctx.repository)}/commit/${record.commitHash}/statuses/build/${record.key}`;
  return { status, body, ...(status === 201 ? { location } : {}), events: [statusEvent(event, body)] };
}

/**
 * Build statuses. The official description asks only the `repository` scope (read) for both, so read access is
 * enough, as for commenting. POST creates, and on an existing key "the existing status object will be overwritten"
 * (then the event is `repo:commit_status_updated`); PUT changes what the body names of an existing one (404
 * otherwise), never its key.
 */
export const commitStatusWrites: WriteRoute[] = [
  {
    method: 'POST', path: STATUSES, target: 'repository', access: 'read',
    handle: (ctx) => {
      const commit = commitOf(ctx);
      const key = ctx.body.string('key', { required: true });
      const fields = readFields(ctx, true);
      ctx.body.finish();
      const existing = findStatus(ctx, commit, key!);
      if (existing) {
        Object.assign(existing, { name: '', description: '', refname: null });
        apply(ctx, existing, fields);
        return answer(ctx, 201, existing, 'repo:commit_status_updated');
      }
      const status: CommitStatusRecord = {
        uuid: `{${randomUUID()}}`, commitHash: commit.hash, key: key!, refname: null, url: '', state: fields.state!, name: '', description: '',
        createdOn: ctx.now, updatedOn: ctx.now,
      };
      apply(ctx, status, fields);
      ctx.repository.commitStatuses.push(status);
      return answer(ctx, 201, status, 'repo:commit_status_created');
    },
  },
  {
    method: 'PUT', path: `${STATUSES}/:key`, target: 'repository', access: 'read',
    handle: (ctx) => {
      const commit = commitOf(ctx);
      const status = findStatus(ctx, commit, ctx.params.key);
      if (!status) throw writeErrors.commitStatus(ctx.params.key);
      const key = ctx.body.string('key');
      if (key !== undefined && key !== status.key) ctx.body.fail('key', `The key cannot be changed (it is "${status.key}").`);
      const fields = readFields(ctx, false);
      ctx.body.finish();
      apply(ctx, status, fields);
      return answer(ctx, 200, status, 'repo:commit_status_updated');
    },
  },
];
