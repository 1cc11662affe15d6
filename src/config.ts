/**
 * Gateway configuration: from the environment (and, for secrets, optionally files), validated once at start with
 * messages that say what to fix. The upstream host is configuration only, never taken from a request.
 */
import { randomBytes } from 'node:crypto';

export interface GatewayConfig {
  port: number;
  /** Bitbucket REST 2.0 base URL. */
  bitbucketApiUrl: string;
  /** Bitbucket's web origin, where the OAuth 2.0 endpoints live (`/site/oauth2/authorize`, `/site/oauth2/access_token`). */
  bitbucketOAuthUrl: string;
  /** Public base URL of this gateway when behind a proxy (used in links); derived from the request otherwise. */
  publicUrl?: string;
  /** Key that signs `$skiptoken`s. Random per process unless set; set it when running several replicas. */
  skiptokenSecret: Buffer;
  /** Demo mode: requests without credentials act as this credential (only `npm run demo` sets it). */
  demoCredential?: { kind: 'bearer'; token: string };
  upstreamTimeoutMs: number;
  upstreamMaxRetries: number;
  maxRetryAfterSeconds: number;
  /** Rows per response page before `@odata.nextLink` (client `Prefer: odata.maxpagesize` may lower it). */
  maxPageSize: number;
  maxTop: number;
  maxFanOut: number;
  fanOutConcurrency: number;
  maxFilterLength: number;
  maxFilterDepth: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Push work to Bitbucket (`PUSHDOWN=off` only to measure what pushdown saves). */
  pushdown: boolean;
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: give a whole number from ${min} to ${max}.`);
  }
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name] ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a URL: give an absolute http(s) URL such as ${fallback}.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError(`${name} must be an http(s) URL.`);
  if (parsed.username || parsed.password) throw new ConfigError(`${name} must not carry credentials.`);
  return raw.replace(/\/+$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const logLevel = (env.LOG_LEVEL ?? 'info') as GatewayConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new ConfigError('LOG_LEVEL must be one of debug, info, warn, error.');
  const secret = env.SKIPTOKEN_SECRET;
  if (secret !== undefined && secret.length < 32) throw new ConfigError('SKIPTOKEN_SECRET must be at least 32 characters.');
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    bitbucketApiUrl: url(env, 'BITBUCKET_API_URL', 'https://api.bitbucket.org/2.0'),
    bitbucketOAuthUrl: url(env, 'BITBUCKET_OAUTH_URL', 'https://bitbucket.org'),
    publicUrl: env.PUBLIC_URL ? url(env, 'PUBLIC_URL', 'https://odata.example.com') : undefined,
    skiptokenSecret: secret ? Buffer.from(secret) : randomBytes(32),
    upstreamTimeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 30000, 100, 600000),
    upstreamMaxRetries: integer(env, 'UPSTREAM_MAX_RETRIES', 3, 0, 10),
    maxRetryAfterSeconds: integer(env, 'UPSTREAM_MAX_RETRY_AFTER_SECONDS', 10, 0, 3600),
    maxPageSize: integer(env, 'MAX_PAGE_SIZE', 1000, 1, 100000),
    maxTop: integer(env, 'MAX_TOP', 100000, 1, 10000000),
    maxFanOut: integer(env, 'MAX_FAN_OUT', 1000, 1, 100000),
    fanOutConcurrency: integer(env, 'FAN_OUT_CONCURRENCY', 4, 1, 64),
    maxFilterLength: integer(env, 'MAX_FILTER_LENGTH', 4000, 100, 100000),
    maxFilterDepth: integer(env, 'MAX_FILTER_DEPTH', 50, 5, 500),
    logLevel,
    pushdown: (env.PUSHDOWN ?? 'on') !== 'off',
  };
}
