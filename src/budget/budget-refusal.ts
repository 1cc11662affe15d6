/**
 * Why the budget refuses a call: the http layer turns it into `429 UpstreamBudget` with `Retry-After`
 * (src/http/principal-budget-gate.ts). Plain data, so src/budget knows nothing of OData.
 */
export type BudgetRefusalReason =
  /** Before the request's first call: less than the reserve remains, so the request is refused before it spends. */
  | 'reserve'
  /** Mid-request: the principal's hour is spent. */
  | 'exhausted'
  /** The caller's fair share of a shared (OAuth consumer) budget is spent. */
  | 'user-share'
  /** Bitbucket itself answered 429 lately; its wait has not passed. */
  | 'upstream-429';

export class BudgetRefusal extends Error {
  constructor(
    readonly reason: BudgetRefusalReason,
    readonly details: {
      limit: number;
      remaining: number;
      /** Seconds until enough of the hour frees for this to pass (exact from the counted calls). */
      freesInSeconds: number;
      /** Calls this request spent before it was stopped. */
      spentByRequest: number;
      reserve: number;
      userLimit?: number;
    },
  ) {
    super(`upstream budget refused: ${reason}`);
    this.name = 'BudgetRefusal';
  }
}
