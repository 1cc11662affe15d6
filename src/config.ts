/**
 * Gateway configuration: from the environment (and, for secrets, optionally files), validated once at start with
 * messages that say what to fix. The upstream host is configuration only, never taken from a request.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Service mode: requests without credentials act as one credential the gateway holds (internal dashboards; the demo).
 * `client_credentials` fetches tokens for the OAuth consumer (a private consumer: Bitbucket "Use OAuth on Bitbucket
 * Cloud", client credentials grant); `access_token` uses a workspace/project/repository access token as it is.
 */
export type ServiceMode = { kind: 'client_credentials' } | { kind: 'access_token'; token: string };

export interface GatewayConfig {
  port: number;
  /** Bitbucket REST 2.0 base URL. */
  bitbucketApiUrl: string;
  /** Bitbucket's web origin, where the OAuth 2.0 endpoints live (`/site/oauth2/authorize`, `/site/oauth2/access_token`). */
  bitbucketOAuthUrl: string;
  /** Public base URL of this gateway when behind a proxy (used in links); derived from the request otherwise. */
  publicUrl?: string;
  /**
   * Without `PUBLIC_URL`, the `Host` names (besides loopback ones) that links may be built from (`ALLOWED_HOSTS`,
   * comma-separated, `host` or `host:port`); any other `Host` is refused (src/http/public-base.ts).
   */
  allowedHosts?: string[];
  /** Key that signs `$skiptoken`s. Random per process unless set; set it when running several replicas. */
  skiptokenSecret: Buffer;
  /** OAuth 2.0 consumer of Bitbucket: enables `/auth/login` and the client-credentials service mode. */
  oauthClient?: { id: string; secret: string };
  /** Where Bitbucket sends the browser back; must match the consumer's callback URL. `PUBLIC_URL/auth/callback`, or from the request. */
  oauthCallbackUrl?: string;
  /** Keys of the encrypted session cookie, newest first: the first seals, every one opens (rotation). 32 bytes each. */
  cookieKeys: Buffer[];
  /** `Secure` on cookies: `auto` sets it when the gateway is reached over TLS (PUBLIC_URL https, or a TLS socket). */
  cookieSecure: 'auto' | 'always' | 'never';
  /** Longest a browser session lives before signing in again, whatever the refreshes. */
  sessionTtlSeconds: number;
  /** Query parameter that carries a gateway key (Power Query's `ApiKeyName`; src/credentials/gateway-keys.ts). */
  apiKeyParameter: string;
  /** Longest a gateway key lives from its creation. */
  gatewayKeyTtlSeconds: number;
  /** Opt-in: requests without credentials act as this (never on by default; `npm run demo` turns it on). */
  serviceMode?: ServiceMode;
  upstreamTimeoutMs: number;
  upstreamMaxRetries: number;
  maxRetryAfterSeconds: number;
  /** Rows per response page before `@odata.nextLink` (client `Prefer: odata.maxpagesize` may lower it). */
  maxPageSize: number;
  maxTop: number;
  maxFanOut: number;
  fanOutConcurrency: number;
  /**
   * Keep-alive sockets to Bitbucket the gateway keeps open at most (`UPSTREAM_MAX_SOCKETS`), shared by every request.
   * Never below `fanOutConcurrency`: a fan-out could not have more calls in flight than the pool has sockets.
   */
  upstreamMaxSockets: number;
  maxFilterLength: number;
  maxFilterDepth: number;
  /** Most related entities one collection-valued `$expand` may hold per parent (an expansion has no paging). */
  maxExpandRows: number;
  /** Most Bitbucket calls one request may spend (src/http/request-context.ts). */
  maxUpstreamCallsPerRequest: number;
  /** Longest a read may run before it answers 504 and stops its upstream work, in seconds. */
  requestDeadlineSeconds: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** A progress line every this many Bitbucket calls of one request (src/http/observability.ts); 0 for none. */
  logProgressEvery: number;
  /** Push work to Bitbucket (`PUSHDOWN=off` only to measure what pushdown saves). */
  pushdown: boolean;
  /** Paging snapshots (`src/paging/page-snapshots.ts`): bounds of the ordered rows kept for later pages of a walk. */
  pagingSnapshots: PagingSnapshotLimits;
  /** Rows held in memory at once by whole-set reads and paging snapshots together (src/memory/memory-budget.ts). */
  maxRowsInMemory: number;
  /** How long Bitbucket's acceptance of a credential is trusted for pages served from memory (src/paging/credential-liveness.ts). */
  credentialRecheckSeconds: number;
  /** Reuse of Bitbucket GET answers per principal (src/bitbucket/response-cache.ts); `freshSeconds` 0 turns it off. */
  upstreamCache: { freshSeconds: number; immutableSeconds: number; maxBytes: number };
  /** The budget per upstream principal (src/budget/principal-budget.ts); `perHour` 0 turns it off. */
  upstreamBudget: { perHour: number; reserve: number; userSharePercent: number; notModifiedCounts: boolean };
  /** Redis or Valkey shared by replicas (budgets, cache, paging snapshots); the bounded in-process store when unset. */
  redisUrl?: string;
  /** Bearer token `GET /metrics` asks for (`METRICS_TOKEN`); unset, /metrics is open, as before. */
  metricsToken?: string;
  /**
   * Bitbucket webhooks as change notices (`WEBHOOK_SECRET`, `WEBHOOK_WORKSPACES`, `WEBHOOK_TRUST_SECONDS`): the
   * receiver `POST /webhooks/bitbucket` and longer trust in the covered answers of the declared workspaces
   * (src/bitbucket/notice-trust.ts). Unset: no receiver, every answer on the ordinary window.
   */
  webhooks?: { secret: string; workspaces: string[]; trustSeconds: number };
}

function redisUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError('REDIS_URL is not a URL: give redis://host:6379, rediss://host:6380 (a password may be in the URL: redis://:password@host:6379).');
  }
  if (!['redis:', 'rediss:'].includes(parsed.protocol)) throw new ConfigError('REDIS_URL must start with redis:// or rediss://.');
  return raw;
}

/** A scraper's bearer token: long enough not to be guessed, and nothing a header could not carry. */
function metricsToken(env: NodeJS.ProcessEnv): Pick<GatewayConfig, 'metricsToken'> {
  const token = env.METRICS_TOKEN;
  if (token === undefined || token === '') return {};
  if (token.length < 16 || !/^[A-Za-z0-9._~+/=-]+$/.test(token)) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters of letters, digits and ._~+/=- (a bearer token, RFC 6750 §2.1); give a random one.');
  }
  return { metricsToken: token };
}

/**
 * The webhook secret signs every delivery (HMAC-SHA256, bitbucket.org/blog/enhanced-webhook-security): one short
 * enough to guess would let anyone mark repositories changed, or, worse, hide nothing but cost calls; so at least 16
 * characters. The workspaces and the trust time mean nothing without it, so they are refused alone.
 */
function webhookSettings(env: NodeJS.ProcessEnv): Pick<GatewayConfig, 'webhooks'> {
  const secret = env.WEBHOOK_SECRET ?? '';
  const workspacesRaw = env.WEBHOOK_WORKSPACES ?? '';
  const trustRaw = env.WEBHOOK_TRUST_SECONDS ?? '';
  if (secret === '') {
    if (workspacesRaw !== '' || trustRaw !== '') throw new ConfigError('WEBHOOK_WORKSPACES and WEBHOOK_TRUST_SECONDS need WEBHOOK_SECRET: give the secret of the workspace webhooks that deliver to /webhooks/bitbucket (at least 16 characters), or drop them.');
    return {};
  }
  if (secret.length < 16) throw new ConfigError('WEBHOOK_SECRET is shorter than 16 characters: a short secret can be guessed, and whoever guesses it can send change notices; give a random one of at least 16 characters, the same as the webhooks\' secret in Bitbucket.');
  const workspaces = workspacesRaw.split(',').map((workspace) => workspace.trim()).filter((workspace) => workspace !== '');
  const bad = workspaces.find((workspace) => !/^[A-Za-z0-9._-]+$/.test(workspace));
  if (bad !== undefined) throw new ConfigError(`WEBHOOK_WORKSPACES: ${JSON.stringify(bad)} is not a workspace ID; give IDs (as in bitbucket.org/<workspace>) separated by commas.`);
  return { webhooks: { secret, workspaces: workspaces.map((workspace) => workspace.toLowerCase()), trustSeconds: integer(env, 'WEBHOOK_TRUST_SECONDS', 3600, 60, 86400) } };
}

