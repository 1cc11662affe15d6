/**
 * Prometheus metrics with prom-client (https://github.com/siimots/prom-client), served at `GET /metrics` in the text
 * exposition format (https://prometheus.io/docs/instrumenting/exposition_formats/). README.md "Metrics" documents
 * each family.
 *
 * Labels are bounded sets, never raw values (https://prometheus.io/docs/practices/naming/#labels: every label value
 * is a time series): a request is labelled by its route (`/odata/{EntitySet}` for a declared set, else a fixed
 * word), an upstream call by Bitbucket's route template (`/repositories/{workspace}/{repo_slug}/pullrequests`), never
 * by its URL, which holds workspace, repository and query values. No label holds a credential.
 *
 * One registry per app (specs build many apps in one process); the process's default metrics (CPU, heap, event
 * loop) are added to it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { upstreamBudgetMetrics } from '../budget';
import { ODataError } from '../odata/errors';
import { rowsInMemory } from '../memory/memory-budget';
import { noticeTrustMetrics } from '../bitbucket';
import { changeNoticeMetrics } from './change-notice-receiver';

export const METRICS_PREFIX = 'bitbucket_odata_';

/** Paths whose endpoint label is kept (`createMetrics`); a few hundred bytes each. */
const ENDPOINT_MEMO_SIZE = 1000;
/** Upstream attempts counted before they are handed to prom-client (`createMetrics`). */
const UPSTREAM_BATCH = 256;

/** The upstream attempts of one endpoint not yet handed to prom-client: counts by method and status, and latencies. */
interface UpstreamBatch {
  labels: { endpoint: string };
  counts: Map<string, Map<UpstreamAttempt['status'], number>>;
  durationsMs: number[];
}

/** What the client reports of each upstream attempt (src/bitbucket UpstreamRequestEvent). */
export interface UpstreamAttempt {
  method: string;
  url: string;
  status: number | 'network-error' | 'timeout' | 'aborted';
  durationMs: number;
}

/** A wait before a retry (src/bitbucket onRetryWait): the status that caused it and how long. */
export interface UpstreamWait {
  status: UpstreamAttempt['status'];
  delayMs: number;
}

export interface GatewayMetrics {
  readonly registry: Registry;
  request(route: string, method: string, status: number, seconds: number): void;
  upstream(attempt: UpstreamAttempt): void;
  upstreamWait(wait: UpstreamWait): void;
}

/** Why a retry waited: Bitbucket's rate limit, a 5xx, or a transport failure (reset, timeout). */
function waitReason(status: UpstreamAttempt['status']): 'rate-limit' | 'server-error' | 'transport' {
  if (status === 429) return 'rate-limit';
  return typeof status === 'number' ? 'server-error' : 'transport';
}

/** OData path segments that are not entity sets but are bounded words of the protocol. */
const ODATA_WORDS = new Set(['$metadata', '$batch', '$count', '$entity', '$crossjoin', '$all']);
const TOP_LEVEL = new Set(['health', 'metrics', 'auth', 'connector', 'console', 'dataverse', 'odata']);

/**
 * The route label of a request path: `/odata/{set}` and `/dataverse/{set}` keep the first segment's entity set (or
 * OData word) when it is one of `names`, everything else collapses to a fixed word, so a client cannot mint series.
 */
export function routeLabel(path: string, names: ReadonlySet<string>): string {
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.length === 0) return '/';
  const [top, next] = segments;
  if (!TOP_LEVEL.has(top)) return 'other';
  if ((top === 'odata' || top === 'dataverse') && next !== undefined) {
    let name: string;
    try {
      name = decodeURIComponent(next).replace(/\(.*$/s, '');
    } catch {
      return `/${top}/{unknown}`;
    }
    return names.has(name) || ODATA_WORDS.has(name) ? `/${top}/${name}` : `/${top}/{unknown}`;
  }
  return next === undefined ? `/${top}` : `/${top}/*`;
}

/** A Bitbucket route template, split once: literal segments and `{name}` placeholders. */
interface Template {
  text: string;
  segments: readonly string[];
}

/**
 * The upstream endpoint label: the first of `templates` (Bitbucket route templates such as
 * `/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}`) whose literal segments match the URL's
 * path below `basePath`; `other` when none does (no URL ever becomes a label).
 */
