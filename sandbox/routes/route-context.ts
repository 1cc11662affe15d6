import type { Request, Response } from 'express';
import { anonymousPrincipal, type Principal } from '../auth';
import type { RepositoryData, WorkspaceRecord } from '../seed/records';
import type { SandboxStore } from '../store/sandbox-store';
import type { PresentContext } from './present/present-context';

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
  /** Set when the route's path names a workspace (resolved and access-checked). */
  workspace?: WorkspaceRecord;
  /** Set when the route's path names a repository (resolved and access-checked). */
  repository?: RepositoryData;
}

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
