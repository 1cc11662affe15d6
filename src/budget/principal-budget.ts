/**
 * The budget per upstream principal (issue #14 item 1). Bitbucket allows 1,000 calls per rolling hour per user,
 * access token or OAuth consumer (support.atlassian.com "API request limits"; access tokens on large workspaces get
 * more and say so in `X-RateLimit-Limit`), and everyone behind one OAuth consumer shares the consumer's hour. Bitbucket
 * sends no remaining count (only `X-RateLimit-Limit`/`-NearLimit` to access tokens, support.atlassian.com/bitbucket-cloud/docs/api-request-limits/), so the
 * gateway counts the calls it sends per principal, in one-minute buckets over the last 60 minutes (a rolling hour at
 * minute resolution), in the shared store, so that replicas sharing Redis share the count.
 *
 * The rule, kept simple and honest because the cost of a request is not known before it lists what it fans out over:
 * - a request whose principal has less than `reserve` calls left is refused before its first call (nothing spent);
 * - a request that finds the hour spent mid-way stops there (the calls made so far are spent; the answer is 429);
 * - behind a shared OAuth consumer, one caller may spend at most `userSharePercent` % of the consumer's hour;
 * - after Bitbucket answers 429, the principal's calls are refused until its Retry-After (else a minute) has passed,
 *   so nothing is spent on calls that would be refused anyway.
 * Every refusal says when the hour frees enough (from the counted buckets). Learned from Bitbucket: `X-RateLimit-Limit`
 * replaces the configured hour for that principal; `X-RateLimit-NearLimit: true` (under 20 % left) raises the count
 * to at least 80 % of the limit, since calls made elsewhere (other tools, other gateways) spend the same hour.
 *
 * Not atomic: concurrent calls of one principal may each see the last free call, so the count may pass the limit by
 * the concurrency in flight (FAN_OUT_CONCURRENCY per request). Bitbucket's own 429 remains the final word.
 */
import type { UpstreamBudgetGate, UpstreamCredential } from '../bitbucket';
import type { SharedStore } from '../storage';
import { BudgetRefusal, type BudgetRefusalReason } from './budget-refusal';
import { budgetMetrics, recordBudgetReport } from './budget-metrics';
import type { UpstreamPrincipal } from './upstream-principal';

export interface BudgetSettings {
  /** Calls per rolling hour assumed until Bitbucket says otherwise (`UPSTREAM_BUDGET_PER_HOUR`; 0 turns the budget off). */
  perHour: number;
  /** A request is refused before its first call when fewer than this many remain (`UPSTREAM_BUDGET_RESERVE`). */
  reserve: number;
  /** Most of a shared consumer's hour one caller may spend, in percent (`UPSTREAM_BUDGET_USER_SHARE_PERCENT`). */
  userSharePercent: number;
}

/** The caller's budget after a call, for the `X-Budget-*` response headers. */
export interface BudgetReport {
  limit: number;
  /** Calls the caller may still make this hour (its fair share, when shared, caps it). */
  remaining: number;
  /** Seconds until the oldest counted call leaves the hour (capacity starts coming back). */
  resetSeconds: number;
}

export interface PrincipalBudgetOptions {
  store: SharedStore;
  settings: BudgetSettings;
  principalOf: (credential: UpstreamCredential) => UpstreamPrincipal;
  /** Calls the current request has made so far (0 before its first): tells "before spending" from "mid-way". */
  requestCalls: () => number;
  /** Told after each admitted call (the http layer writes it into the response headers). */
  onReport?: (report: BudgetReport) => void;
  now?: () => number;
}

const MINUTE_MS = 60_000;
const WINDOW_MINUTES = 60;
/** Buckets outlive the hour a little, so a clock skew between replicas never drops a counted call early. */
const BUCKET_TTL_SECONDS = 3700;
/** Bitbucket's usual 429 says nothing of when to come back; a minute is the shortest wait likely to help. */
const DEFAULT_BLOCK_SECONDS = 60;
const NEAR_LIMIT_USED_FRACTION = 0.8;

interface Window {
  /** Minute index of buckets[0] (the oldest). */
  firstMinute: number;
  buckets: number[];
  used: number;
}

export class PrincipalBudget implements UpstreamBudgetGate {
  readonly #options: PrincipalBudgetOptions;
  readonly #now: () => number;

  constructor(options: PrincipalBudgetOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.#options.settings.perHour > 0;
  }

