import type { Request, Response } from 'express';
import { anonymousPrincipal, type Principal } from '../auth';
import type { RepositoryData, WorkspaceRecord } from '../seed/records';
import type { SandboxStore } from '../store/sandbox-store';
import type { PresentContext } from './present/present-context';

/** Which path parameters name a workspace (`:workspace`) and a repository (`:repo`) to resolve before the route runs. */
export type RouteTarget = 'none' | 'workspace' | 'workspace-internals' | 'repository';

/** What a declared route's functions receive: the data, who asks, and the request's parameters. */
export interface RouteContext {
  store: SandboxStore;
  present: PresentContext;
  principal: Principal;
  /** Express path parameters; wildcard parameters (`*name`) are joined back with `/`. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Absolute URL of this resource without its query string: the base of `next`/`previous`. */
  url: string;
}

/** The context of a route whose path names a workspace: resolved and access-checked before the route runs. */
export interface WorkspaceRouteContext extends RouteContext {
  workspace: WorkspaceRecord;
}

/** The context of a route whose path names a repository: resolved and access-checked before the route runs. */
export interface RepositoryRouteContext extends WorkspaceRouteContext {
  repository: RepositoryData;
}

/**
 * The context a route declared with `target` gets: a route states what it acts on and its functions are typed by
 * it, so none of them checks (or asserts) that a workspace or repository is there; the interpreter resolves it.
 */
export type RouteContextFor<T extends RouteTarget> =
  T extends 'repository' ? RepositoryRouteContext : T extends 'workspace' | 'workspace-internals' ? WorkspaceRouteContext : RouteContext;

/** The query string exactly as sent, repeated keys kept (`state=OPEN&state=MERGED`). */
export function rawQuery(req: Request): URLSearchParams {
  const index = req.originalUrl.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : req.originalUrl.slice(index + 1));
}

/** The public origin: the configured public URL, else the Host the client used. */
export function originOf(req: Request, publicUrl: string | undefined): string {
  return (publicUrl ?? `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`).replace(/\/+$/, '');
}

export function principalOf(req: Request, res: Response): Principal {
  return (res.locals.principal as Principal | undefined) ?? anonymousPrincipal(req.ip ?? 'unknown');
}

export function flattenParams(params: Record<string, string | string[]>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) flat[name] = Array.isArray(value) ? value.join('/') : value;
  return flat;
}
