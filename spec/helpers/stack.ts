/**
 * The sandbox on a real socket and the gateway app in front of it, as every HTTP spec uses them.
 */
import supertest from 'supertest';
import axios from 'axios';
import { startSandbox } from '../../sandbox/app';
import { DEMO_USER } from '../../sandbox/identities';
import type { SandboxOptions } from '../../sandbox/options';
import { createApp } from '../../src/app';
import { loadConfig, type GatewayConfig } from '../../src/config';
import { createLogger } from '../../src/logger';

export interface UpstreamCall {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
}

export interface Stack {
  request: ReturnType<typeof supertest>;
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
  options: { sandbox?: Partial<SandboxOptions>; env?: Record<string, string>; config?: Partial<GatewayConfig> } = {},
): Promise<Stack> {
  const sandbox = await startSandbox({ rateLimitPerHour: 1_000_000, ...options.sandbox }, 0);
  const logLines: string[] = [];
  const config: GatewayConfig = {
    ...loadConfig({ BITBUCKET_API_URL: sandbox.apiUrl, LOG_LEVEL: 'debug', SKIPTOKEN_SECRET: 'spec-secret-spec-secret-spec-secret!', ...options.env }),
    ...options.config,
  };
  const app = createApp({ config, logger: createLogger('debug', (line) => logLines.push(line)) });
  const control = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
  return {
    request: supertest(app),
    sandboxUrl: sandbox.url,
    apiUrl: sandbox.apiUrl,
    config,
    logLines,
    async upstreamCalls() {
      const response = await control.get<UpstreamCall[]>('/_sandbox/requests');
      return response.data.filter((call) => call.path.startsWith('/2.0'));
    },
    async clearUpstreamCalls() {
      await control.delete('/_sandbox/requests');
    },
    async resetSandbox() {
      await control.post('/_sandbox/reset');
    },
    close: () => sandbox.close(),
  };
}
