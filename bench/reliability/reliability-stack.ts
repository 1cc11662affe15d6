/**
 * The sandbox and the gateway as `npm start` runs it (src/server.ts `startGateway`: a real port, Node's HTTP server
 * as the gateway's start-up configures it), optionally with the write-fault proxy in between. Shared by the
 * reliability benchmarks (`npm run bench:*`) and their fast slices in spec/reliability/.
 */
import axios, { type AxiosInstance } from 'axios';
import { startSandbox } from '../../sandbox/app';
import { DEMO_USER } from '../../sandbox/identities';
import type { FaultOptions, SandboxOptions } from '../../sandbox/options';
import { loadConfig, type GatewayConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startGateway, type RunningGateway } from '../../src/server';
import { startWriteFaultProxy, type WriteFaultProxy } from './write-fault-proxy';

export const DEMO_AUTHORIZATION = `Bearer ${DEMO_USER.bearerToken}`;

export interface ReliabilityStack {
  /** `http://127.0.0.1:PORT` of the gateway. */
  gatewayUrl: string;
  gateway: RunningGateway;
  config: GatewayConfig;
  sandboxUrl: string;
  /** The sandbox's controls (`/_sandbox/...`) and its API, answering every status. */
  sandbox: AxiosInstance;
  /** Present when started with `writeFaults: true`. */
  proxy?: WriteFaultProxy;
  /** Log lines at warn and error level: an `unhandled error` line is a gateway bug. */
  logLines: string[];
  close(): Promise<void>;
}

export async function startReliabilityStack(
  options: {
    sandbox?: Omit<Partial<SandboxOptions>, 'faults'> & { faults?: Partial<FaultOptions> };
    env?: Record<string, string>;
    writeFaults?: boolean;
    holdMs?: number;
  } = {},
): Promise<ReliabilityStack> {
  const proxy = options.writeFaults ? await startWriteFaultProxy({ holdMs: options.holdMs }) : undefined;
  // Faults are switched on after the gateway's start-up check, so that check is never the one that meets them.
  const { faults, ...sandboxOptions } = options.sandbox ?? {};
  const sandbox = await startSandbox({ rateLimitPerHour: 100_000_000, ...sandboxOptions, publicUrl: proxy?.url }, 0);
  if (proxy) proxy.target = sandbox.url;
  const upstream = proxy?.url ?? sandbox.url;
  const logLines: string[] = [];
  const config = loadConfig({
    PORT: '0',
    BITBUCKET_API_URL: `${upstream}/2.0`,
    BITBUCKET_OAUTH_URL: upstream,
    LOG_LEVEL: 'warn',
    SKIPTOKEN_SECRET: 'reliability-secret-reliability-secret!',
    // These checks send thousands of requests with one credential: the gateway's own hourly budget of Bitbucket calls
    // per credential (1,000 by default, like Bitbucket's) would answer most of them 429 UpstreamBudget.
    UPSTREAM_BUDGET_PER_HOUR: '100000000',
    ...options.env,
  });
  const gateway = await startGateway(config, createLogger('warn', (line) => logLines.push(line)));
  const gatewayUrl = gateway.url.replace('localhost', '127.0.0.1');
  await waitUntilReady(gatewayUrl);
  const control = axios.create({ baseURL: sandbox.url, validateStatus: () => true, headers: { Authorization: DEMO_AUTHORIZATION } });
  if (faults) await control.put('/_sandbox/faults', faults);
  return {
    gatewayUrl,
    gateway,
    config,
    sandboxUrl: sandbox.url,
    sandbox: control,
    proxy,
    logLines,
    async close() {
      await control.post('/_sandbox/faults/reset');
      gateway.server.closeAllConnections();
      await gateway.close();
      await sandbox.close();
      await proxy?.close();
    },
  };
}

/** `/health` is 200 once the gateway's start-up check found Bitbucket (here the sandbox) at BITBUCKET_API_URL. */
async function waitUntilReady(gatewayUrl: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(`${gatewayUrl}/health`).catch(() => undefined);
    if (response?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`the gateway at ${gatewayUrl} did not become ready within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