/** 0 in any of these turns paging snapshots off. */
export interface PagingSnapshotLimits {
  /** A snapshot not read for this long is dropped. */
  ttlSeconds: number;
  /** Largest snapshot kept, in rows; a larger answer pages by cursor alone. */
  maxRows: number;
  /** Rows of all snapshots together; the least recently read snapshots are dropped first. */
  maxTotalRows: number;
  /** Bytes of all snapshots kept in Redis together (`REDIS_URL`; src/paging/redis-page-snapshots.ts). */
  maxTotalBytes?: number;
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

function trueOrFalse(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: give true or false.`);
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

/** Secrets that may come from a file named by `<NAME>_FILE` (Docker and Kubernetes secrets). */
export const SECRET_SETTINGS = ['OAUTH_CLIENT_SECRET', 'SESSION_KEYS', 'COOKIE_KEYS', 'SERVICE_ACCESS_TOKEN', 'SKIPTOKEN_SECRET', 'METRICS_TOKEN', 'WEBHOOK_SECRET'] as const;

function readSettingFile(name: string, path: string): string {
  try {
    // A trailing newline is how editors and `echo` end files; it is never part of a secret.
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${name}=${JSON.stringify(path)} cannot be read (${code}): give the path of a readable file.`);
  }
}

/**
 * The settings in force: the environment first, then `<SECRET>_FILE` files, then the optional JSON file named by
 * `CONFIG_FILE` (an object of setting names to strings, numbers or booleans, e.g. `{"OAUTH_CLIENT_ID": "…"}`).
 */
export function resolveSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const fromFile: NodeJS.ProcessEnv = {};
  if (env.CONFIG_FILE) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readSettingFile('CONFIG_FILE', env.CONFIG_FILE));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`CONFIG_FILE=${JSON.stringify(env.CONFIG_FILE)} is not valid JSON: give an object such as {"OAUTH_CLIENT_ID": "…"}.`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError('CONFIG_FILE must hold a JSON object of setting names to values.');
    for (const [name, value] of Object.entries(parsed)) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new ConfigError(`CONFIG_FILE: "${name}" is not a setting name; use the environment variable names, e.g. OAUTH_CLIENT_ID.`);
      if (!['string', 'number', 'boolean'].includes(typeof value)) throw new ConfigError(`CONFIG_FILE: ${name} must be a string, number or boolean.`);
      fromFile[name] = String(value);
    }
  }
  const settings: NodeJS.ProcessEnv = { ...fromFile, ...env };
  for (const name of SECRET_SETTINGS) {
    const path = env[`${name}_FILE`];
    if (path === undefined || path === '') continue;
    if (env[name] !== undefined && env[name] !== '') throw new ConfigError(`${name} and ${name}_FILE are both set: keep one.`);
    settings[name] = readSettingFile(`${name}_FILE`, path);
  }
  return settings;
}

/** A cookie key of any length ≥ 32 characters becomes a 32-byte AES-256 key (HKDF-SHA256, RFC 5869). */
function cookieKey(text: string): Buffer {
  return Buffer.from(hkdfSync('sha256', text, '', 'bitbucket-odata session cookie v1', 32));
}

/**
 * The upstream socket pool: by default room for four queries fanning out at once (`4 × FAN_OUT_CONCURRENCY`, at least
 * the 16 it always had). A pool smaller than one query's fan-out would queue its calls behind each other and make
 * `FAN_OUT_CONCURRENCY` a promise it cannot keep, so that is refused.
 */
function upstreamMaxSockets(env: NodeJS.ProcessEnv, fanOutConcurrency: number): number {
  const sockets = integer(env, 'UPSTREAM_MAX_SOCKETS', Math.max(16, 4 * fanOutConcurrency), 1, 1024);
  if (sockets < fanOutConcurrency) throw new ConfigError(`UPSTREAM_MAX_SOCKETS=${sockets} is below FAN_OUT_CONCURRENCY=${fanOutConcurrency}: a fan-out would wait for sockets; give UPSTREAM_MAX_SOCKETS at least ${fanOutConcurrency}, or lower FAN_OUT_CONCURRENCY.`);
  return sockets;
}

/** A plain query parameter name: never a system query option (`$…`), never one that needs percent-encoding. */
function apiKeyParameter(env: NodeJS.ProcessEnv): string {
  const name = env.API_KEY_PARAMETER ?? 'api_key';
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)) throw new ConfigError(`API_KEY_PARAMETER=${JSON.stringify(name)} is not valid: give a letter followed by letters, digits, _ or - (at most 64), like api_key.`);
  return name;
}

