import type { RefusedCredentials } from './refused-credentials';
import type { ResponseCache } from './response-cache';
import type { UpstreamBudgetGate } from './upstream-budget-gate';
export interface UpstreamRequestEvent {
  method: string;
  /** Credentials stripped (redactUrl). */
  url: string;
  /** `aborted`: the caller's signal abandoned the attempt after it was sent (still a call Bitbucket may count). */
  status: number | 'network-error' | 'timeout' | 'aborted';
  /** 1 for the first attempt of a call; retries count up. */
  attempt: number;
  durationMs: number;
}

export interface BitbucketClientOptions {
  /** e.g. https://api.bitbucket.org/2.0, or the sandbox's http://127.0.0.1:PORT/2.0. Configuration only. */
  baseUrl: string;
  /** Deadline for one attempt: connect, headers and body (default 30000). */
  timeoutMs?: number;
  /** Retries for idempotent requests on 5xx, connection resets and timeouts (default 3). */
  maxRetries?: number;
  /**
   * Longest Retry-After on a 5xx the client waits out before giving up, and the most one call waits on 429s in all
   * (Bitbucket's Retry-After or X-RateLimit-Reset when it sends one, else backoff) (default 10).
   */
  maxRetryAfterSeconds?: number;
  /** Exponential backoff base; retry n waits up to base · 2^(n-1) ms, with full jitter (default 200). */
  backoffBaseMs?: number;
  /** Ceiling of one backoff wait (default 5000). */
  maxBackoffMs?: number;
  /**
   * Backoff base on a 429 that says nothing of when to come back (Bitbucket's usual 429): retry n waits up to
   * base · 2^(n-1) ms, with full jitter, the 429 waits of one call summing to at most maxRetryAfterSeconds (default 1000).
   */
  rateLimitBackoffBaseMs?: number;
  userAgent?: string;
  /** Sockets per upstream host in the keep-alive pool (default 16; the gateway sets `UPSTREAM_MAX_SOCKETS`). */
  maxSockets?: number;
  /** Largest response body read, before and after decompression (default 32 MiB). */
  maxResponseBytes?: number;
  /** Called once per HTTP attempt: counts calls (X-Upstream-Requests) and feeds debug logs. */
  onRequest?: (event: UpstreamRequestEvent) => void;
  /**
   * Called as each HTTP attempt of a call is sent (not the probe's); `onRequest` follows when it settles, answered,
   * failed or abandoned: the time calls are in flight.
   */
  onAttemptSent?: () => void;
  /** Told the number of items of each list page read (a body with a `values` array): rows for progress lines. */
  onItems?: (count: number) => void;
  /** Told of each wait before a retry: the status that caused it (429 for Bitbucket's rate limit) and its length. */
  onRetryWait?: (wait: { status: UpstreamRequestEvent['status']; delayMs: number }) => void;
  /** Reuse of GET answers between requests, per principal (response-cache.ts); none by default. */
  responseCache?: ResponseCache;
  /** Asked before every attempt and told of every answer (the budget per principal, src/budget); none by default. */
  budget?: UpstreamBudgetGate;
  /** Credentials Bitbucket refused with 401 lately, answered again without a call (refused-credentials.ts); none by default. */
  refusedCredentials?: RefusedCredentials;
  /** Injectable for tests (default: setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
  /** Clock for HTTP-date Retry-After values (default Date.now). */
  now?: () => number;
}

/**
 * Reported as retryAfterSeconds when Bitbucket answers 429 without Retry-After, which is the usual case
 * (support.atlassian.com/bitbucket-cloud/docs/api-request-limits/; sandbox quirk `rate-limit-without-retry-after`). Bitbucket's limit is a rolling hour that "comes back minute by minute", so a minute is the
 * shortest wait likely to help; retrying sooner only spends more of the same budget.
 */
export const DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

export const BITBUCKET_CLIENT_DEFAULTS = {
  timeoutMs: 30_000,
  maxRetries: 3,
  maxRetryAfterSeconds: 10,
  backoffBaseMs: 200,
  maxBackoffMs: 5_000,
  rateLimitBackoffBaseMs: 1_000,
  userAgent: 'bitbucket-odata',
  maxSockets: 16,
  maxResponseBytes: 32 * 1024 * 1024,
} as const;

type OptionalHooks = 'onRequest' | 'onAttemptSent' | 'onItems' | 'onRetryWait' | 'responseCache' | 'budget' | 'refusedCredentials';

export type ResolvedClientOptions = Required<Omit<BitbucketClientOptions, OptionalHooks>> & Pick<BitbucketClientOptions, OptionalHooks>;

const POSITIVE_OPTIONS = ['timeoutMs', 'maxBackoffMs', 'maxSockets', 'maxResponseBytes'] as const;
const NON_NEGATIVE_OPTIONS = ['maxRetries', 'maxRetryAfterSeconds', 'backoffBaseMs', 'rateLimitBackoffBaseMs'] as const;

function requireNumber(name: string, value: number, minimum: 0 | 1): void {
  if (!Number.isFinite(value) || value < minimum) {
    throw new RangeError(`BitbucketClient option ${name} is ${value}; give a number ≥ ${minimum}.`);
  }
}

export function resolveClientOptions(options: BitbucketClientOptions): ResolvedClientOptions {
  const resolved: ResolvedClientOptions = {
    ...BITBUCKET_CLIENT_DEFAULTS,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    now: Date.now,
    ...withoutUndefined(options),
    baseUrl: options.baseUrl,
  };
  for (const name of POSITIVE_OPTIONS) requireNumber(name, resolved[name], 1);
  for (const name of NON_NEGATIVE_OPTIONS) requireNumber(name, resolved[name], 0);
  return resolved;
}

function withoutUndefined(options: BitbucketClientOptions): Partial<BitbucketClientOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<BitbucketClientOptions>;
}
