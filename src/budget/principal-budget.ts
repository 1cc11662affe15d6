/**
 * The budget per upstream principal (issue #14 item 1). Bitbucket allows 1,000 calls per rolling hour per user,
 * access token or OAuth consumer (support.atlassian.com "API request limits"; access tokens on large workspaces get
 * more and say so in `X-RateLimit-Limit`), and everyone behind one OAuth consumer shares the consumer's hour. Bitbucket
 * sends no remaining count (only `X-RateLimit-Limit`/`-NearLimit` to access tokens, support.atlassian.com/bitbucket-cloud/docs/api-request-limits/), so the
 * gateway counts the calls it sends per principal, in one-minute buckets over the last 60 minutes (a rolling hour at
 * minute resolution), in the shared store, so that replicas sharing Redis share the count. The buckets are a tally
 * (a counter per minute, SharedStore.incrementField): Redis never evicts it to make room for the cache, since a count
 * it lost would let the hour be spent twice.
 *
 * Only a credential Bitbucket has accepted gets a tally. Anyone can make up credentials (a random Bearer token, random
 * Basic credentials), and a tally per made-up principal would be state Redis may not evict, for up to an hour each: a
 * flood of them would fill Redis until every write, and so every request, failed (503 StoreUnavailable). So a caller's
 * calls are counted in a count Redis may evict until Bitbucket answers one of them 2xx or 304; that answer opens the
 * caller's tally and moves the count into it in one step (SharedStore.openTally), and from then on each call is
 * counted in the tally (SharedStore.addToTallyOrCount decides where in the same step as it adds, so no call counted
 * while another replica opens the tally is left behind in the count). Reads add both up. What eviction can lose is the
 * calls of a credential not yet accepted: Bitbucket's 401s are its own, and count against nobody's hour.
 * A shared OAuth consumer's own tally (one per gateway) is kept from the first call: its callers (sessions, gateway
 * keys) are the gateway's own, checked before any call.
 *
 * What Bitbucket says of a principal is kept the same way: a learned `X-RateLimit-Limit` and a 429's block are
 * counters of its tally once Bitbucket has accepted it (a cache key Redis evicted sent the gateway back to the
 * configured hour, or let it send calls Bitbucket had just refused). A 429 alone does not show acceptance: Bitbucket
 * throttles unauthenticated calls per IP (60 an hour, support.atlassian.com "API request limits"), and whether it
 * checks a credential before throttling is not documented, so a 429 to a credential never accepted is kept in a value
 * Redis may evict, as before: a flood of made-up credentials leaves nothing Redis must keep.
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
 * Each change of the count is one step in the store (one Lua script on Redis): adding a call, opening the tally with
 * the calls counted before, giving a 304's call back, raising it to a NearLimit floor
 * (spec/budget/budget-across-replicas.spec.ts). Admission is not: concurrent calls of one principal may each see the
 * last free call, so the count may pass the limit by the concurrency in flight (FAN_OUT_CONCURRENCY per request), each
 * of them counted. Bitbucket's own 429 remains the final word.
 */
import { LRUCache } from 'lru-cache';
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
  /**
   * Whether a `304 Not Modified` (a revalidation with `If-None-Match`) spends one of the hour
   * (`UPSTREAM_NOT_MODIFIED_COUNTS`; absent = true). Bitbucket does not document it and public reports disagree
   * (spec/fixtures/recorded-bitbucket/README.md, "ETags and 304s"), so counting is the default: false is for an
   * operator who has seen Bitbucket not count them. Each attempt is still counted before it is sent (its answer is not
   * known yet, and admission must not overspend); a 304 then gives its call back.
   */
  notModifiedCounts?: boolean;
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
/**
 * How long this process takes a caller Bitbucket accepted as accepted without asking its tally, and how many it
 * remembers: each accepted answer of a caller it does not remember moves the caller's evictable count into its tally
 * (one more Redis command, so about once per caller per minute and replica).
 */
const ACCEPTED_MEMO_MS = 60_000;
const ACCEPTED_MEMO_MAX = 10_000;
/** The tally's counters that hold what Bitbucket said (never a minute's index, which is a number). */
const LIMIT_FIELD = 'limit';
const BLOCKED_FIELD = 'blocked-until';

interface Window {
  /** Minute index of buckets[0] (the oldest). */
  firstMinute: number;
  buckets: number[];
  used: number;
}