function oauthSettings(env: NodeJS.ProcessEnv, publicUrl: string | undefined): Pick<GatewayConfig, 'oauthClient' | 'oauthCallbackUrl' | 'cookieKeys' | 'cookieSecure' | 'sessionTtlSeconds' | 'serviceMode' | 'apiKeyParameter' | 'gatewayKeyTtlSeconds'> {
  const id = env.OAUTH_CLIENT_ID ?? '';
  const secret = env.OAUTH_CLIENT_SECRET ?? '';
  if ((id === '') !== (secret === '')) throw new ConfigError('OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET go together: give both (the key and secret of the Bitbucket OAuth consumer) or neither.');
  const oauthClient = id ? { id, secret } : undefined;
  if (env.OAUTH_CALLBACK_URL && !oauthClient) throw new ConfigError('OAUTH_CALLBACK_URL is set but OAUTH_CLIENT_ID is not: give the OAuth consumer\'s key and secret too, or drop the callback URL.');
  const callback = env.OAUTH_CALLBACK_URL ? url(env, 'OAUTH_CALLBACK_URL', 'https://odata.example.com/auth/callback') : publicUrl ? `${publicUrl}/auth/callback` : undefined;
  // SESSION_KEYS is the documented name; COOKIE_KEYS, its first name, is still read.
  if (env.SESSION_KEYS && env.COOKIE_KEYS) throw new ConfigError('SESSION_KEYS and COOKIE_KEYS are both set: keep SESSION_KEYS.');
  const keysSetting = env.SESSION_KEYS ? 'SESSION_KEYS' : 'COOKIE_KEYS';
  const keys = (env[keysSetting] ?? '').split(',').map((key) => key.trim()).filter((key) => key !== '');
  const short = keys.findIndex((key) => key.length < 32);
  if (short >= 0) throw new ConfigError(`${keysSetting}: key ${short + 1} is shorter than 32 characters; give random keys of at least 32 characters, newest first, separated by commas.`);
  const cookieSecure = (env.COOKIE_SECURE ?? 'auto') as GatewayConfig['cookieSecure'];
  if (!['auto', 'always', 'never'].includes(cookieSecure)) throw new ConfigError('COOKIE_SECURE must be one of auto, always, never.');
  let serviceMode: ServiceMode | undefined;
  const mode = env.SERVICE_MODE ?? '';
  if (mode === 'client_credentials') {
    if (!oauthClient) throw new ConfigError('SERVICE_MODE=client_credentials needs OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET of a private Bitbucket OAuth consumer.');
    serviceMode = { kind: 'client_credentials' };
  } else if (mode === 'access_token') {
    if (!env.SERVICE_ACCESS_TOKEN) throw new ConfigError('SERVICE_MODE=access_token needs SERVICE_ACCESS_TOKEN (or SERVICE_ACCESS_TOKEN_FILE): a workspace, project or repository access token.');
    serviceMode = { kind: 'access_token', token: env.SERVICE_ACCESS_TOKEN };
  } else if (mode !== '' && mode !== 'off') {
    throw new ConfigError(`SERVICE_MODE=${JSON.stringify(mode)} is not valid: give client_credentials, access_token or off.`);
  }
  return {
    oauthClient,
    oauthCallbackUrl: callback,
    // Random per process unless set, like SKIPTOKEN_SECRET: sessions then end when the process does.
    cookieKeys: keys.length > 0 ? keys.map(cookieKey) : [randomBytes(32)],
    cookieSecure,
    sessionTtlSeconds: integer(env, 'SESSION_TTL_SECONDS', 28800, 60, 90 * 24 * 3600),
    serviceMode,
    apiKeyParameter: apiKeyParameter(env),
    // Bitbucket drops a refresh token left unused for 3 months, so a longer key could outlive what it carries.
    gatewayKeyTtlSeconds: integer(env, 'GATEWAY_KEY_TTL_SECONDS', 90 * 24 * 3600, 3600, 90 * 24 * 3600),
  };
}

