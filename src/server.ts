/** Start the gateway alone against BITBUCKET_API_URL (default https://api.bitbucket.org/2.0). */
import http, { type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, storeOf, upstreamReadinessOf } from './app';
import { ConfigError, loadConfig, type GatewayConfig } from './config';
import { expressServerOptions } from './http/express-server-options';
import { createLogger, type Logger } from './logger';

/** Listening failed; the message names the port and the setting that chose it, and what to do. */
export class ListenError extends Error {}

/** What a failed `listen` means for someone starting the process, by errno code (Node's net docs, 'error' event). */
export function listenErrorMessage(error: unknown, setting: string, port: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `Port ${port} (${setting}) is already in use by another process: stop that process or set ${setting} to a free port.`;
  if (code === 'EACCES') return `Port ${port} (${setting}) needs privileges this process does not have: set ${setting} to a port above 1023.`;
  return `Cannot listen on port ${port} (${setting}): ${error instanceof Error ? error.message : String(error)}.`;
}

/**
 * Listens on `port` and settles on the server's own 'listening' or 'error' event. Not `app.listen(port, callback)`:
 * Express 5 registers that callback for 'error' as well (express/lib/application.js `app.listen`: `server.once('error',
 * done)`), so a taken port ran the success path and the process reported "listening" while another process answered.
 */
export function listenOn(handler: RequestListener, port: number, setting: string, options: http.ServerOptions = {}): Promise<Server> {
  const server = http.createServer(options, handler);
  // A client gets 20 s to send its headers and 30 s for its whole request (Node 20's defaults are 60 s and 300 s):
  // a slow or endless request holds a connection no longer than that (slowloris). Answers may take longer
  // (REQUEST_DEADLINE_SECONDS bounds those).
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  return new Promise<Server>((resolve, reject) => {
    const onError = (error: unknown) => reject(new ListenError(listenErrorMessage(error, setting, port)));
    server.once('error', onError);
    server.listen(port, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

export interface RunningGateway {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, logger: Logger = createLogger(config.logLevel)): Promise<RunningGateway> {
  // The app checks at once that BITBUCKET_API_URL answers like Bitbucket (app.ts, upstream readiness); until a check
  // says so, /health is 503 and OData requests are refused with the reason.
  const app = createApp({ config, logger });
  const readiness = upstreamReadinessOf(app);
  let server: Server;
  try {
    // Requests born on the app's prototypes: express then leaves them be (src/http/express-server-options.ts, issue #15).
    server = await listenOn(app, config.port, 'PORT', expressServerOptions(app));
  } catch (error) {
    readiness.stop();
    await storeOf(app).close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://localhost:${port}`,
    close: () => {
      readiness.stop();
      return new Promise<void>((resolve) => server.close(() => resolve())).then(() => storeOf(app).close());
    },
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
  startGateway(config, logger).then(
    ({ url }) => logger.info('gateway listening', { serviceRoot: `${url}/odata/`, upstream: config.bitbucketApiUrl, health: `${url}/health` }),
    (error: unknown) => {
      logger.error('gateway failed to start', { error: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    },
  );
}