  async beforeAttempt(credential: UpstreamCredential, attempt: number): Promise<void> {
    if (!this.enabled || credential.kind === 'none') return;
    const principal = this.#options.principalOf(credential);
    const now = this.#now();
    const state = await this.#state(principal, now);
    const { settings } = this.#options;
    const spentByRequest = this.#options.requestCalls();
    const remaining = state.limit - state.consumer.used;
    const refuse = (reason: BudgetRefusalReason, freesInSeconds: number, extra: { userLimit?: number } = {}): never => {
      budgetMetrics.refused[reason] += 1;
      throw new BudgetRefusal(reason, { limit: state.limit, remaining: Math.max(0, remaining), freesInSeconds, spentByRequest, reserve: settings.reserve, ...extra });
    };
    // A retry of a call Bitbucket has just refused with 429 is the client's own bounded backoff: let it run.
    if (state.blockedUntilSeconds * 1000 > now && attempt === 1) refuse('upstream-429', Math.ceil(state.blockedUntilSeconds - now / 1000));
    if (spentByRequest === 0 && remaining < Math.max(1, settings.reserve)) {
      refuse('reserve', freesIn(state.consumer, remaining, Math.max(1, settings.reserve), now));
    }
    if (remaining < 1) refuse('exhausted', freesIn(state.consumer, remaining, 1, now));
    let userRemaining = Number.POSITIVE_INFINITY;
    let userLimit: number | undefined;
    if (principal.shared && state.user !== undefined) {
      userLimit = Math.max(1, Math.floor((state.limit * settings.userSharePercent) / 100));
      userRemaining = userLimit - state.user.used;
      if (userRemaining < 1) refuse('user-share', freesIn(state.user, userRemaining, 1, now), { userLimit });
    }
    const minute = Math.floor(now / MINUTE_MS);
    const writes = [this.#options.store.increment(bucketKey(principal.budgetKey, minute), 1, BUCKET_TTL_SECONDS)];
    if (principal.shared) writes.push(this.#options.store.increment(bucketKey(`u:${principal.userKey}`, minute), 1, BUCKET_TTL_SECONDS));
    await Promise.all(writes);
    budgetMetrics.spent += 1;
    const oldest = state.consumer.buckets.findIndex((count) => count > 0);
    const resetAtMinute = (oldest < 0 ? minute : state.consumer.firstMinute + oldest) + WINDOW_MINUTES;
    const report: BudgetReport = {
      limit: state.limit,
      remaining: Math.max(0, Math.min(remaining, userRemaining) - 1),
      resetSeconds: Math.max(1, Math.ceil((resetAtMinute * MINUTE_MS - now) / 1000)),
    };
    recordBudgetReport(principal.userKey, report, now);
    this.#options.onReport?.(report);
  }

  async afterAnswer(credential: UpstreamCredential, status: number, headers: Record<string, string>): Promise<void> {
    if (!this.enabled || credential.kind === 'none') return;
    const principal = this.#options.principalOf(credential);
    const { store } = this.#options;
    const now = this.#now();
    const limitHeader = headers['x-ratelimit-limit'];
    if (limitHeader !== undefined && /^\d+$/.test(limitHeader.trim()) && Number(limitHeader) > 0) {
      await store.set(limitKey(principal.budgetKey), Buffer.from(String(Number(limitHeader))), WINDOW_MINUTES * 60);
    }
    if (status === 429) {
      budgetMetrics.upstream429 += 1;
      const retryAfter = headers['retry-after'];
      const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Math.max(1, Number(retryAfter)) : DEFAULT_BLOCK_SECONDS;
      const until = Math.ceil(now / 1000) + seconds;
      await store.set(blockKey(principal.budgetKey), Buffer.from(String(until)), seconds);
    }
    if (headers['x-ratelimit-nearlimit']?.trim().toLowerCase() === 'true') {
      const state = await this.#state(principal, now);
      const floor = Math.ceil(state.limit * NEAR_LIMIT_USED_FRACTION);
      if (state.consumer.used < floor) {
        await store.increment(bucketKey(principal.budgetKey, Math.floor(now / MINUTE_MS)), floor - state.consumer.used, BUCKET_TTL_SECONDS);
      }
    }
  }

  /** The principal's counted hour as it stands (for reports and tests). */
  async report(credential: UpstreamCredential): Promise<BudgetReport | undefined> {
    if (!this.enabled || credential.kind === 'none') return undefined;
    const now = this.#now();
    const state = await this.#state(this.#options.principalOf(credential), now);
    const oldest = state.consumer.buckets.findIndex((count) => count > 0);
    const resetAtMinute = (oldest < 0 ? Math.floor(now / MINUTE_MS) : state.consumer.firstMinute + oldest) + WINDOW_MINUTES;
    return { limit: state.limit, remaining: Math.max(0, state.limit - state.consumer.used), resetSeconds: Math.max(1, Math.ceil((resetAtMinute * MINUTE_MS - now) / 1000)) };
  }

  async #state(principal: UpstreamPrincipal, now: number): Promise<{ limit: number; consumer: Window; user?: Window; blockedUntilSeconds: number }> {
    const { store, settings } = this.#options;
    const lastMinute = Math.floor(now / MINUTE_MS);
    const firstMinute = lastMinute - WINDOW_MINUTES + 1;
    const minutes = Array.from({ length: WINDOW_MINUTES }, (_, index) => firstMinute + index);
    const keys = minutes.map((minute) => bucketKey(principal.budgetKey, minute));
    if (principal.shared) keys.push(...minutes.map((minute) => bucketKey(`u:${principal.userKey}`, minute)));
    const [counts, learnedLimit, blocked] = await Promise.all([store.counters(keys), store.get(limitKey(principal.budgetKey)), store.get(blockKey(principal.budgetKey))]);
    const window = (buckets: number[]): Window => ({ firstMinute, buckets, used: buckets.reduce((sum, count) => sum + count, 0) });
    const limit = learnedLimit !== undefined ? Number(learnedLimit.toString()) || settings.perHour : settings.perHour;
    return {
      limit,
      consumer: window(counts.slice(0, WINDOW_MINUTES)),
      ...(principal.shared ? { user: window(counts.slice(WINDOW_MINUTES)) } : {}),
      blockedUntilSeconds: blocked !== undefined ? Number(blocked.toString()) || 0 : 0,
    };
  }
}

/** Seconds until `needed` calls are free, as the oldest counted minutes leave the hour (at least 1). */
function freesIn(window: Window, remaining: number, needed: number, now: number): number {
  let free = remaining;
  for (let index = 0; index < window.buckets.length; index++) {
    free += window.buckets[index];
    if (free >= needed) return Math.max(1, Math.ceil(((window.firstMinute + index + WINDOW_MINUTES) * MINUTE_MS - now) / 1000));
  }
  return WINDOW_MINUTES * 60;
}

function bucketKey(key: string, minute: number): string {
  return `budget:${key}:${minute}`;
}

function limitKey(key: string): string {
  return `budget-limit:${key}`;
}

function blockKey(key: string): string {
  return `budget-blocked:${key}`;
}
