import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAuthControlRouter,
  createAuthenticate,
  createAuthRouter,
  createRateLimit,
  createRateLimitControlRouter,
} from '../../../sandbox/auth';
import { DEFAULT_SANDBOX_OPTIONS, type SandboxOptions } from '../../../sandbox/options';
import { createSandboxState, type SandboxState } from '../../../sandbox/sandbox-state';

/**
 * A tiny app with the auth middleware in front of dummy /2.0 handlers that echo `res.locals.principal`, so these specs
 * do not depend on the sandbox's real routes. Listens on 127.0.0.1, port 0.
 */
export interface AuthTestServer {
  server: Server;
  baseUrl: string;
  /** This server's own clock, tokens and rate limits. */
  state: SandboxState;
  close(): Promise<void>;
}

export async function startAuthTestServer(overrides: Partial<SandboxOptions> = {}): Promise<AuthTestServer> {
  const options: SandboxOptions = { ...DEFAULT_SANDBOX_OPTIONS, ...overrides };
  const state = createSandboxState(options);
  const app = express();
  app.use('/site/oauth2', createAuthRouter(options, state.tokens));
  app.use('/_sandbox/auth', createAuthControlRouter(state.tokens, state.clock));
  app.use('/_sandbox/rate-limit', createRateLimitControlRouter(state.rateLimits));
  app.use(createAuthenticate(state.tokens), createRateLimit(options, state.rateLimits));
  const echoPrincipal: express.RequestHandler = (_req, res) => {
    res.json(res.locals.principal);
  };
  app.get('/2.0/user', echoPrincipal);
  app.get('/2.0/repositories/:workspace', echoPrincipal);
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    state,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}
