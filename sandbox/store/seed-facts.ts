import type { SandboxStore } from './sandbox-store';

/** What a test may know about the data without asking the API: names, sizes and privacy. */
export interface SeedFacts {
  workspaces: Array<{
    slug: string;
    uuid: string;
    memberUuids: string[];
    projects: Array<{ key: string; isPrivate: boolean }>;
    repositories: Array<{
      slug: string;
      fullName: string;
      uuid: string;
      isPrivate: boolean;
      projectKey: string;
      mainBranch: string;
      counts: { commits: number; branches: number; tags: number; pullRequests: number; openPullRequests: number; pipelines: number };
    }>;
  }>;
  totals: { repositories: number; commits: number; pullRequests: number };
}

/** The facts of the store's current data (after writes, of the written data). */
export function seedFacts(store: SandboxStore): SeedFacts {
  const workspaces = store.workspaces.map((workspace) => ({
    slug: workspace.slug,
    uuid: workspace.uuid,
    memberUuids: store.membershipsOf(workspace.uuid).map((m) => m.userUuid),
    projects: store.projectsOf(workspace.uuid).map((p) => ({ key: p.key, isPrivate: p.isPrivate })),
    repositories: store.repositoriesOf(workspace.uuid).map((data) => ({
      slug: data.repository.slug,
      fullName: `${workspace.slug}/${data.repository.slug}`,
      uuid: data.repository.uuid,
      isPrivate: data.repository.isPrivate,
      projectKey: store.project(data.repository.projectUuid).key,
      mainBranch: data.repository.mainBranch,
      counts: {
        commits: data.commits.length,
        branches: data.branches.length,
        tags: data.tags.length,
        pullRequests: data.pullRequests.length,
        openPullRequests: data.pullRequests.filter((p) => p.state === 'OPEN').length,
        pipelines: data.pipelines.length,
      },
    })),
  }));
  const all = store.repositories;
  return {
    workspaces,
    totals: {
      repositories: all.length,
      commits: all.reduce((n, r) => n + r.commits.length, 0),
      pullRequests: all.reduce((n, r) => n + r.pullRequests.length, 0),
    },
  };
}
