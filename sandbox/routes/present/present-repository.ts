import type { RepositoryData } from '../../seed/records';
import { presentWorkspaceOwner } from './present-account';
import { apiLink, webLink, type PresentContext } from './present-context';
import { presentProjectEmbed, presentWorkspaceEmbed } from './present-workspace';

/** `{workspace}/{slug}`: the repository's `full_name` and the prefix of every path under it. */
export function fullName(ctx: PresentContext, data: RepositoryData): string {
  return `${ctx.store.workspace(data.repository.workspaceUuid).slug}/${data.repository.slug}`;
}

/** The repository as Bitbucket embeds it in pull requests, commits, pipelines and webhooks. */
export function presentRepositoryEmbed(ctx: PresentContext, data: RepositoryData): Record<string, unknown> {
  const name = fullName(ctx, data);
  return {
    type: 'repository',
    full_name: name,
    links: {
      self: apiLink(ctx, `/repositories/${name}`),
      html: webLink(ctx, `/${name}`),
      avatar: webLink(ctx, `/${name}/avatar/32/`),
    },
    name: data.repository.name,
    uuid: data.repository.uuid,
  };
}

/** `GET /repositories/{workspace}[/{repo_slug}]`: the `repository` schema. */
export function presentRepository(ctx: PresentContext, data: RepositoryData): Record<string, unknown> {
  const r = data.repository;
  const name = fullName(ctx, data);
  const workspace = ctx.store.workspace(r.workspaceUuid);
  const host = new URL(ctx.origin).host;
  return {
    type: 'repository',
    full_name: name,
    links: {
      self: apiLink(ctx, `/repositories/${name}`),
      html: webLink(ctx, `/${name}`),
      avatar: webLink(ctx, `/${name}/avatar/32/`),
      pullrequests: apiLink(ctx, `/repositories/${name}/pullrequests`),
      commits: apiLink(ctx, `/repositories/${name}/commits`),
      forks: apiLink(ctx, `/repositories/${name}/forks`),
      watchers: apiLink(ctx, `/repositories/${name}/watchers`),
      downloads: apiLink(ctx, `/repositories/${name}/downloads`),
      clone: [
        { name: 'https', href: `${ctx.origin}/${name}.git` },
        { name: 'ssh', href: `ssh://git@${host}/${name}.git` },
      ],
      hooks: apiLink(ctx, `/repositories/${name}/hooks`),
    },
    name: r.name,
    slug: r.slug,
    description: r.description,
    scm: 'git',
    website: null,
    owner: presentWorkspaceOwner(ctx, workspace),
    workspace: presentWorkspaceEmbed(ctx, workspace),
    is_private: r.isPrivate,
    project: presentProjectEmbed(ctx, ctx.store.project(r.projectUuid)),
    fork_policy: r.forkPolicy,
    created_on: r.createdOn,
    updated_on: r.updatedOn,
    size: r.size,
    language: r.language,
    uuid: r.uuid,
    mainbranch: { name: r.mainBranch, type: 'branch' },
    override_settings: { default_merge_strategy: true, branching_model: true },
    enforced_signed_commits: null,
    has_issues: false,
    has_wiki: false,
  };
}