export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const env = resolveSettings(rawEnv);
  const logLevel = (env.LOG_LEVEL ?? 'info') as GatewayConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new ConfigError('LOG_LEVEL must be one of debug, info, warn, error.');
  const secret = env.SKIPTOKEN_SECRET;
  if (secret !== undefined && secret.length < 32) throw new ConfigError('SKIPTOKEN_SECRET must be at least 32 characters.');
  const publicUrl = env.PUBLIC_URL ? url(env, 'PUBLIC_URL', 'https://odata.example.com') : undefined;
  const fanOutConcurrency = integer(env, 'FAN_OUT_CONCURRENCY', 4, 1, 64);
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    bitbucketApiUrl: url(env, 'BITBUCKET_API_URL', 'https://api.bitbucket.org/2.0'),
    bitbucketOAuthUrl: url(env, 'BITBUCKET_OAUTH_URL', 'https://bitbucket.org'),
    publicUrl,
    allowedHosts: (env.ALLOWED_HOSTS ?? '').split(',').map((host) => host.trim()).filter((host) => host !== ''),
    skiptokenSecret: secret ? Buffer.from(secret) : randomBytes(32),
    upstreamTimeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 30000, 100, 600000),
    upstreamMaxRetries: integer(env, 'UPSTREAM_MAX_RETRIES', 3, 0, 10),
    maxRetryAfterSeconds: integer(env, 'UPSTREAM_MAX_RETRY_AFTER_SECONDS', 10, 0, 3600),
    maxPageSize: integer(env, 'MAX_PAGE_SIZE', 1000, 1, 100000),
    maxTop: integer(env, 'MAX_TOP', 100000, 1, 10000000),
    maxFanOut: integer(env, 'MAX_FAN_OUT', 1000, 1, 100000),
    fanOutConcurrency,
    upstreamMaxSockets: upstreamMaxSockets(env, fanOutConcurrency),
    maxFilterLength: integer(env, 'MAX_FILTER_LENGTH', 4000, 100, 100000),
    maxFilterDepth: integer(env, 'MAX_FILTER_DEPTH', 50, 5, 500),
    maxExpandRows: integer(env, 'MAX_EXPAND_ROWS', 1000, 1, 100000),
    // Bitbucket's hourly budget per user: a request needing more could never finish within the hour anyway.
    maxUpstreamCallsPerRequest: integer(env, 'MAX_UPSTREAM_CALLS_PER_REQUEST', 1000, 1, 1_000_000),
    // Under Power Automate's 120 s limit for a connector action, so the client sees our answer, not its own timeout.
    requestDeadlineSeconds: integer(env, 'REQUEST_DEADLINE_SECONDS', 110, 1, 3600),
    logLevel,
    logProgressEvery: integer(env, 'LOG_PROGRESS_EVERY', 100, 0, 1000000),
    pushdown: (env.PUSHDOWN ?? 'on') !== 'off',
    pagingSnapshots: {
      ttlSeconds: integer(env, 'PAGING_SNAPSHOT_TTL_SECONDS', 300, 0, 24 * 3600),
      maxRows: integer(env, 'PAGING_SNAPSHOT_MAX_ROWS', 200_000, 0, 100_000_000),
      maxTotalRows: integer(env, 'PAGING_SNAPSHOT_MAX_TOTAL_ROWS', 400_000, 0, 100_000_000),
      maxTotalBytes: integer(env, 'PAGING_SNAPSHOT_MAX_TOTAL_BYTES', 256 * 1024 * 1024, 0, 64 * 1024 * 1024 * 1024),
    },
    // Sized for a 512 MB container: see the README's Configuration table and `npm run bench:memory`.
    maxRowsInMemory: integer(env, 'MAX_ROWS_IN_MEMORY', 250_000, 1, 100_000_000),
    credentialRecheckSeconds: integer(env, 'CREDENTIAL_RECHECK_SECONDS', 60, 0, 3600),
    upstreamCache: {
      freshSeconds: integer(env, 'UPSTREAM_CACHE_SECONDS', 60, 0, 24 * 3600),
      immutableSeconds: integer(env, 'UPSTREAM_CACHE_IMMUTABLE_SECONDS', 3600, 0, 30 * 24 * 3600),
      maxBytes: integer(env, 'UPSTREAM_CACHE_MAX_BYTES', 64 * 1024 * 1024, 0, 64 * 1024 * 1024 * 1024),
    },
    upstreamBudget: {
      // Bitbucket's hour per user or OAuth consumer; X-RateLimit-Limit replaces it per principal when Bitbucket sends it.
      perHour: integer(env, 'UPSTREAM_BUDGET_PER_HOUR', 1000, 0, 100_000_000),
      reserve: integer(env, 'UPSTREAM_BUDGET_RESERVE', 50, 0, 100_000_000),
      userSharePercent: integer(env, 'UPSTREAM_BUDGET_USER_SHARE_PERCENT', 50, 1, 100),
      // Whether Bitbucket counts a 304 is undocumented and reported both ways: counted unless the operator knows better.
      notModifiedCounts: trueOrFalse(env, 'UPSTREAM_NOT_MODIFIED_COUNTS', true),
    },
    redisUrl: redisUrl(env),
    ...metricsToken(env),
    ...webhookSettings(env),
    ...oauthSettings(env, publicUrl),
  };
}
