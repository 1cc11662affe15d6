import { SandboxHttpError } from '../bitbucket-error';

/**
 * The sandbox's 404 answers. The repository message is Bitbucket's own (composer/composer PR #10657); the others
 * follow Bitbucket's short style and name what was looked for, so a wrong path in a test is obvious.
 */
export const notFound = {
  workspace: (slug: string) => new SandboxHttpError(404, `No workspace with identifier '${slug}'.`),
  repository: () => new SandboxHttpError(404, "The requested repository either does not exist or you do not have access. If you believe this repository exists and you have access, make sure you're authenticated."),
  project: (key: string) => new SandboxHttpError(404, `Project ${key} not found`),
  member: (member: string) => new SandboxHttpError(404, `${member} is not a member of this workspace`),
  user: (user: string) => new SandboxHttpError(404, `User ${user} not found`),
  branch: (name: string) => new SandboxHttpError(404, `Branch "${name}" does not exist`),
  tag: (name: string) => new SandboxHttpError(404, `Tag "${name}" does not exist`),
  commit: (hash: string) => new SandboxHttpError(404, `Commit not found`, { data: { shas: [hash] } }),
  pullRequest: (id: string) => new SandboxHttpError(404, `Pull request ${id} not found`),
  pipeline: (uuid: string) => new SandboxHttpError(404, `Pipeline ${uuid} not found`),
  /** Unknown routes name the method and path loudly, so a gateway pushdown bug cannot pass for an empty list. */
  route: (method: string, path: string) => new SandboxHttpError(404, `Resource not found: ${method} ${path} is not a route of the Bitbucket sandbox`, {
    detail: 'There is no API hosted at this URL. The sandbox serves the read routes listed in sandbox/README.md.',
  }),
};

/** Workspace internals (members) for non-members: Bitbucket answers 403 for a workspace the caller can see but is not in. */
export const forbidden = {
  workspaceMembersOnly: (slug: string) => new SandboxHttpError(403, `You do not have access to this resource of workspace ${slug}: it is for members only`, {
    refusal: { required: ['workspace member'], granted: [] },
  }),
};
