import type { MembershipRecord, ProjectRecord, WorkspaceRecord } from '../../seed/records';
import { presentUser, presentWorkspaceOwner } from './present-account';
import { apiLink, webLink, type PresentContext } from './present-context';

const workspaceLinks = (ctx: PresentContext, w: WorkspaceRecord) => ({
  avatar: webLink(ctx, `/workspaces/${w.slug}/avatar/`),
  html: webLink(ctx, `/${w.slug}/`),
  members: apiLink(ctx, `/workspaces/${w.slug}/members`),
  owners: apiLink(ctx, `/workspaces/${w.slug}/members?q=permission="owner"`),
  projects: apiLink(ctx, `/workspaces/${w.slug}/projects`),
  repositories: apiLink(ctx, `/repositories/${w.slug}`),
  snippets: apiLink(ctx, `/snippets/${w.slug}`),
  self: apiLink(ctx, `/workspaces/${w.slug}`),
});

/** `GET /workspaces/{workspace}`: the `workspace` schema. */
export function presentWorkspace(ctx: PresentContext, w: WorkspaceRecord): Record<string, unknown> {
  return {
    type: 'workspace',
    uuid: w.uuid,
    name: w.name,
    slug: w.slug,
    is_private: w.isPrivate,
    is_privacy_enforced: false,
    forking_mode: w.forkingMode,
    created_on: w.createdOn,
    updated_on: w.updatedOn,
    links: workspaceLinks(ctx, w),
  };
}

/** Embedded in repositories and memberships. */
export function presentWorkspaceEmbed(ctx: PresentContext, w: WorkspaceRecord): Record<string, unknown> {
  const links = workspaceLinks(ctx, w);
  return { type: 'workspace', uuid: w.uuid, name: w.name, slug: w.slug, links: { avatar: links.avatar, html: links.html, self: links.self } };
}

/** An item of `GET /user/workspaces`: the `workspace_access` schema (spec example: `workspace` is a workspace_base). */
export function presentWorkspaceAccess(ctx: PresentContext, w: WorkspaceRecord, membership: MembershipRecord): Record<string, unknown> {
  return {
    type: 'workspace_access',
    administrator: membership.permission === 'owner',
    workspace: { type: 'workspace_base', uuid: w.uuid, slug: w.slug, links: { avatar: webLink(ctx, `/workspaces/${w.slug}/avatar/`), self: apiLink(ctx, `/workspaces/${w.slug}`) } },
  };
}

/** `GET /workspaces/{workspace}/members[/{member}]`: the `workspace_membership` schema. */
export function presentMembership(ctx: PresentContext, w: WorkspaceRecord, membership: MembershipRecord): Record<string, unknown> {
  const user = ctx.store.user(membership.userUuid);
  return {
    type: 'workspace_membership',
    user: presentUser(ctx, user),
    workspace: presentWorkspaceEmbed(ctx, w),
    links: { self: apiLink(ctx, `/workspaces/${w.slug}/members/${user.uuid}`) },
  };
}

/**
 * The `project` schema. Its `links` admit only `html` and `avatar` (`additionalProperties: false` in the official
 * description), so the sandbox sends no `self` link although Bitbucket does.
 */
export function presentProject(ctx: PresentContext, p: ProjectRecord): Record<string, unknown> {
  const w = ctx.store.workspace(p.workspaceUuid);
  const hasPublicRepositories = ctx.store.repositoriesOf(w.uuid).some((r) => r.repository.projectUuid === p.uuid && !r.repository.isPrivate);
  return {
    type: 'project',
    key: p.key,
    uuid: p.uuid,
    name: p.name,
    description: p.description,
    is_private: p.isPrivate,
    created_on: p.createdOn,
    updated_on: p.updatedOn,
    has_publicly_visible_repos: hasPublicRepositories,
    owner: presentWorkspaceOwner(ctx, w),
    links: {
      html: webLink(ctx, `/${w.slug}/workspace/projects/${p.key}`),
      avatar: webLink(ctx, `/account/user/${w.slug}/projects/${p.key}/avatar/32`),
    },
  };
}

/** Embedded in repositories. */
export function presentProjectEmbed(ctx: PresentContext, p: ProjectRecord): Record<string, unknown> {
  const full = presentProject(ctx, p);
  return { type: 'project', key: p.key, uuid: p.uuid, name: p.name, links: full.links };
}
