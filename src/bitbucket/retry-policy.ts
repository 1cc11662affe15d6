import { backoffDelay } from './backoff-delay';
import type { AttemptFailure } from './http-attempt';
import { parseRateLimitReset } from './rate-limit-reset';
import { parseRetryAfter } from './retry-after';
import { kindForStatus, type RetryAfterSource, type UpstreamErrorKind } from './upstream-error';

export interface RetryPolicy {
  maxRetries: number;
  maxRetryAfterSeconds: number;
  backoffBaseMs: number;
  maxBackoffMs: number;
  /** Reported when Bitbucket answers 429 without Retry-After (see DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS). */
  defaultRateLimitRetryAfterSeconds: number;
  /** Backoff base for 429s that say nothing of when to come back: retry n waits up to base · 2^(n-1) ms. */
  rateLimitBackoffBaseMs: number;
}

/** What one attempt came to, as far as the retry decision cares. */
export type AttemptSummary =
  | { type: 'response'; status: number; retryAfter?: string; rateLimitReset?: string }
  | { type: 'failed'; failure: AttemptFailure; connected: boolean; status?: number };

export interface AttemptContext {
  /** 1 for the first attempt. */
  attempt: number;
  /** GETs and writes the caller marked idempotent may be repeated; other writes only if they never left. */
  idempotent: boolean;
  policy: RetryPolicy;
  nowMs: number;
  random: () => number;
  /** Milliseconds this call has already waited on 429s (default 0); their sum stays within maxRetryAfterSeconds. */
  rateLimitWaitedMs?: number;
  /** The request changes something (any method but GET); default: a request not marked idempotent. */
  write?: boolean;
  /** An earlier attempt of this call may have been applied (`mayHaveBeenApplied`): a write's outcome stays unknown. */
  appliedBefore?: boolean;
  /**
   * Most retries of a 500 for this call, below policy.maxRetries (default: maxRetries). A 500 that answers what the
   * request asks (an unsupported `q` field, BCLOUD-22709) comes back on every retry; `retries-of-500.ts` says when.
   */
  maxRetriesOf500?: number;
}

export type AttemptDecision =
  | { action: 'accept' }
  | { action: 'retry'; delayMs: number }
  | { action: 'fail'; kind: UpstreamErrorKind; retryAfterSeconds?: number; retryAfterSource?: RetryAfterSource; outcomeUnknown?: boolean };

// Transient server statuses worth repeating for an idempotent request; 501 and 505 will not change on retry.
const RETRYABLE_SERVER_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

const KIND_BY_FAILURE: Readonly<Record<AttemptFailure, UpstreamErrorKind>> = {
  timeout: 'timeout',
  network: 'network',
  truncated: 'bad-response',
  'too-large': 'bad-response',
};

/**
 * Decides, after each attempt, whether to accept it, retry it (and after how long) or fail. A pure function, so the
 * whole policy is one table-testable place:
 * - 2xx: accept.
 * - 429: Bitbucket refused the request without processing it, so any method may be repeated. The waits on 429s of
 *   one call sum to at most maxRetryAfterSeconds. When Bitbucket says when (Retry-After, else X-RateLimit-Reset), that
 *   wait is taken if it fits, else the call fails with it. Without either, which is what Bitbucket sends
 *   (support.atlassian.com/bitbucket-cloud/docs/api-request-limits/; sandbox quirk `rate-limit-without-retry-after`), retry with exponential backoff and full jitter from
 *   rateLimitBackoffBaseMs, each wait drawn within what is left of the budget: Bitbucket's limit is a rolling hour whose
 *   capacity "comes back" as old calls age out, so a burst that just crossed it may pass seconds later, while a spent
 *   hour will not, and the bound keeps that case cheap. Then fail with the default (retryAfterSource 'default').
 * - 500/502/503/504, resets, timeouts, truncated bodies: repeat idempotent requests with backoff and jitter; a
 *   Retry-After on a 5xx is honoured as a lower bound on the wait. A 500 is repeated at most maxRetriesOf500 times
 *   when the call sets it (a 500 that is Bitbucket's answer to the request, not a passing fault, would come back).
 * - A non-idempotent write is repeated only if the connection never opened (nothing was sent); otherwise it fails
 *   with outcomeUnknown when Bitbucket may have applied it (no status, or a 5xx) or did (a 2xx whose body was lost).
 *   An idempotent write that runs out of retries fails the same way when any attempt may have been applied
 *   (`appliedBefore`, or this one): its last error says nothing of whether an earlier attempt took effect.
 * Every retry counts against maxRetries, so there are at most maxRetries + 1 attempts.
 */
