import { SandboxHttpError } from '../bitbucket-error';
import type { AccessLevel } from './access-level';

/**
 * The write side's refusals that are not field validation. Where Bitbucket's exact wording is on record the message
 * is Bitbucket's; elsewhere it is the sandbox's own, in Bitbucket's short style, and sandbox/README.md says so.
 */
export const writeErrors = {
  /** Writes need credentials; Bitbucket answers 401 to anonymous writes. */
  anonymous: () => new SandboxHttpError(401, 'Authentication required: sign in to write (anonymous requests may only read public data)'),
  /** `refusal` (shown by the forbidden-detail-object quirk) names access levels: the recorded shape, our vocabulary. */
  forbidden: (needed: AccessLevel, what: string, granted: AccessLevel | undefined) => new SandboxHttpError(403, `You do not have ${needed} access to ${what}`, {
    detail: needed === 'owner' ? 'Only workspace owners can do this.' : `This needs ${needed} access; ask a workspace administrator for it.`,
    refusal: { required: [needed], granted: granted ? [granted] : [] },
  }),
  invalidJson: (reason: string) => new SandboxHttpError(400, `The request body is not valid JSON: ${reason}`),
  notAnObject: () => new SandboxHttpError(400, 'The request body must be a JSON object'),
  /** Official description: "You cannot delete a project that still contains repositories" (403). */
  projectNotEmpty: (key: string, count: number) => new SandboxHttpError(403, `You cannot delete project ${key}: it still contains ${count} repositor${count === 1 ? 'y' : 'ies'}`, {
    detail: 'Delete the repositories or move them to another project first.',
  }),
  /** Official description: "The main branch is not allowed to be deleted and will return a 400 response." */
  mainBranch: (name: string) => new SandboxHttpError(400, `Cannot delete the main branch "${name}"`, { detail: 'Change the repository\'s main branch first.' }),
  branchExists: (name: string) => new SandboxHttpError(400, `Branch "${name}" already exists`, { data: { key: 'BRANCH_ALREADY_EXISTS' } }),
  tagExists: (name: string) => new SandboxHttpError(400, `Tag "${name}" already exists`, { data: { key: 'TAG_ALREADY_EXISTS' } }),
  /** Official description: "Only open pull requests can be mutated." */
  pullRequestNotOpen: (id: number, state: string, verb: string) => new SandboxHttpError(400, `You can't ${verb} a pull request that is ${state.toLowerCase()}`, {
    detail: `Pull request ${id} is ${state}; only OPEN pull requests can be ${verb === 'update' ? 'updated' : `${verb}d`}.`,
  }),
  destinationGone: (id: number, branch: string) => new SandboxHttpError(400, `You can't merge pull request ${id}: its destination branch "${branch}" no longer exists`),
  fastForwardImpossible: (destination: string) => new SandboxHttpError(400, `Fast-forward merge is not possible: ${destination} has commits that the source branch does not have`, {
    detail: 'Use merge_strategy "merge_commit" or "squash", or update the source branch first.',
  }),
  comment: (id: string) => new SandboxHttpError(404, `Comment ${id} not found`),
  notCommentAuthor: () => new SandboxHttpError(403, 'Only the author of a comment can edit it', { refusal: { required: ['comment author'], granted: [] } }),
  webhook: (uid: string) => new SandboxHttpError(404, `Webhook ${uid} not found`),
  commitStatus: (key: string) => new SandboxHttpError(404, `Build status ${key} not found on this commit`),
  /** Bitbucket has no DELETE on pull requests (decline instead); other unsupported methods on write paths too. */
  methodNotAllowed: (method: string, path: string, allowed: readonly string[]) => new SandboxHttpError(405, `Method ${method} is not allowed on ${path}`, {
    detail: path.includes('/pullrequests/') && method === 'DELETE'
      ? 'Bitbucket does not delete pull requests: decline it with POST .../decline.'
      : `Allowed: ${allowed.join(', ')}.`,
    headers: { Allow: allowed.join(', ') },
  }),
};
