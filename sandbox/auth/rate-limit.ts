import type { RequestHandler } from 'express';
import type { SandboxOptions } from '../options';
import { NO_QUIRKS, type QuirkState } from '../quirks';
import { isApiRequest, isScaledRateLimitRequest } from './api-path';
import type { Clock } from './clock';
import { principalOf, type Principal } from './principal';

/**
 * Bitbucket's request limit (support.atlassian.com "API request limits"): a rolling one-hour window, capacity coming
 * back as old requests age out, counted per `principal.rateKey` (per user, per access token, per OAuth consumer, per
 * IP when anonymous). Only /2.0 requests count; a refused request does not.
 *
 * Over budget: 429 with the text/plain body "Rate limit for this resource has been exceeded" (research report §5).
 * Bitbucket often sends no `Retry-After`; the sandbox sends one (seconds until the oldest counted request leaves the
 * window) so clients that honour it can be tested, and clients must still cope without it: the
 * `rate-limit-without-retry-after` quirk leaves it out (evidence row 18).
 *
 * `X-RateLimit-Limit`, `X-RateLimit-Resource` and `X-RateLimit-NearLimit` go only to access tokens on scaled
 * endpoints (/2.0/repositories/*), never to OAuth or user tokens (Atlassian support answer, community 3218562).
 * NearLimit is "true" when less than 20% of the budget remains.
 *
 * A 304 Not Modified counts unless `notModifiedCounts` is false (`SANDBOX_NOT_MODIFIED_COUNTS=false`): Bitbucket's
 * behaviour is unverified, so clients are tested against both.
 *
 * Anonymous callers get the same budget unless `anonymousPerHour` is set (Bitbucket's is 60/h; the sandbox does not
 * impose it by default so that anonymous test suites are not throttled by surprise).
 */
export const RATE_LIMIT_WINDOW_MS = 3600 * 1000;
export const RATE_LIMIT_EXCEEDED_TEXT = 'Rate limit for this resource has been exceeded';
const NEAR_LIMIT_FRACTION = 0.2;

export interface RateLimitBudget {
  perHour: number;
  /** Budget of anonymous (per-IP) callers; `null` means the same as `perHour`. */
  anonymousPerHour: number | null;
}

/** Timestamps of counted requests in arrival order; the head index avoids shifting long arrays. */
class RollingWindow {
  private times: number[] = [];
  private head = 0;

  count(now: number): number {
    while (this.head < this.times.length && this.times[this.head] <= now - RATE_LIMIT_WINDOW_MS) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** When the `excess`-th oldest counted request leaves the window, freeing that much capacity. */
  freedAt(excess: number): number {
    const index = this.head + excess - 1;
    return index < this.times.length ? this.times[index] + RATE_LIMIT_WINDOW_MS : Number.NaN;
  }

  add(now: number): void {
    this.times.push(now);
  }

  /** Takes back one request counted at `at` (a 304 when 304s do not count). */
  remove(at: number): void {
    for (let index = this.times.length - 1; index >= this.head; index--) {
      if (this.times[index] === at) {
        this.times.splice(index, 1);
        return;
      }
    }
  }
}

/**
 * One sandbox instance's budget and counted requests (sandbox/sandbox-state.ts): two sandboxes in one process throttle
 * independently. `clock` is the instance's clock, so tests move the window without waiting.
 */
export class RateLimits {
  private readonly budget: RateLimitBudget;
  private readonly windows = new Map<string, RollingWindow>();

  constructor(readonly clock: Clock, perHour: number) {
    this.budget = { perHour, anonymousPerHour: null };
  }

  getBudget(): RateLimitBudget {
    return { ...this.budget };
  }

  setBudget(update: Partial<RateLimitBudget>): RateLimitBudget {
    if (update.perHour !== undefined) this.budget.perHour = update.perHour;
    if (update.anonymousPerHour !== undefined) this.budget.anonymousPerHour = update.anonymousPerHour;
    return this.getBudget();
  }

  /** The budget of a caller: anonymous callers have their own when it is set. */
  limitOf(principalKind: Principal['kind']): number {
    return principalKind === 'anonymous' ? (this.budget.anonymousPerHour ?? this.budget.perHour) : this.budget.perHour;
  }

  /** The rolling window of one `rateKey`, created on first use. */
  windowOf(rateKey: string): RollingWindow {
    let window = this.windows.get(rateKey);
    if (!window) {
      window = new RollingWindow();
      this.windows.set(rateKey, window);
    }
    return window;
  }

  /** Forgets every counted request (budgets stay as set). */
  reset(): void {
    this.windows.clear();
  }
}

/** Must run after `createAuthenticate`. Counts against the instance's `limits` (budget changeable at runtime). */
export function createRateLimit(options: SandboxOptions, limits: RateLimits, quirks: Pick<QuirkState, 'has'> = NO_QUIRKS): RequestHandler {
  const notModifiedCounts = options.notModifiedCounts ?? true;
  return (req, res, next) => {
    if (!isApiRequest(req)) {
      next();
      return;
    }
    const principal = principalOf(res.locals, req.ip ?? 'unknown');
    const limit = limits.limitOf(principal.kind);
    const now = limits.clock.now();
    const window = limits.windowOf(principal.rateKey);
    const used = window.count(now);
    const allowed = used < limit;
    if (principal.kind === 'access-token' && isScaledRateLimitRequest(req)) {
      const remaining = limit - used - (allowed ? 1 : 0);
      res.set({ 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Resource': 'api', 'X-RateLimit-NearLimit': String(remaining < limit * NEAR_LIMIT_FRACTION) });
    }
    if (!allowed) {
      const freedAt = window.freedAt(used - limit + 1);
      const retryAfterSeconds = Number.isNaN(freedAt) ? RATE_LIMIT_WINDOW_MS / 1000 : Math.max(1, Math.ceil((freedAt - now) / 1000));
      if (!quirks.has('rate-limit-without-retry-after')) res.set('Retry-After', String(retryAfterSeconds));
      res.status(429).type('text/plain; charset=utf-8').send(RATE_LIMIT_EXCEEDED_TEXT);
      return;
    }
    window.add(now);
    if (!notModifiedCounts) {
      const counted = window;
      res.on('finish', () => {
        if (res.statusCode === 304) counted.remove(now);
      });
    }
    next();
  };
}
