/**
 * Figures of the budget and the upstream response cache since the process started, for `/metrics`
 * (src/http/metrics.ts reads them in prom-client `collect()` callbacks).
 *
 * Totals, and aggregates over the callers: no figure is labelled by principal, since every label value is a time
 * series (https://prometheus.io/docs/practices/naming/#labels) and one series per credential hash would grow with
 * the callers, and would let anyone who reads the metrics tell callers apart. What an operator needs per principal —
 * "is someone about to run out?" — is the aggregate: how many callers spent calls in the last hour, the least any of
 * them has left, the largest share of an hour any of them has spent.
 */
import { cacheMetrics } from '../bitbucket/response-cache';
import type { BudgetRefusalReason } from './budget-refusal';

export const budgetMetrics = {
  /** Calls admitted and counted against a principal's hour. */
  spent: 0,
  /** Calls refused, by reason (nothing was sent). */
  refused: { reserve: 0, exhausted: 0, 'user-share': 0, 'upstream-429': 0 } satisfies Record<BudgetRefusalReason, number>,
  /** 429 answers Bitbucket gave. */
  upstream429: 0,
  /** Of `spent`, 304 answers given back because they do not count (`UPSTREAM_NOT_MODIFIED_COUNTS=false`). */
  notModifiedFree: 0,
  /** Answers to writes whose bookkeeping the store refused after Bitbucket answered (the write stands). */
  lostAfterWrite: 0,
};

/** Callers remembered for the aggregates at most (least recently reported dropped first): bounds the memory. */
const MAX_CALLERS = 10_000;
const HOUR_MS = 3_600_000;

/** Each caller's last report (keyed hash → report and when), oldest first: a Map re-inserted on every report. */
const lastReports = new Map<string, { report: CallerBudget; at: number }>();

/** What a caller's `BudgetReport` (principal-budget.ts) says that the aggregates use. */
export interface CallerBudget {
  limit: number;
  remaining: number;
}

/**
 * The budget after a caller's admitted call (what its `X-Budget-*` headers say), under the caller's keyed hash
 * (`UpstreamPrincipal.userKey`, never a credential). Only the aggregates below leave this module.
 */
export function recordBudgetReport(callerKey: string, report: CallerBudget, at: number = Date.now()): void {
  lastReports.delete(callerKey);
  lastReports.set(callerKey, { report: { limit: report.limit, remaining: report.remaining }, at });
  if (lastReports.size > MAX_CALLERS) lastReports.delete(lastReports.keys().next().value as string);
}

export interface UpstreamBudgetFigures {
  /** Calls admitted and counted against a principal's hour. */
  spent: number;
  /** Calls refused by the budget before they were sent, by reason. */
  refused: Record<BudgetRefusalReason, number>;
  /** 429 answers Bitbucket gave. */
  upstream429: number;
  /** Of `spent`, 304 answers given back (`UPSTREAM_NOT_MODIFIED_COUNTS=false`): the hour holds `spent - notModifiedFree`. */
  notModifiedFree: number;
  /** Writes Bitbucket answered whose bookkeeping here (a tally move, a learned limit, a 429's block) the store refused. */
  lostAfterWrite: number;
  cache: { hits: number; revalidated: number; misses: number; invalidations: number; unkept: number; invalidationsLost: number };
  callers: {
    /** Callers that spent a call through this process in the last hour. */
    active: number;
    /** The least calls any of them had left after its last call; undefined when none is active. */
    remainingMin?: number;
    /** The largest fraction of its hour any of them had spent (0–1); undefined when none is active. */
    usedRatioMax?: number;
  };
}

/** The figures as they stand, for a metrics endpoint. */
export function upstreamBudgetMetrics(now: number = Date.now()): UpstreamBudgetFigures {
  let active = 0;
  let remainingMin: number | undefined;
  let usedRatioMax: number | undefined;
  for (const [key, { report, at }] of lastReports) {
    // A report older than the hour says nothing of the caller's hour now (its calls have left the window).
    if (now - at >= HOUR_MS) {
      lastReports.delete(key);
      continue;
    }
    active += 1;
    remainingMin = Math.min(remainingMin ?? Infinity, report.remaining);
    const used = report.limit > 0 ? (report.limit - report.remaining) / report.limit : 1;
    usedRatioMax = Math.max(usedRatioMax ?? 0, Math.min(1, Math.max(0, used)));
  }
  return {
    spent: budgetMetrics.spent,
    refused: { ...budgetMetrics.refused },
    upstream429: budgetMetrics.upstream429,
    notModifiedFree: budgetMetrics.notModifiedFree,
    lostAfterWrite: budgetMetrics.lostAfterWrite,
    cache: { hits: cacheMetrics.hits, revalidated: cacheMetrics.revalidated, misses: cacheMetrics.misses, invalidations: cacheMetrics.invalidations, unkept: cacheMetrics.unkept, invalidationsLost: cacheMetrics.invalidationsLost },
    callers: { active, ...(remainingMin !== undefined ? { remainingMin } : {}), ...(usedRatioMax !== undefined ? { usedRatioMax } : {}) },
  };
}
