import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConditionalGet } from './routes/conditional-get';
import express, { type ErrorRequestHandler } from 'express';
import { createAuthenticate, createAuthRouter, createRateLimit, createScopeCheck } from './auth';
import { SandboxHttpError } from './bitbucket-error';
import { createControlRouter } from './control/create-control-router';
import { createFaults } from './faults';
import { DEFAULT_SANDBOX_OPTIONS, type SandboxOptions } from './options';
import { resolveQuirks, type QuirkState } from './quirks';
import { RequestLog } from './request-log';
import { createSandboxState, type SandboxState } from './sandbox-state';
import { createApiRouter, READ_ROUTES } from './routes/create-api-router';
import { SandboxStore } from './store/sandbox-store';
import { createWriteRouter } from './write-routes';

export interface Sandbox {
  app: express.Express;
  store: SandboxStore;
  log: RequestLog;
  options: SandboxOptions;
  /** The quirks in force (start options, changed through `/_sandbox/quirks`); the same object as `state.quirks`. */
  quirks: QuirkState;
  /** This instance's clock, tokens, rate limits, faults and quirks (sandbox-state.ts). */
  state: SandboxState;
}

export interface RunningSandbox {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url + '/2.0'`: what a Bitbucket client takes as its API base. */
  apiUrl: string;
  store: SandboxStore;
  log: RequestLog;
  quirks: QuirkState;
  state: SandboxState;
  close(): Promise<void>;
}

export function resolveOptions(options: Partial<SandboxOptions> = {}): SandboxOptions {
  return {
    ...DEFAULT_SANDBOX_OPTIONS,
    ...options,
    faults: { ...DEFAULT_SANDBOX_OPTIONS.faults, ...options.faults },
    quirks: resolveQuirks(undefined, options.quirks ?? DEFAULT_SANDBOX_OPTIONS.quirks, { profile: 'profile', quirks: 'options.quirks' }),
  };
}

/**
 * Errors in Bitbucket's envelope; anything unexpected is a 500 that names the bug rather than hiding it. With the
 * `forbidden-detail-object` quirk a 403's `detail` is an object, as real Bitbucket sends it (evidence row 19).
 */
const answerErrors = (quirks: QuirkState): ErrorRequestHandler => (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const known = error instanceof SandboxHttpError ? error
    : new SandboxHttpError(500, 'Something went wrong', { detail: `Sandbox bug: ${error instanceof Error ? error.message : String(error)}` });
  res.status(known.status).set(known.extra.headers ?? {}).json(known.toBody({ objectDetail: quirks.has('forbidden-detail-object') }));
};

/**
 * The sandbox app without a listening socket (what supertest drives). Request order:
 * request log → `/2.0`: authenticate → rate limit → faults → scope check → removed features (410) → read routes → write routes
 * (405 for other methods on their paths) → loud 404;
 * `/site/oauth2`: OAuth endpoints; `/_sandbox`: controls. Links are absolute, built from `options.publicUrl` or,
 * when that is unset, from the Host the client used.
 */
export function createSandbox(options: Partial<SandboxOptions> = {}): Sandbox {
  const resolved = resolveOptions(options);
  const state = createSandboxState(resolved);
  const store = new SandboxStore({ size: resolved.size, seed: resolved.seed }, state.clock, resolved.seedCache);
  const log = new RequestLog();
  const { quirks } = state;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(log.middleware());
  const writes = createWriteRouter(store, resolved.publicUrl, READ_ROUTES, state.webhooks);
  app.use('/2.0', createAuthenticate(state.tokens), createRateLimit(resolved, state.rateLimits, quirks), createFaults(state.faults), createScopeCheck(), createConditionalGet(), createApiRouter(store, resolved.publicUrl, [writes], quirks));
  app.use('/site/oauth2', createAuthRouter(resolved, state.tokens, (nickname) => store.users.find((user) => user.nickname === nickname)));
  app.use('/_sandbox', createControlRouter(store, log, state));
  app.use((req, res) => {
    res.status(404).json(new SandboxHttpError(404, `Resource not found: ${req.method} ${req.path} (the sandbox serves /2.0, /site/oauth2 and /_sandbox)`).toBody());
  });
  app.use(answerErrors(quirks));
  return { app, store, log, options: resolved, quirks, state };
}

/**
 * Starts a sandbox on 127.0.0.1 (`port` 0 picks a free port). Links use the listening URL unless
 * `options.publicUrl` says otherwise.
 */
export async function startSandbox(options: Partial<SandboxOptions> = {}, port = 0): Promise<RunningSandbox> {
  resolveOptions(options); // Bad options (an unknown quirk) throw before a socket is opened and left behind.
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = createSandbox({ ...options, publicUrl: options.publicUrl ?? url });
  server.on('request', sandbox.app);
  return {
    url,
    apiUrl: `${url}/2.0`,
    store: sandbox.store,
    log: sandbox.log,
    quirks: sandbox.quirks,
    state: sandbox.state,
    close: () => new Promise<void>((resolve, reject) => {
      sandbox.state.webhooks.close();
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
