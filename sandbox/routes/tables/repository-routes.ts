import type { BranchRecord, CommitRecord, CommitStatusRecord, RepositoryData, TagRecord } from '../../seed/records';
import { notFound } from '../not-found';
import { presentCommitStatus } from '../present/present-ci';
import { presentCommit } from '../present/present-commit';
import { presentBranch, presentTag } from '../present/present-ref';
import { presentRepository } from '../present/present-repository';
import { findCommitByHash, repositoryOf, selectCommits } from '../repository-lookups';
import type { RepositoryRouteContext, RouteContext } from '../route-context';
import { collection, item, MAX_PAGELEN, type AnyRoute } from '../route-declaration';
import { canSeeRepository } from '../visibility';

/**
 * `role` on `/repositories/{workspace}`: member = any explicit access, contributor = write or admin,
 * admin = admin, owner = the workspace's owners (the sandbox's workspaces are teams, owned by their owners).
 * Anonymous callers have no role, so a `role` filter leaves them nothing.
 */
function hasRole(ctx: RouteContext, workspaceUuid: string, role: string): boolean {
  const membership = ctx.store.findMembership(workspaceUuid, ctx.principal.userUuid);
  if (!membership) return false;
  switch (role) {
    case 'member': return true;
    case 'contributor': return membership.repositoryAccess !== 'read';
    case 'admin': return membership.repositoryAccess === 'admin';
    case 'owner': return membership.permission === 'owner';
    default: return false;
  }
}

function findCommit(ctx: RepositoryRouteContext): CommitRecord {
  const commit = findCommitByHash(repositoryOf(ctx), ctx.params.commit);
  if (!commit) throw notFound.commit(ctx.params.commit);
  return commit;
}

/** Branches and tags together, as `GET .../refs` lists them. */
type AnyRef = { kind: 'branch'; ref: BranchRecord } | { kind: 'tag'; ref: TagRecord };

const refQuery = { q: { fields: true as const }, sort: { fields: true as const, natural: ['name'] } };
/** Refs moved to page codes in 2018 and may omit `size` (evidence row 2). */
const refDeviations = { sizeUnverified: true as const };

const commitsRoute = (path: string) => collection<CommitRecord>({
  path,
  target: 'repository',
  paging: 'cursor',
  maxPagelen: MAX_PAGELEN,
  // Commits take include/exclude (repeatable) instead of BBQL; q and sort are ignored (atlassian-python-api #1249).
  q: false,
  sort: false,
  list: (ctx) => {
    const includes = [...(ctx.params.revision ? [ctx.params.revision] : []), ...ctx.query.getAll('include')];
    return selectCommits(repositoryOf(ctx), includes, ctx.query.getAll('exclude'));
  },
  present: (ctx, c) => presentCommit(ctx.present, repositoryOf(ctx), c),
});

export const repositoryRoutes: AnyRoute[] = [
  collection<RepositoryData>({
    path: '/repositories/:workspace',
    target: 'workspace',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: { fields: true, unverified: ['full_name', 'created_on'] },
    sort: { fields: true },
    list: (ctx) => {
      const { workspace } = ctx;
      const role = ctx.query.get('role');
      return ctx.store.repositoriesOf(workspace.uuid).filter((data) => canSeeRepository(ctx.store, ctx.principal, workspace, data)
        && (role === null || hasRole(ctx, workspace.uuid, role)));
    },
    present: (ctx, data, only) => presentRepository(ctx.present, data, only),
  }),
  item({ path: '/repositories/:workspace/:repo', target: 'repository', find: repositoryOf, present: (ctx, data: RepositoryData) => presentRepository(ctx.present, data) }),
  collection<AnyRef>({
    path: '/repositories/:workspace/:repo/refs',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    ...refQuery,
    deviations: refDeviations,
    list: (ctx) => [
      ...repositoryOf(ctx).branches.map((ref): AnyRef => ({ kind: 'branch', ref })),
      ...repositoryOf(ctx).tags.map((ref): AnyRef => ({ kind: 'tag', ref })),
    ],
    present: (ctx, r) => (r.kind === 'branch' ? presentBranch(ctx.present, repositoryOf(ctx), r.ref) : presentTag(ctx.present, repositoryOf(ctx), r.ref)),
  }),
  collection<BranchRecord>({
    path: '/repositories/:workspace/:repo/refs/branches',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    ...refQuery,
    deviations: refDeviations,
    list: (ctx) => repositoryOf(ctx).branches,
    present: (ctx, b) => presentBranch(ctx.present, repositoryOf(ctx), b),
  }),
  item<BranchRecord>({
    path: '/repositories/:workspace/:repo/refs/branches/*name',
    target: 'repository',
    find: (ctx) => {
      const branch = repositoryOf(ctx).branches.find((b) => b.name === ctx.params.name);
      if (!branch) throw notFound.branch(ctx.params.name);
      return branch;
    },
    present: (ctx, b) => presentBranch(ctx.present, repositoryOf(ctx), b),
  }),
  collection<TagRecord>({
    path: '/repositories/:workspace/:repo/refs/tags',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    ...refQuery,
    q: { fields: true, unverified: ['target.hash'] },
    deviations: refDeviations,
    list: (ctx) => repositoryOf(ctx).tags,
    present: (ctx, t) => presentTag(ctx.present, repositoryOf(ctx), t),
  }),
  item<TagRecord>({
    path: '/repositories/:workspace/:repo/refs/tags/*name',
    target: 'repository',
    find: (ctx) => {
      const tag = repositoryOf(ctx).tags.find((t) => t.name === ctx.params.name);
      if (!tag) throw notFound.tag(ctx.params.name);
      return tag;
    },
    present: (ctx, t) => presentTag(ctx.present, repositoryOf(ctx), t),
  }),
  commitsRoute('/repositories/:workspace/:repo/commits'),
  commitsRoute('/repositories/:workspace/:repo/commits/*revision'),
  item<CommitRecord>({
    path: '/repositories/:workspace/:repo/commit/:commit',
    target: 'repository',
    find: findCommit,
    present: (ctx, c) => presentCommit(ctx.present, repositoryOf(ctx), c),
  }),
  collection<CommitStatusRecord>({
    path: '/repositories/:workspace/:repo/commit/:commit/statuses',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: { fields: true },
    sort: { fields: true },
    list: (ctx) => {
      const commit = findCommit(ctx);
      const refname = ctx.query.get('refname');
      return repositoryOf(ctx).commitStatuses.filter((s) => s.commitHash === commit.hash && (refname === null || s.refname === refname));
    },
    present: (ctx, s) => presentCommitStatus(ctx.present, repositoryOf(ctx), s),
  }),
];
