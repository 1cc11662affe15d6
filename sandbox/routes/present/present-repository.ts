import type { RepositoryData } from '../../seed/records';
import { presentWorkspaceOwner } from './present-account';
import { apiLink, webLink, type PresentContext } from './present-context';
import { presentMembers, type Members } from './present-members';
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

interface RepositoryInputs {
  ctx: PresentContext;
  data: RepositoryData;
}

/** `GET /repositories/{workspace}[/{repo_slug}]`: the `repository` schema. */
const REPOSITORY_MEMBERS: Members<RepositoryInputs> = {
  type: () => 'repository',
  full_name: ({ ctx, data }) => fullName(ctx, data),
  links: ({ ctx, data }) => {
    const name = fullName(ctx, data);
    const host = new URL(ctx.origin).host;
    return {
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
    };
  },
  name: ({ data }) => data.repository.name,
  slug: ({ data }) => data.repository.slug,
  description: ({ data }) => data.repository.description,
  scm: () => 'git',
  website: () => null,
  owner: ({ ctx, data }) => presentWorkspaceOwner(ctx, ctx.store.workspace(data.repository.workspaceUuid)),
  workspace: ({ ctx, data }) => presentWorkspaceEmbed(ctx, ctx.store.workspace(data.repository.workspaceUuid)),
  is_private: ({ data }) => data.repository.isPrivate,
  project: ({ ctx, data }) => presentProjectEmbed(ctx, ctx.store.project(data.repository.projectUuid)),
  fork_policy: ({ data }) => data.repository.forkPolicy,
  created_on: ({ data }) => data.repository.createdOn,
  updated_on: ({ data }) => data.repository.updatedOn,
  size: ({ data }) => data.repository.size,
  language: ({ data }) => data.repository.language,
  uuid: ({ data }) => data.repository.uuid,
  mainbranch: ({ data }) => ({ name: data.repository.mainBranch, type: 'branch' }),
  override_settings: () => ({ default_merge_strategy: true, branching_model: true }),
  enforced_signed_commits: () => null,
  has_issues: () => false,
  has_wiki: () => false,
};

/** A repository (REPOSITORY_MEMBERS); `only`: just those members, for a list that reads no others. */
export function presentRepository(ctx: PresentContext, data: RepositoryData, only?: ReadonlySet<string>): Record<string, unknown> {
  return presentMembers(REPOSITORY_MEMBERS, { ctx, data }, only);
}