export function decideAfterAttempt(outcome: AttemptSummary, context: AttemptContext): AttemptDecision {
  const decision = decide(outcome, context);
  // Whatever the last attempt met (a 404, a 429), a write an earlier attempt may have applied is of unknown outcome.
  if (decision.action === 'fail' && (context.write ?? !context.idempotent) && context.appliedBefore === true) decision.outcomeUnknown = true;
  return decision;
}

function decide(outcome: AttemptSummary, context: AttemptContext): AttemptDecision {
  const { attempt, idempotent, policy } = context;
  const retriesLeft = attempt <= policy.maxRetries;
  const backoff = (): number => backoffDelay(attempt, policy.backoffBaseMs, policy.maxBackoffMs, context.random);

  if (outcome.type === 'response') {
    const { status } = outcome;
    if (status >= 200 && status < 300) return { action: 'accept' };
    const retryAfterSeconds = parseRetryAfter(outcome.retryAfter, context.nowMs);
    if (status === 429) {
      const budgetMs = policy.maxRetryAfterSeconds * 1000 - (context.rateLimitWaitedMs ?? 0);
      const resetSeconds = parseRateLimitReset(outcome.rateLimitReset, context.nowMs);
      const hint: { seconds: number; source: RetryAfterSource } | undefined =
        retryAfterSeconds !== undefined
          ? { seconds: retryAfterSeconds, source: 'retry-after' }
          : resetSeconds !== undefined
            ? { seconds: resetSeconds, source: 'x-ratelimit-reset' }
            : undefined;
      if (hint !== undefined) {
        if (retriesLeft && hint.seconds * 1000 <= budgetMs) return { action: 'retry', delayMs: hint.seconds * 1000 };
        return { action: 'fail', kind: 'rate-limited', retryAfterSeconds: hint.seconds, retryAfterSource: hint.source };
      }
      if (retriesLeft && budgetMs > 0) {
        return { action: 'retry', delayMs: backoffDelay(attempt, policy.rateLimitBackoffBaseMs, budgetMs, context.random) };
      }
      return { action: 'fail', kind: 'rate-limited', retryAfterSeconds: policy.defaultRateLimitRetryAfterSeconds, retryAfterSource: 'default' };
    }
    if (status >= 500) {
      const waitIsAcceptable = retryAfterSeconds === undefined || retryAfterSeconds <= policy.maxRetryAfterSeconds;
      const retriesOfStatusLeft = status !== 500 || context.maxRetriesOf500 === undefined || attempt <= context.maxRetriesOf500;
      if (idempotent && retriesLeft && retriesOfStatusLeft && waitIsAcceptable && RETRYABLE_SERVER_STATUSES.has(status)) {
        return { action: 'retry', delayMs: Math.max(backoff(), (retryAfterSeconds ?? 0) * 1000) };
      }
      const failure: AttemptDecision = { action: 'fail', kind: kindForStatus(status) };
      if (retryAfterSeconds !== undefined) failure.retryAfterSeconds = retryAfterSeconds;
      if (context.write ?? !idempotent) failure.outcomeUnknown = true;
      return failure;
    }
    return { action: 'fail', kind: kindForStatus(status) };
  }

  const repeatable = outcome.failure !== 'too-large' && (idempotent || !outcome.connected);
  if (repeatable && retriesLeft) return { action: 'retry', delayMs: backoff() };
  const failure: AttemptDecision = { action: 'fail', kind: KIND_BY_FAILURE[outcome.failure] };
  // No status (reset, timeout after sending) or a 5xx: Bitbucket may have applied the write. A 2xx status whose body
  // did not arrive whole (cut off, too large): it did, and only the answer is lost. Either way the caller cannot know
  // what became of it, and must read before retrying (issue #11 item 1).
  // An idempotent write (PATCH, approve) retried into the same fault every time is no better known: it may have been
  // applied by any attempt, so it is answered the same way, never as a plain 502 that says it failed.
  if ((context.write ?? !idempotent) && mayHaveBeenApplied(outcome)) failure.outcomeUnknown = true;
  return failure;
}

/**
 * Whether Bitbucket may have applied a write whose attempt came to this: no status after the request went out (a
 * reset, a timeout), a 5xx (it may have failed after applying), or a 2xx whose body was lost (it did). A 4xx or 429
 * refused it; a connection that never opened sent nothing.
 */
export function mayHaveBeenApplied(outcome: AttemptSummary): boolean {
  if (outcome.type === 'response') return outcome.status >= 500;
  const status = outcome.status;
  return outcome.connected && (status === undefined || status >= 500 || (status >= 200 && status < 300));
}
