import { SandboxHttpError } from '../../bitbucket-error';
import type { MembershipRecord, UserRecord } from '../../seed/records';
import { notFound } from '../not-found';
import { presentBotUser, presentCurrentUser, presentUser as presentAccount } from '../present/present-account';
import { presentWorkspaceAccess } from '../present/present-workspace';
import type { RouteContext } from '../route-context';
import { collection, item, MAX_PAGELEN, type AnyRoute } from '../route-declaration';
import { isInTokenScope } from '../visibility';

const requireAuthenticated = (ctx: RouteContext): void => {
  // Bitbucket answers 401 to /user without credentials.
  if (ctx.principal.kind === 'anonymous') throw new SandboxHttpError(401, 'This API is only accessible with the following authentication types: session, password, apppassword, api_token, oauth');
};

/** The caller's workspaces: memberships, or for an access token the workspace it belongs to. */
function accessibleMemberships(ctx: RouteContext): MembershipRecord[] {
  requireAuthenticated(ctx);
  if (ctx.principal.restrictTo) {
    return ctx.store.workspaces
      .filter((w) => isInTokenScope(ctx.principal, w))
      .map((w) => ({ workspaceUuid: w.uuid, userUuid: ctx.principal.userUuid, permission: 'member', repositoryAccess: 'read' }));
  }
  return ctx.store.membershipsOfUser(ctx.principal.userUuid);
}

export const userRoutes: AnyRoute[] = [
  item({
    path: '/user',
    target: 'none',
    find: (ctx) => {
      requireAuthenticated(ctx);
      return ctx.principal.userUuid;
    },
    present: (ctx, uuid: string) => {
      const user = ctx.store.findUser(uuid);
      const body = user ? presentCurrentUser(ctx.present, user) : presentBotUser(ctx.present, uuid);
      if (!body) throw new SandboxHttpError(404, `User ${uuid} not found`);
      return body;
    },
  }),
  // "Get a user" (developer.atlassian.com/cloud/bitbucket/rest/api-group-users/): by braced UUID or Atlassian account
  // id; 404 "If no user exists for the specified UUID" (Bitbucket's OpenAPI, /users/{selected_user}).
  item({
    path: '/users/:selected_user',
    target: 'none',
    find: (ctx) => {
      const user = ctx.store.findUser(ctx.params.selected_user);
      if (!user) throw notFound.user(ctx.params.selected_user);
      return user;
    },
    present: (ctx, user: UserRecord) => presentAccount(ctx.present, user),
  }),
  // CHANGE-3022: the replacement for GET /workspaces. "q/sort: only slug is supported"; plus `administrator`.
  collection<MembershipRecord>({
    path: '/user/workspaces',
    target: 'none',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: { fields: ['slug'], view: (json) => ({ slug: (json.workspace as { slug: string }).slug }) },
    sort: { fields: ['slug'] },
    deviations: { sizeUnverified: true },
    list: (ctx) => {
      const administrator = ctx.query.get('administrator');
      return accessibleMemberships(ctx).filter((m) => administrator === null || (m.permission === 'owner') === (administrator === 'true'));
    },
    present: (ctx, m) => presentWorkspaceAccess(ctx.present, ctx.store.workspace(m.workspaceUuid), m),
  }),
];
