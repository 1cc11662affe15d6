import type { RepositoryData } from '../seed/records';
import type { WorkspaceRouteContext } from '../routes/route-context';
import type { AccessLevel } from './access-level';
import type { BodyReader } from './body-reader';
import type { Actor } from './actor';

/** What a write handler receives: the read routes' context, resolved and authorised, plus the body and the actor. */
export interface WriteContext extends WorkspaceRouteContext {
  /** Always set for target `repository` (see `RepositoryWriteContext`); for `repository-or-none`, when it exists. */
  repository?: RepositoryData;
  /** The parsed JSON body (`{}` when none was sent), read through a validator that collects field errors. */
  body: BodyReader;
  /** Who writes: the signed-in user (or an access token's bot user). */
  actor: Actor;
  /** The moment of this write, as `updated_on` shows it; every write gets a later one than the write before. */
  now: string;
}

/** A write's answer: status, JSON body (none for 204) and the `Location` of a created or moved resource. */
export interface WriteResult {
  status: 200 | 201 | 204;
  body?: Record<string, unknown>;
  /** Path under `/2.0` (e.g. `/workspaces/acme-dev/projects/NEW`); made absolute when answering. */
  location?: string;
  /** The repository events this write causes, in order, for webhook delivery (deliver-event.ts). */
  events?: WriteEvent[];
}

/** One webhook event: its key and the entities its payload carries beside `actor` and `repository`. */
export interface WriteEvent {
  /** `pullrequest:created`, `repo:push` ... (webhook-events.ts). */
  key: string;
  /** E.g. `{ pullrequest }`, `{ push: { changes } }`. */
  entities: Record<string, unknown>;
  /** The repository the event is about when the context has none yet (a repository just created). */
  repository?: RepositoryData;
  /** Only the workspace's webhooks hear it: a deleted repository's own webhooks are gone with it (`repo:deleted`). */
  workspaceHooksOnly?: true;
}

/** The context of a write whose target is `repository`: the repository is resolved, visible and authorised. */
export interface RepositoryWriteContext extends WriteContext {
  repository: RepositoryData;
}

/**
 * What a write acts on. `workspace`: `:workspace` is resolved; `repository`: `:workspace` and `:repo` are (404 when
 * either is unknown or invisible); `repository-or-none`: `:repo` may name no repository yet, as on `PUT` of a
 * repository that does not exist, which creates it (Bitbucket: "this endpoint can be used to both update and to
 * create"), and the handler decides.
 */
export type WriteTarget = 'workspace' | 'repository' | 'repository-or-none';

/** The context a write route of `target` gets, so no handler asserts that a repository is there. */
export type WriteContextFor<T extends WriteTarget> = T extends 'repository' ? RepositoryWriteContext : WriteContext;

/**
 * One write endpoint as data: method, express path, what it acts on and the access it needs. The interpreter in
 * `serve-write.ts` authenticates, resolves the target (404 for unknown or invisible), checks the access (403), parses
 * the body (400 for invalid JSON) and then calls `handle` with the context its target promises.
 */
export interface WriteRouteOf<T extends WriteTarget> {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  target: T;
  /** The least access the caller needs on the target (see access-level.ts). */
  access: AccessLevel;
  handle: (ctx: WriteContextFor<T>) => WriteResult;
}

/** Route tables mix targets; `target` tells each route's context. */
export type WriteRoute = WriteRouteOf<'workspace'> | WriteRouteOf<'repository'> | WriteRouteOf<'repository-or-none'>;
