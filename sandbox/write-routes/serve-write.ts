import express, { type Request, type RequestHandler, type Response } from 'express';
import type { SandboxStore } from '../store/sandbox-store';
import { notFound } from '../routes/not-found';
import { apiLink } from '../routes/present/present-context';
import { flattenParams, originOf, principalOf, rawQuery } from '../routes/route-context';
import { canSeeRepository, isInTokenScope } from '../routes/visibility';
import { atLeast, grantedAccess } from './access-level';
import { actorOf } from './actor';
import { BodyReader } from './body-reader';
import type { RepositoryWriteContext, WriteContext, WriteRoute } from './write-route';
import { writeErrors } from './write-errors';
import { deliverEvents } from './deliver-event';
import type { WebhookDelivery } from './webhook-delivery';

/** Bodies are read as bytes whatever their Content-Type and parsed here, so a wrong type cannot pass for "no body". */
export const readRawBody: RequestHandler = express.raw({ type: () => true, limit: '1mb' });

function parseBody(req: Request): BodyReader {
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return new BodyReader({});
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw writeErrors.invalidJson(error instanceof Error ? error.message : String(error));
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw writeErrors.notAnObject();
  return new BodyReader(parsed as Record<string, unknown>);
}

/** A repository route's context: its repository was resolved above (404 otherwise); this states it to the type. */
function repositoryContext(ctx: WriteContext): RepositoryWriteContext {
  const { repository } = ctx;
  if (!repository) throw notFound.repository();
  return { ...ctx, repository };
}

/**
 * The one interpreter of write routes, in Bitbucket's order of refusals: no credentials → 401; unknown workspace,
 * repository outside a token's reach or private repository the caller cannot see → 404 (as reads answer, so a write
 * reveals nothing a read would not); too little access → 403; invalid JSON → 400; then the route's own validation
 * (400 with `fields`) and conflicts. Nothing is changed unless the handler returns.
 */
export function serveWrite(route: WriteRoute, store: SandboxStore, publicUrl: string | undefined, webhooks: WebhookDelivery): RequestHandler {
  return (req: Request, res: Response) => {
    const principal = principalOf(req, res);
    if (principal.kind === 'anonymous') throw writeErrors.anonymous();
    const params = flattenParams(req.params as Record<string, string | string[]>);
    const workspace = store.findWorkspace(params.workspace);
    if (!workspace || !isInTokenScope(principal, workspace)) throw notFound.workspace(params.workspace);

    let repository = undefined as WriteContext['repository'];
    if (route.target !== 'workspace') {
      repository = store.findRepository(workspace.uuid, params.repo);
      const visible = repository !== undefined && canSeeRepository(store, principal, workspace, repository);
      if (!visible && !(route.target === 'repository-or-none' && repository === undefined)) throw notFound.repository();
    }
    const what = repository ? `${workspace.slug}/${repository.repository.slug}` : `workspace ${workspace.slug}`;
    const granted = grantedAccess(store, principal, workspace, repository);
    if (!atLeast(granted, route.access)) throw writeErrors.forbidden(route.access, what, granted);

    const origin = originOf(req, publicUrl);
    const ctx: WriteContext = {
      store,
      present: { store, origin },
      principal,
      params,
      query: rawQuery(req),
      url: `${origin}${req.originalUrl.split('?', 1)[0]}`,
      workspace,
      repository,
      body: parseBody(req),
      actor: actorOf(store, principal),
      // Taken only once the request got this far: a refused request does not move the write clock.
      now: store.writeTimestamp().formatted,
    };
    const result = route.target === 'repository' ? route.handle(repositoryContext(ctx)) : route.handle(ctx);
    if (result.location) res.set('Location', apiLink(ctx.present, result.location).href);
    if (result.status === 204 || result.body === undefined) res.status(result.status).end();
    else res.status(result.status).json(result.body);
    if (result.events) deliverEvents(ctx, result.events, webhooks);
  };
}
