import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAuthControlRouter,
  createAuthenticate,
  createAuthRouter,
  createRateLimit,
  createRateLimitControlRouter,
  resetAuthState,
  resetRateLimits,
} from '../../../sandbox/auth';
import { DEFAULT_SANDBOX_OPTIONS, type SandboxOptions } from '../../../sandbox/options';

/**
 * A tiny app with the auth middleware in front of dummy /2.0 handlers that echo `res.locals.principal`, so these specs
 * do not depend on the sandbox's real routes. Listens on 127.0.0.1, port 0.
 */
export interface AuthTestServer {
  server: Server;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startAuthTestServer(overrides: Partial<SandboxOptions> = {}): Promise<AuthTestServer> {
  resetAuthState();
  resetRateLimits();
  const options: SandboxOptions = { ...DEFAULT_SANDBOX_OPTIONS, ...overrides };
  const app = express();
  app.use('/site/oauth2', createAuthRouter(options));
  app.use('/_sandbox/auth', createAuthControlRouter());
  app.use('/_sandbox/rate-limit', createRateLimitControlRouter());
  app.use(createAuthenticate(options), createRateLimit(options));
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
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}
