import express, { type Router } from 'express';
import { createAuthControlRouter, createRateLimitControlRouter } from '../auth';
import { createFaultControlRouter } from '../faults';
import { createPipelineRunsControlRouter } from './pipeline-runs-control-router';
import { createQuirkControlRouter } from './quirk-control-router';
import type { RequestLog } from '../request-log';
import type { SandboxState } from '../sandbox-state';
import type { SandboxStore } from '../store/sandbox-store';

/**
 * `/_sandbox`: controls for tests, demos and benchmarks. Not part of Bitbucket's API, never rate-limited or faulted.
 * - `GET /health` → `{status: "ok", size, seed}`;
 * - `GET /requests` → the request log; `DELETE /requests` → empties it (204);
 * - `POST /reset` → data back to the seed, the request log emptied and the quirks back to the start options (auth,
 *   rate limits and faults have their own resets under `/auth`, `/rate-limit` and `/faults`). All of it is this
 *   instance's own (sandbox-state.ts): another sandbox in the process is not touched;
 * - `/quirks`: the quirks in force (quirk-control-router.ts);
 * - `POST /pipeline-runs`: more pipeline runs in one repository than one page holds (pipeline-runs-control-router.ts).
 */
export function createControlRouter(store: SandboxStore, log: RequestLog, state: SandboxState): Router {
  const router = express.Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', size: store.seedOptions.size, seed: store.seedOptions.seed });
  });
  router.get('/requests', (_req, res) => {
    res.json(log.list());
  });
  router.delete('/requests', (_req, res) => {
    log.clear();
    res.status(204).end();
  });
  router.post('/reset', (_req, res) => {
    store.reset();
    log.clear();
    state.quirks.reset();
    res.json({ reset: true });
  });
  router.use('/auth', createAuthControlRouter(state.tokens, state.clock));
  router.use('/rate-limit', createRateLimitControlRouter(state.rateLimits));
  router.use('/faults', createFaultControlRouter(state.faults));
  router.use('/quirks', createQuirkControlRouter(state.quirks));
  router.use('/pipeline-runs', createPipelineRunsControlRouter(store));
  return router;
}
