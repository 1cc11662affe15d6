/**
 * The sandbox on a real socket and the gateway app in front of it, as every HTTP spec uses them.
 */
import supertest from 'supertest';
import { startSandbox } from '../../sandbox/app';
import { DEMO_USER } from '../../sandbox/identities';
import type { SandboxOptions } from '../../sandbox/options';
import { createApp, storeOf, upstreamReadinessOf } from '../../src/app';
import { loadConfig, type GatewayConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { leakedCredentials } from './known-credentials';
import { workerSeedCache } from './worker-seed-cache';

export interface UpstreamCall {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
}

export interface Stack {
  request: ReturnType<typeof supertest>;
  /** The gateway app, for specs that need it on a real socket (browser redirects). */
  app: ReturnType<typeof createApp>;
  sandboxUrl: string;
  apiUrl: string;
  config: GatewayConfig;
  logLines: string[];
  upstreamCalls(): Promise<UpstreamCall[]>;
  clearUpstreamCalls(): Promise<void>;
  resetSandbox(): Promise<void>;
  close(): Promise<void>;
}

export const DEMO_BEARER = `Bearer ${DEMO_USER.bearerToken}`;

export async function startStack(
  options: { sandbox?: Partial<SandboxOptions>; env?: Record<string, string>; config?: Partial<GatewayConfig>; now?: () => number } = {},
): Promise<Stack> {
  // The seed is copied from the text this worker kept of it, not generated again for each stack (~0.5–0.8 s each).
  const sandbox = await startSandbox({ rateLimitPerHour: 1_000_000, seedCache: workerSeedCache(), ...options.sandbox }, 0);
  const logLines: string[] = [];
  const config: GatewayConfig = {
    ...loadConfig({ BITBUCKET_API_URL: sandbox.apiUrl, BITBUCKET_OAUTH_URL: sandbox.url, LOG_LEVEL: 'debug',
      SKIPTOKEN_SECRET: 'spec-secret-spec-secret-spec-secret!',
      // Off unless a spec turns them on (spec/cache, spec/budget): specs that count the calls of repeated requests,
      // or throttle the sandbox to test Bitbucket's 429, predate the response cache and the budget (issue #14).
      UPSTREAM_CACHE_SECONDS: '0',
      UPSTREAM_BUDGET_PER_HOUR: '0',
      ...options.env,
    }),
    ...options.config,
  };
  const app = createApp({ config, logger: createLogger('debug', (line) => logLines.push(line)), now: options.now });
  // The app's start-up check (one anonymous GET /2.0/user) is over before a spec touches the sandbox's faults or log.
  await upstreamReadinessOf(app).settled();
  /**
   * The sandbox's controls, with the runtime's fetch: axios here cost every spec file that has no other use for it
   * ~60–80 ms of CPU to load (Jest loads modules anew per file; 2026-12-06). Any status is accepted, as before; the
   * body is read to the end so the connection is free, and parsed here, so its objects are this file's own.
   */
  const control = async (method: 'GET' | 'POST' | 'DELETE', path: string): Promise<string> => (await fetch(`${sandbox.url}${path}`, { method })).text();
  return {
    request: supertest(app),
    app,
    sandboxUrl: sandbox.url,
    apiUrl: sandbox.apiUrl,
    config,
    logLines,
    async upstreamCalls() {
      const calls = JSON.parse(await control('GET', '/_sandbox/requests')) as UpstreamCall[];
      return calls.filter((call) => call.path.startsWith('/2.0'));
    },
    async clearUpstreamCalls() {
      await control('DELETE', '/_sandbox/requests');
    },
    async resetSandbox() {
      await control('POST', '/_sandbox/reset');
    },
    async close() {
      await sandbox.close();
      await storeOf(app).close();
      // Every stack of the suite ends here: no log line it collected may contain a test credential.
      const leaked = leakedCredentials(logLines.join('\n'));
      if (leaked.length > 0) throw new Error(`The gateway logged ${leaked.length} test credential(s) (${leaked.map((found) => found.name).join(', ')}); see the log lines of this spec.`);
    },
  };
}
