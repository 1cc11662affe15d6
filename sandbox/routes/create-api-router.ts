import express, { type Router } from 'express';
import { NO_QUIRKS, type QuirkState } from '../quirks';
import type { SandboxStore } from '../store/sandbox-store';
import { notFound } from './not-found';
import { mountRemovedRoutes } from './removed-routes';
import type { AnyRoute } from './route-declaration';
import { serveRoute } from './serve-route';
import { ciRoutes } from './tables/ci-routes';
import { pullRequestRoutes } from './tables/pull-request-routes';
import { repositoryRoutes } from './tables/repository-routes';
import { settingsRoutes } from './tables/settings-routes';
import { userRoutes } from './tables/user-routes';
import { workspaceRoutes } from './tables/workspace-routes';
import { writeSideReadRoutes } from '../write-routes/read-routes';

/** Every read route of the sandbox's `/2.0`, in one table (with the single-object reads the write side added). */
export const READ_ROUTES: readonly AnyRoute[] = [
  ...userRoutes, ...workspaceRoutes, ...repositoryRoutes, ...pullRequestRoutes, ...ciRoutes, ...settingsRoutes, ...writeSideReadRoutes,
];

/**
 * The `/2.0` router: removed features (410) first, then the read routes, then a loud 404 for everything else.
 * `extraRoutes` lets the write routes (mounted by their own module) sit before the catch-all.
 */
export function createApiRouter(store: SandboxStore, publicUrl: string | undefined, extraRoutes: Router[] = [], quirks: Pick<QuirkState, 'has'> = NO_QUIRKS): Router {
  const router = express.Router();
  mountRemovedRoutes(router);
  for (const route of READ_ROUTES) router.get(route.path, serveRoute(route, store, publicUrl, quirks));
  for (const extra of extraRoutes) router.use(extra);
  router.all('/{*rest}', (req) => {
    throw notFound.route(req.method, req.originalUrl.split('?', 1)[0]);
  });
  return router;
}