export function endpointTemplate(url: string, basePath: string, templates: readonly Template[]): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return 'other';
  }
  if (basePath !== '/' && path.startsWith(basePath)) path = path.slice(basePath.length);
  const segments = path.split('/').filter((segment) => segment !== '');
  const match = templates.find((template) => template.segments.length === segments.length && template.segments.every((part, index) => part.startsWith('{') || part === segments[index]));
  return match?.text ?? 'other';
}

/** Templates from route strings, longest literal prefix first so `/pullrequests/activity` wins over `/pullrequests/{id}`. */
export function upstreamTemplates(paths: Iterable<string>): Template[] {
  const unique = [...new Set(paths)].filter((path) => path.startsWith('/'));
  const literals = (t: Template) => t.segments.filter((part) => !part.startsWith('{')).length;
  return unique
    .map((text) => ({ text, segments: text.split('/').filter((segment) => segment !== '') }))
    .sort((a, b) => literals(b) - literals(a) || a.text.localeCompare(b.text));
}

export function createMetrics(options: { routeNames: ReadonlySet<string>; upstreamBasePath: string; upstreamRoutes: Iterable<string> }): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
  const templates = upstreamTemplates(options.upstreamRoutes);

  const requests = new Counter({
    name: `${METRICS_PREFIX}http_requests_total`,
    help: 'Requests answered, by route (entity set or fixed word), method and status.',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: `${METRICS_PREFIX}http_request_duration_seconds`,
    help: 'Time from a request to its answer being written, by route.',
    labelNames: ['route'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const upstreamCalls = new Counter({
    name: `${METRICS_PREFIX}upstream_requests_total`,
    help: "Bitbucket calls (each attempt, retries included), by method, Bitbucket's route template and status (or network-error, timeout).",
    labelNames: ['method', 'endpoint', 'status'],
    registers: [registry],
    collect: () => flushUpstream(),
  });
  const upstreamSeconds = new Histogram({
    name: `${METRICS_PREFIX}upstream_request_duration_seconds`,
    help: "Latency of one Bitbucket call attempt, by Bitbucket's route template.",
    labelNames: ['endpoint'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
    collect: () => flushUpstream(),
  });
  const rateLimited = new Counter({
    name: `${METRICS_PREFIX}upstream_rate_limited_total`,
    help: "Bitbucket 429 answers: each is waited out and retried while UPSTREAM_MAX_RETRY_AFTER_SECONDS allows, else answered 429 with Retry-After.",
    labelNames: ['endpoint'],
    registers: [registry],
    collect: () => flushUpstream(),
  });
  const waits = new Counter({
    name: `${METRICS_PREFIX}upstream_retry_waits_total`,
    help: 'Waits before retrying a Bitbucket call, by reason: rate-limit (429), server-error (5xx), transport (reset, timeout).',
    labelNames: ['reason'],
    registers: [registry],
  });
  const waitSeconds = new Counter({
    name: `${METRICS_PREFIX}upstream_retry_wait_seconds_total`,
    help: 'Seconds spent waiting before retrying Bitbucket calls, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  new Gauge({
    name: `${METRICS_PREFIX}rows_in_memory`,
    help: 'Rows held in memory now by answers read whole and by paging snapshots (MAX_ROWS_IN_MEMORY budget).',
    registers: [registry],
    collect() {
      this.set(rowsInMemory().held);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}rows_in_memory_capacity`,
    help: 'The budget of rows in memory (MAX_ROWS_IN_MEMORY).',
    registers: [registry],
    collect() {
      this.set(rowsInMemory().capacity);
    },
  });

  budgetAndCacheMetrics(registry);
  changeNoticesMetrics(registry);

  // The label depends on the URL's path alone, and a read calls the same few paths page after page (only the query
  // changes): parsing each URL (`new URL`, ~5 µs) was a third of the metrics' cost per call (#15.3). The memo is
  // keyed by what precedes the query, which the WHATWG parser reads the same way with or without it, and is emptied
  // when it fills (paths hold repository names and commit hashes, so they are unbounded).
  const endpointByPath = new Map<string, string>();
  const endpointOf = (url: string): string => {
    const end = url.search(/[?#]/);
    const key = end === -1 ? url : url.slice(0, end);
    let endpoint = endpointByPath.get(key);
    if (endpoint === undefined) {
      if (endpointByPath.size >= ENDPOINT_MEMO_SIZE) endpointByPath.clear();
      endpointByPath.set(key, (endpoint = endpointTemplate(key, options.upstreamBasePath, templates)));
    }
    return endpoint;
  };

  /**
   * Each upstream attempt is counted here and handed to prom-client in batches: when a scrape reads the three families
   * (their `collect`, so `/metrics` is always up to date) or every `UPSTREAM_BATCH` attempts. prom-client's `inc` and
   * `observe` build a label hash string and look it up on every call; between two Bitbucket calls, cold, with other
   * metrics' label shapes passing through the same functions, that cost 1.9-2.2 % of the gateway's CPU in a `perf`
   * profile of `$select=Hash,Date` and of every pull request (~13 µs per call), where a loop of them costs ~1 µs per
   * call (issue #15: CPU per upstream call). What waits is numbers and the endpoint labels: nothing per call outlives it.
   */
  const upstreamBatches = new Map<string, UpstreamBatch>();
  let upstreamPending = 0;
  const flushUpstream = (): void => {
    if (upstreamPending === 0) return;
    upstreamPending = 0;
    for (const batch of upstreamBatches.values()) {
      const { endpoint } = batch.labels;
      for (const [method, byStatus] of batch.counts) {
        for (const [status, count] of byStatus) {
          upstreamCalls.inc({ method, endpoint, status: String(status) }, count);
          if (status === 429) rateLimited.inc(batch.labels, count);
        }
      }
      for (const ms of batch.durationsMs) upstreamSeconds.observe(batch.labels, ms / 1000);
    }
    upstreamBatches.clear();
  };

  return {
    registry,
    request(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      requestSeconds.observe({ route }, seconds);
    },
    upstream(attempt) {
      const endpoint = endpointOf(attempt.url);
      let batch = upstreamBatches.get(endpoint);
      if (batch === undefined) upstreamBatches.set(endpoint, (batch = { labels: { endpoint }, counts: new Map(), durationsMs: [] }));
      let byStatus = batch.counts.get(attempt.method);
      if (byStatus === undefined) batch.counts.set(attempt.method, (byStatus = new Map()));
      byStatus.set(attempt.status, (byStatus.get(attempt.status) ?? 0) + 1);
      batch.durationsMs.push(attempt.durationMs);
      if (++upstreamPending >= UPSTREAM_BATCH) flushUpstream();
    },
    upstreamWait(wait) {
      const reason = waitReason(wait.status);
      waits.inc({ reason });
      waitSeconds.inc({ reason }, wait.delayMs / 1000);
    },
  };
}

/**
 * A counter of `registry` whose value is a total kept elsewhere, read when scraped (reset and re-counted in `collect`,
 * prom-client's way for figures it does not count itself).
 */
function collectedTotalIn(registry: Registry): (name: string, help: string, value: () => number) => Counter {
  return (name, help, value) =>
    new Counter({
      name: `${METRICS_PREFIX}${name}`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(value());
      },
    });
}

/**
 * The budget per upstream principal and the response cache (issue #14, src/budget/budget-metrics.ts), read when
 * scraped. Totals since the process started are counters (reset and re-counted in `collect`, prom-client's way for
 * figures kept elsewhere); what the callers' hours look like is three gauges without labels (aggregates: no label
 * per principal, so neither the series nor anything that tells callers apart grows with them). The gauges of the
 * least remaining and the largest spent share are NaN while no caller spent a call in the last hour: never a 0 that
 * would read as "someone has nothing left".
 */
function budgetAndCacheMetrics(registry: Registry): void {
  const total = collectedTotalIn(registry);
  total('upstream_budget_calls_spent_total', "Bitbucket calls counted against a principal's hour by the budget (every attempt, 304 revalidations included).", () => upstreamBudgetMetrics().spent);
  total('upstream_budget_lost_after_write_total', 'Writes Bitbucket answered whose budget bookkeeping (a tally move, a learned limit, a 429 block) the store refused afterwards: the write was answered as it happened.', () => upstreamBudgetMetrics().lostAfterWrite);
  total('upstream_budget_not_modified_free_total', 'Of the calls spent, 304 answers the budget gave back because they do not count (UPSTREAM_NOT_MODIFIED_COUNTS=false).', () => upstreamBudgetMetrics().notModifiedFree);
  new Counter({
    name: `${METRICS_PREFIX}upstream_budget_refused_total`,
    help: 'Calls the budget refused before sending them (answered 429 UpstreamBudget), by reason: reserve, exhausted, user-share, upstream-429.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of Object.entries(upstreamBudgetMetrics().refused)) this.inc({ reason }, count);
    },
  });
  total('upstream_cache_hits_total', 'Bitbucket GETs answered from the response cache without a call.', () => upstreamBudgetMetrics().cache.hits);
  total('upstream_cache_revalidated_total', 'Stale cached answers Bitbucket confirmed with 304 Not Modified (one call each, no body).', () => upstreamBudgetMetrics().cache.revalidated);
  total('upstream_cache_misses_total', 'Bitbucket GETs that found nothing usable in the cache and read Bitbucket.', () => upstreamBudgetMetrics().cache.misses);
  total('upstream_cache_invalidations_total', 'Writes through the gateway that made cached answers of their workspace stale.', () => upstreamBudgetMetrics().cache.invalidations);
  total('upstream_cache_unkept_total', 'Answers and lists the store refused to keep (Redis out of memory with nothing to evict, or away): served, not kept.', () => upstreamBudgetMetrics().cache.unkept);
  total('upstream_cache_invalidations_lost_total', 'Writes Bitbucket answered whose second mark of cached reads as stale the store refused (the first, before the write, was kept).', () => upstreamBudgetMetrics().cache.invalidationsLost);
  new Gauge({
    name: `${METRICS_PREFIX}upstream_budget_callers`,
    help: 'Callers (credentials, or users behind an OAuth consumer) that spent a Bitbucket call through this process in the last hour.',
    registers: [registry],
    collect() {
      this.set(upstreamBudgetMetrics().callers.active);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}upstream_budget_remaining_min`,
    help: 'The fewest calls any of those callers had left of its hour after its last call (its X-Budget-Remaining); NaN when none.',
    registers: [registry],
    collect() {
      this.set(upstreamBudgetMetrics().callers.remainingMin ?? Number.NaN);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}upstream_budget_used_ratio_max`,
    help: 'The largest share of its hour (0 to 1) any of those callers had spent after its last call; NaN when none.',
    registers: [registry],
    collect() {
      this.set(upstreamBudgetMetrics().callers.usedRatioMax ?? Number.NaN);
    },
  });
}

/** Bitbucket webhook deliveries (src/http/change-notice-receiver.ts) and the trust they give (notice-trust.ts). */
function changeNoticesMetrics(registry: Registry): void {
  const total = collectedTotalIn(registry);
  total('change_notices_received_total', 'Webhook deliveries POSTed to /webhooks/bitbucket.', () => changeNoticeMetrics.received);
  total('change_notices_rejected_total', 'Deliveries refused: a missing or wrong signature (401), a body that is not JSON or not an event payload (400).', () => changeNoticeMetrics.rejected);
  total('change_notices_applied_total', 'Deliveries that marked their repository (or workspace) changed.', () => changeNoticeMetrics.applied);
  total('change_notices_trust_epochs_total', 'Trust epochs started because no replica had refreshed the receiver-alive record (a gap in receiving, or the first start): every trusted answer was read again.', () => noticeTrustMetrics.epochsStarted);
  new Counter({
    name: `${METRICS_PREFIX}change_notices_by_event_total`,
    help: 'Signed deliveries by X-Event-Key.',
    labelNames: ['event'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [event, count] of changeNoticeMetrics.byEvent) this.inc({ event }, count);
    },
  });
}

/**
 * `METRICS_TOKEN`: when set, `GET /metrics` asks for `Authorization: Bearer <token>` (RFC 6750 §2.1; Prometheus sends
 * it with `authorization: { credentials: … }` in a scrape config) and answers 401 (an OData error, as every other
 * refusal) with `WWW-Authenticate: Bearer` (RFC 6750 §3) otherwise; unset, /metrics is open as before. The comparison takes the same time whatever matches.
 */
export function metricsAuth(token: string | undefined): RequestHandler {
  if (token === undefined || token === '') return (_req, _res, next) => next();
  const expected = Buffer.from(token);
  return (req, _res, next) => {
    const given = /^Bearer +(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    const actual = Buffer.from(given ?? '');
    if (given !== undefined && actual.length === expected.length && timingSafeEqual(actual, expected)) {
      next();
      return;
    }
    const message = given === undefined ? 'GET /metrics needs Authorization: Bearer with the token set in METRICS_TOKEN.' : 'The bearer token is not the one set in METRICS_TOKEN.';
    next(new ODataError('Unauthorized', { message }, { headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' } }));
  };
}