/** Where a principal's calls are counted: its tally, and (for a caller not accepted yet) its evictable count. */
interface Counted {
  tally: string;
  pending?: string;
}

export class PrincipalBudget implements UpstreamBudgetGate {
  readonly #options: PrincipalBudgetOptions;
  readonly #now: () => number;
  /** Callers (userKey) Bitbucket accepted lately, as this process saw it. */
  readonly #accepted: LRUCache<string, true>;

  constructor(options: PrincipalBudgetOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#accepted = new LRUCache<string, true>({ max: ACCEPTED_MEMO_MAX, ttl: ACCEPTED_MEMO_MS, ttlAutopurge: false, ...(options.now ? { perf: { now: options.now } } : {}) });
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
      userLimit = userLimitOf(state.limit, settings);
      userRemaining = userLimit - state.user.used;
      if (userRemaining < 1) refuse('user-share', freesIn(state.user, userRemaining, 1, now), { userLimit });
    }
    const minute = Math.floor(now / MINUTE_MS);
    const writes = [addToMinute(this.#options.store, consumerCounted(principal), minute, 1)];
    if (principal.shared) writes.push(addToMinute(this.#options.store, userCounted(principal), minute, 1));
    await Promise.all(writes);
    budgetMetrics.spent += 1;
    // `state` was read before this call was counted: one less remains.
    this.#report(principal, callerBudget(state, Math.min(remaining, userRemaining) - 1, now), now);
  }

  #report(principal: UpstreamPrincipal, report: BudgetReport, now: number): void {
    recordBudgetReport(principal.userKey, report, now);
    this.#options.onReport?.(report);
  }

  async afterAnswer(credential: UpstreamCredential, status: number, headers: Record<string, string>): Promise<void> {
    if (!this.enabled || credential.kind === 'none') return;
    const principal = this.#options.principalOf(credential);
    const { store } = this.#options;
    const now = this.#now();
    if ((status >= 200 && status < 300) || status === 304) await this.#accept(principal);
    if (status === 304 && this.#options.settings.notModifiedCounts === false) await this.#giveBack(principal, now);
    const limitHeader = headers['x-ratelimit-limit'];
    if (limitHeader !== undefined && /^\d+$/.test(limitHeader.trim()) && Number(limitHeader) > 0) {
      await this.#remember(principal, LIMIT_FIELD, Number(limitHeader), WINDOW_MINUTES * 60, limitKey(principal.budgetKey));
    }
    if (status === 429) {
      budgetMetrics.upstream429 += 1;
      const retryAfter = headers['retry-after'];
      const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Math.max(1, Number(retryAfter)) : DEFAULT_BLOCK_SECONDS;
      const until = Math.ceil(now / 1000) + seconds;
      await this.#remember(principal, BLOCKED_FIELD, until, seconds, blockKey(principal.budgetKey));
    }
    if (headers['x-ratelimit-nearlimit']?.trim().toLowerCase() === 'true') {
      // Raised in one step (SharedStore.raiseTally): answers that arrive together (a fan-out, two replicas) would each
      // read the same count and add the same gap, counting the hour spent several times over. Only in the tally of a
      // credential Bitbucket accepted (or the gateway's own consumer), like what #remember keeps.
      const state = await this.#state(principal, now);
      const floor = Math.ceil(state.limit * NEAR_LIMIT_USED_FRACTION);
      if (state.consumer.used < floor) {
        const lastMinute = Math.floor(now / MINUTE_MS);
        const window = Array.from({ length: WINDOW_MINUTES }, (_, back) => String(lastMinute - back));
        await store.raiseTally(consumerCounted(principal).tally, window, String(lastMinute), floor, BUCKET_TTL_SECONDS, !principal.shared);
      }
    }
  }

  /**
   * Bitbucket accepted the caller's credential: its tally is opened and the calls counted in its evictable count move
   * into it (the same minutes, each ending when it would have), in one step, unless this process did so lately (the
   * tally stays open for BUCKET_TTL_SECONDS, so it still is). One step: a call another replica counts meanwhile is
   * either in the count before the move or in the tally after it, and two replicas accepting at once move each call once.
   */
  async #accept(principal: UpstreamPrincipal): Promise<void> {
    if (this.#accepted.has(principal.userKey)) return;
    const counted = principal.shared ? userCounted(principal) : consumerCounted(principal);
    if (counted.pending === undefined) return;
    await this.#options.store.openTally(counted.tally, counted.pending, BUCKET_TTL_SECONDS);
    this.#accepted.set(principal.userKey, true);
  }

  /**
   * Keeps what Bitbucket said of the principal (`field` of its tally, for `seconds`): in the tally when Bitbucket has
   * accepted the credential (or it is the gateway's own consumer), never evicted; else in the value `evictable`, which
   * Redis may evict (see the header: a made-up credential must leave nothing Redis has to keep).
   */
  async #remember(principal: UpstreamPrincipal, field: string, value: number, seconds: number, evictable: string): Promise<void> {
    const { store } = this.#options;
    if (await store.setCounter(consumerCounted(principal).tally, field, value, seconds, !principal.shared)) return;
    await store.set(evictable, Buffer.from(String(value)), seconds);
  }

  /**
   * Takes back the call a 304 was counted as (`notModifiedCounts: false`), from the principal's hour and, behind a
   * shared consumer, the caller's share, and reports the budget again, so `X-Budget-Remaining` shows the call as free.
   */
  async #giveBack(principal: UpstreamPrincipal, now: number): Promise<void> {
    // Its attempt was counted in the minute it was sent, and its answer may come in a later one (an attempt lasts at
    // most UPSTREAM_TIMEOUT_MS, 30 s by default): the latest of the last few minutes that holds a call gives one back,
    // in one step (SharedStore.takeOne), so a minute never goes below 0 and two give-backs never take the same call.
    // Found nowhere (expired): nothing is taken, which over-counts, the safe side.
    const minute = Math.floor(now / MINUTE_MS);
    const minutes = Array.from({ length: GIVE_BACK_MINUTES }, (_, back) => String(minute - back));
    const { store } = this.#options;
    await Promise.all([store.takeOne(consumerCounted(principal).tally, minutes), ...(principal.shared ? [store.takeOne(userCounted(principal).tally, minutes)] : [])]);
    budgetMetrics.notModifiedFree += 1;
    const state = await this.#state(principal, now);
    const userRemaining = principal.shared && state.user !== undefined ? userLimitOf(state.limit, this.#options.settings) - state.user.used : Number.POSITIVE_INFINITY;
    this.#report(principal, callerBudget(state, Math.min(state.limit - state.consumer.used, userRemaining), now), now);
  }

  /** See UpstreamBudgetGate.lostAfterWrite. */
  lostAfterWrite(): void {
    budgetMetrics.lostAfterWrite += 1;
  }

  /** The principal's counted hour as it stands (for reports and tests). */
  async report(credential: UpstreamCredential): Promise<BudgetReport | undefined> {
    if (!this.enabled || credential.kind === 'none') return undefined;
    const now = this.#now();
    const state = await this.#state(this.#options.principalOf(credential), now);
    return callerBudget(state, state.limit - state.consumer.used, now);
  }

  async #state(principal: UpstreamPrincipal, now: number): Promise<{ limit: number; consumer: Window; user?: Window; blockedUntilSeconds: number }> {
    const { store, settings } = this.#options;
    const lastMinute = Math.floor(now / MINUTE_MS);
    const firstMinute = lastMinute - WINDOW_MINUTES + 1;
    const minutes = Array.from({ length: WINDOW_MINUTES }, (_, index) => firstMinute + index);
    const fields = minutes.map(String);
    // A caller this process saw accepted lately has its calls in its tally: its count is not read (one command less
    // per read, ~45 µs of gateway CPU a call), nor the values that hold what Bitbucket said of a caller not accepted.
    // Exact: the tally was opened then and stays open for BUCKET_TTL_SECONDS, and nothing is added to the count of an
    // open tally (SharedStore.addToTallyOrCount).
    const accepted = this.#accepted.has(principal.userKey);
    const read = (counted: Counted, extra: readonly string[] = []): Promise<[number[], number[] | undefined]> =>
      Promise.all([store.fieldCounts(counted.tally, [...fields, ...extra]), counted.pending !== undefined && !accepted ? store.countsOf(counted.pending, fields) : undefined]);
    // A shared consumer keeps what Bitbucket said in its tally alone (#remember).
    const evictable = !principal.shared && !accepted;
    const [consumerCounts, userCounts, evictableLimit, evictableBlock] = await Promise.all([
      read(consumerCounted(principal), [LIMIT_FIELD, BLOCKED_FIELD]),
      principal.shared ? read(userCounted(principal)) : undefined,
      evictable ? store.get(limitKey(principal.budgetKey)) : undefined,
      evictable ? store.get(blockKey(principal.budgetKey)) : undefined,
    ]);
    const window = ([tallied, pending]: [number[], number[] | undefined]): Window => {
      const buckets = pending === undefined ? tallied.slice(0, WINDOW_MINUTES) : tallied.slice(0, WINDOW_MINUTES).map((count, index) => count + pending[index]);
      return { firstMinute, buckets, used: buckets.reduce((sum, count) => sum + count, 0) };
    };
    const [talliedLimit, talliedBlock] = consumerCounts[0].slice(WINDOW_MINUTES);
    const limit = talliedLimit || (evictableLimit !== undefined ? Number(evictableLimit.toString()) || 0 : 0) || settings.perHour;
    return {
      limit,
      consumer: window(consumerCounts),
      ...(userCounts !== undefined ? { user: window(userCounts) } : {}),
      blockedUntilSeconds: Math.max(talliedBlock, evictableBlock !== undefined ? Number(evictableBlock.toString()) || 0 : 0),
    };
  }
}

/** The most of a shared consumer's hour one caller may spend. */
function userLimitOf(limit: number, settings: BudgetSettings): number {
  return Math.max(1, Math.floor((limit * settings.userSharePercent) / 100));
}

/** The caller's budget for the `X-Budget-*` headers: `remaining` calls left, the hour's reset from the counted minutes. */
function callerBudget(state: { limit: number; consumer: Window }, remaining: number, now: number): BudgetReport {
  const oldest = state.consumer.buckets.findIndex((count) => count > 0);
  const resetAtMinute = (oldest < 0 ? Math.floor(now / MINUTE_MS) : state.consumer.firstMinute + oldest) + WINDOW_MINUTES;
  return { limit: state.limit, remaining: Math.max(0, remaining), resetSeconds: Math.max(1, Math.ceil((resetAtMinute * MINUTE_MS - now) / 1000)) };
}

/**
 * Minutes back a 304's call is looked for: its attempt was counted in the minute it was sent, and its answer may come
 * in a later one (an attempt lasts at most UPSTREAM_TIMEOUT_MS, 30 s by default).
 */
const GIVE_BACK_MINUTES = 5;

/** Seconds until `needed` calls are free, as the oldest counted minutes leave the hour (at least 1). */
function freesIn(window: Window, remaining: number, needed: number, now: number): number {
  let free = remaining;
  for (let index = 0; index < window.buckets.length; index++) {
    free += window.buckets[index];
    if (free >= needed) return Math.max(1, Math.ceil(((window.firstMinute + index + WINDOW_MINUTES) * MINUTE_MS - now) / 1000));
  }
  return WINDOW_MINUTES * 60;
}

/**
 * Adds `by` to the calls counted in `minute` (its bucket is the field named by the minute's index): in the tally once
 * Bitbucket has accepted the caller (the store decides, in the same step), else in its evictable count; a shared
 * consumer's own tally has no count.
 */
function addToMinute(store: SharedStore, counted: Counted, minute: number, by: number): Promise<number> {
  if (counted.pending === undefined) return store.incrementField(counted.tally, String(minute), by, BUCKET_TTL_SECONDS);
  return store.addToTallyOrCount(counted.tally, counted.pending, String(minute), by, BUCKET_TTL_SECONDS);
}

/** The principal's own hour: a shared consumer's is kept in its tally alone (one per gateway, never made up). */
function consumerCounted(principal: UpstreamPrincipal): Counted {
  return principal.shared ? { tally: `budget:${principal.budgetKey}` } : { tally: `budget:${principal.budgetKey}`, pending: `budget-pending:${principal.budgetKey}` };
}

/** A caller's share of a shared consumer's hour. */
function userCounted(principal: UpstreamPrincipal): Counted {
  return { tally: `budget:u:${principal.userKey}`, pending: `budget-pending:u:${principal.userKey}` };
}

function limitKey(key: string): string {
  return `budget-limit:${key}`;
}

function blockKey(key: string): string {
  return `budget-blocked:${key}`;
}
