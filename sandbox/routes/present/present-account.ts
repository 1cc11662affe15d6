import { ACCESS_TOKENS } from '../../identities';
import type { UserRecord, WorkspaceRecord } from '../../seed/records';
import { apiLink, webLink, type PresentContext } from './present-context';

/** A user as Bitbucket embeds one (PR author, reviewer, member ...): the `account` schema with `type: "user"`. */
export function presentUser(ctx: PresentContext, user: UserRecord): Record<string, unknown> {
  return {
    display_name: user.displayName,
    links: {
      self: apiLink(ctx, `/users/${user.uuid}`),
      avatar: webLink(ctx, `/account/${user.uuid}/avatar`),
      html: webLink(ctx, `/${user.uuid}/`),
    },
    type: 'user',
    uuid: user.uuid,
    account_id: user.accountId,
    nickname: user.nickname,
  };
}

/** `GET /user`: the embedded form plus the account's own fields. */
export function presentCurrentUser(ctx: PresentContext, user: UserRecord): Record<string, unknown> {
  return {
    ...presentUser(ctx, user),
    links: { ...(presentUser(ctx, user).links as object), repositories: apiLink(ctx, `/repositories/${user.uuid}`) },
    created_on: user.createdOn,
    account_status: 'active',
    is_staff: false,
    location: null,
  };
}

/** An access token acts as a bot "user" of its own (Bitbucket "Access tokens"): an `app_user`, not in the seed. */
export function presentBotUser(ctx: PresentContext, botUuid: string): Record<string, unknown> | undefined {
  const token = ACCESS_TOKENS.find((t) => t.botUuid === botUuid);
  if (!token) return undefined;
  return {
    type: 'app_user',
    uuid: token.botUuid,
    account_id: `access-token:${token.id}`,
    display_name: token.botDisplayName,
    account_status: 'active',
    kind: `${token.kind}_access_token`,
    links: { avatar: webLink(ctx, `/account/${token.botUuid}/avatar`) },
  };
}

/** A workspace in the `owner` position of repositories and projects: Bitbucket still calls team workspaces "team". */
export function presentWorkspaceOwner(ctx: PresentContext, workspace: WorkspaceRecord): Record<string, unknown> {
  return {
    display_name: workspace.name,
    links: {
      self: apiLink(ctx, `/workspaces/${workspace.slug}`),
      avatar: webLink(ctx, `/account/${workspace.slug}/avatar`),
      html: webLink(ctx, `/${workspace.slug}/`),
    },
    type: 'team',
    uuid: workspace.uuid,
    username: workspace.slug,
  };
}
