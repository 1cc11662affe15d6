/** Start the gateway alone against BITBUCKET_API_URL (default https://api.bitbucket.org/2.0). */
import type { Server } from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig, type GatewayConfig } from './config';
import { createLogger } from './logger';

export async function startGateway(config: GatewayConfig): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const app = createApp({ config });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    server,
    url: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (require.main === module) {
  let config: GatewayConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  startGateway(config).then(
    ({ url }) => logger.info('gateway listening', { serviceRoot: `${url}/odata/`, upstream: config.bitbucketApiUrl }),
    (error: unknown) => {
      logger.error('gateway failed to start', { error: String(error) });
      process.exit(1);
    },
  );
}
