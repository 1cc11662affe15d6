/**
 * Counters of the budget and the upstream response cache since the process started, for a metrics endpoint
 * (prom-client counters can read them in a collect() callback). Totals only: per-principal figures would put one
 * label value per credential hash into the metrics.
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
};


/** Everything above as flat name → value pairs (what a `/metrics` endpoint exports). */
export function upstreamBudgetMetrics(): Record<string, number> {
  return {
    upstream_budget_calls_spent_total: budgetMetrics.spent,
    ...Object.fromEntries(Object.entries(budgetMetrics.refused).map(([reason, count]) => [`upstream_budget_refused_total{reason="${reason}"}`, count])),
    upstream_rate_limited_total: budgetMetrics.upstream429,
    upstream_cache_hits_total: cacheMetrics.hits,
    upstream_cache_revalidated_total: cacheMetrics.revalidated,
    upstream_cache_misses_total: cacheMetrics.misses,
    upstream_cache_invalidations_total: cacheMetrics.invalidations,
  };
}
