import express, { type Router } from 'express';
import type { SandboxStore } from '../store/sandbox-store';
import type { AnyRoute } from '../routes/route-declaration';
import { readRawBody, serveWrite } from './serve-write';
import { commentWrites } from './tables/comment-writes';
import { commitStatusWrites } from './tables/commit-status-writes';
import { projectWrites } from './tables/project-writes';
import { pullRequestActions } from './tables/pull-request-actions';
import { pullRequestWrites } from './tables/pull-request-writes';
import { refWrites } from './tables/ref-writes';
import { repositoryWrites } from './tables/repository-writes';
import { webhookWrites } from './tables/webhook-writes';
import type { WebhookDelivery } from './webhook-delivery';
import type { WriteRoute } from './write-route';
import { writeErrors } from './write-errors';

/** Every write route of the sandbox's `/2.0`, in one table. */
export const WRITE_ROUTES: readonly WriteRoute[] = [
  ...projectWrites, ...repositoryWrites, ...refWrites, ...pullRequestWrites, ...pullRequestActions, ...commentWrites, ...commitStatusWrites, ...webhookWrites,
];

/**
 * The write routes, then 405 for other methods on a path that has writes (Bitbucket has no DELETE of a pull request,
 * no PUT on branches ...), with `Allow` listing what the path does take. Paths without writes keep the loud 404.
 * `readRoutes` are the read side's declarations: their paths contribute GET (and HEAD) to `Allow`.
 */
export function createWriteRouter(store: SandboxStore, publicUrl: string | undefined, readRoutes: readonly AnyRoute[], webhooks: WebhookDelivery): Router {
  const router = express.Router();
  for (const route of WRITE_ROUTES) {
    router[route.method === 'POST' ? 'post' : route.method === 'PUT' ? 'put' : 'delete'](route.path, readRawBody, serveWrite(route, store, publicUrl, webhooks));
  }
  const paths = [...new Set(WRITE_ROUTES.map((route) => route.path))];
  for (const path of paths) {
    const readable = readRoutes.some((route) => route.path === path);
    const allowed = [...(readable ? ['GET', 'HEAD'] : []), ...WRITE_ROUTES.filter((route) => route.path === path).map((route) => route.method)];
    router.all(path, (req) => {
      throw writeErrors.methodNotAllowed(req.method, req.originalUrl.split('?', 1)[0], allowed);
    });
  }
  return router;
}
