/**
 * The demo set-up on real sockets (127.0.0.1, port 0): the Bitbucket sandbox and the gateway in front of it, for
 * clients that speak HTTP themselves (fetch) rather than through supertest.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startSandbox } from '../../../sandbox/app';
import { createApp } from '../../../src/app';
import { loadConfig, type GatewayConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';

export interface ListeningGateway {
  /** e.g. `http://127.0.0.1:41234/odata/` */
  serviceRoot: string;
  close(): Promise<void>;
}

export async function startListeningGateway(config: Partial<GatewayConfig> = {}): Promise<ListeningGateway> {
  const sandbox = await startSandbox({ rateLimitPerHour: 1_000_000 }, 0);
  const gatewayConfig = { ...loadConfig({ BITBUCKET_API_URL: sandbox.apiUrl, SKIPTOKEN_SECRET: 'spec-secret-spec-secret-spec-secret!', UPSTREAM_CACHE_SECONDS: '0', UPSTREAM_BUDGET_PER_HOUR: '0' }), ...config };
  const app = createApp({ config: gatewayConfig, logger: createLogger('error', () => undefined) });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    listening.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    serviceRoot: `http://127.0.0.1:${port}/odata/`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sandbox.close();
    },
  };
}
