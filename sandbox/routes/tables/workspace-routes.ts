import type { MembershipRecord, ProjectRecord, PullRequestRecord, RepositoryData } from '../../seed/records';
import { notFound } from '../not-found';
import { presentPullRequest } from '../present/present-pull-request';
import { presentMembership, presentProject, presentWorkspace } from '../present/present-workspace';
import { requestedStates } from '../repository-lookups';
import { PULL_REQUEST_UNVERIFIED_Q } from './pull-request-routes';
import type { WorkspaceRouteContext } from '../route-context';
import { collection, item, MAX_PAGELEN, MAX_PAGELEN_PULL_REQUESTS, type AnyRoute } from '../route-declaration';
import { canSeeRepository, canSeeWorkspaceInternals } from '../visibility';

/** A member's email, shown only with `fields=+values.user.email` (and filterable with `q=user.email IN (...)`). */
function presentMember(ctx: WorkspaceRouteContext, m: MembershipRecord): Record<string, unknown> {
  const body = presentMembership(ctx.present, ctx.workspace, m);
  const user = ctx.store.user(m.userUuid);
  return { ...body, user: { ...(body.user as object), email: `${user.nickname}@example.com` } };
}

/** Non-members see only public projects. */
function visibleProjects(ctx: WorkspaceRouteContext): ProjectRecord[] {
  const { workspace } = ctx;
  const all = ctx.store.projectsOf(workspace.uuid);
  return canSeeWorkspaceInternals(ctx.store, ctx.principal, workspace) ? all : all.filter((p) => !p.isPrivate);
}

interface AuthoredPullRequest { data: RepositoryData; pr: PullRequestRecord }

export const workspaceRoutes: AnyRoute[] = [
  item({ path: '/workspaces/:workspace', target: 'workspace', find: (ctx) => ctx.workspace, present: (ctx, w) => presentWorkspace(ctx.present, w) }),
  collection<MembershipRecord>({
    path: '/workspaces/:workspace/members',
    target: 'workspace-internals',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    // "q: only user.email IN (...)" (developer.atlassian.com/cloud/bitbucket/rest/api-group-workspaces/, "List users in a workspace"); no sort.
    q: { fields: ['user.email'] },
    sort: false,
    deviations: { sizeUnverified: true },
    hiddenByDefault: ['values.user.email'],
    list: (ctx) => ctx.store.membershipsOf(ctx.workspace.uuid),
    present: presentMember,
  }),
  item<MembershipRecord>({
    path: '/workspaces/:workspace/members/:member',
    target: 'workspace-internals',
    find: (ctx) => {
      const user = ctx.store.findUser(ctx.params.member);
      const membership = user && ctx.store.findMembership(ctx.workspace.uuid, user.uuid);
      if (!membership) throw notFound.member(ctx.params.member);
      return membership;
    },
    present: (ctx, m) => presentMembership(ctx.present, ctx.workspace, m),
  }),
  // No q/sort documented on projects (developer.atlassian.com/cloud/bitbucket/rest/api-group-projects/): ignored.
  collection<ProjectRecord>({
    path: '/workspaces/:workspace/projects',
    target: 'workspace',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: false,
    sort: false,
    list: visibleProjects,
    present: (ctx, p) => presentProject(ctx.present, p),
  }),
  item<ProjectRecord>({
    path: '/workspaces/:workspace/projects/:key',
    target: 'workspace',
    find: (ctx) => {
      const project = visibleProjects(ctx).find((p) => p.key === ctx.params.key);
      if (!project) throw notFound.project(ctx.params.key);
      return project;
    },
    present: (ctx, p) => presentProject(ctx.present, p),
  }),
  // Pull requests authored by one user across the workspace's repositories the caller can see; newest first.
  collection<AuthoredPullRequest>({
    path: '/workspaces/:workspace/pullrequests/:selected_user',
    target: 'workspace',
    paging: 'page',
    maxPagelen: MAX_PAGELEN_PULL_REQUESTS,
    q: { fields: true, unverified: PULL_REQUEST_UNVERIFIED_Q },
    sort: { fields: true },
    hiddenByDefault: ['values.reviewers', 'values.participants'],
    list: (ctx) => {
      const workspace = ctx.workspace;
      const user = ctx.store.findUser(ctx.params.selected_user);
      if (!user) throw notFound.user(ctx.params.selected_user);
      const states = requestedStates(ctx);
      const found: AuthoredPullRequest[] = [];
      for (const data of ctx.store.repositoriesOf(workspace.uuid)) {
        if (!canSeeRepository(ctx.store, ctx.principal, workspace, data)) continue;
        for (const pr of data.pullRequests) if (pr.authorUuid === user.uuid && states.has(pr.state)) found.push({ data, pr });
      }
      return found.sort((a, b) => (a.pr.createdOn === b.pr.createdOn ? 0 : a.pr.createdOn < b.pr.createdOn ? 1 : -1));
    },
    present: (ctx, { data, pr }, only) => presentPullRequest(ctx.present, data, pr, only),
  }),
];
