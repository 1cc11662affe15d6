/** What one gateway request brings to the executor: the upstream client, the caller's credential and the limits. */
import type { BitbucketClient, UpstreamCredential } from '../bitbucket';
import type { Logger } from '../logger';
import type { ODataQuery } from '../odata/ast';
import type { QueryPlan } from './plan-query';

export interface ExecutionLimits {
  /** Most upstream streams (repositories, workspaces) one query may fan out over. */
  maxFanOut: number;
  /** Upstream streams fetched at once during fan-out. */
  fanOutConcurrency: number;
}

export interface ExecutionContext {
  client: BitbucketClient;
  credential: UpstreamCredential;
  limits: ExecutionLimits;
  /** `now()` for the whole request (OData: one value per request). */
  now: Date;
  signal?: AbortSignal;
  /**
   * Stops the request's upstream work (fires `signal`) when an error found mid-read is the answer whatever the reads
   * in flight bring, so that they send nothing more (a `400 FanOutTooWide`, resolve-streams.ts); not for an error that
   * may still be recovered from (a `Replan`). What was in flight is still awaited before the answer (counts agree).
   */
  abandon?: (reason: unknown) => void;
  /** Push filters, order, fields and page sizes to Bitbucket (default true; false only for benchmarks). */
  pushdown?: boolean;
  /** Where the plan of each query is logged at debug level. */
  logger?: Logger;
  /** Told each plan as it is made (next to the debug log), e.g. for the `X-Upstream-Plan` header (src/http/upstream-plan-header.ts). */
  onPlan?: (plan: QueryPlan, query: ODataQuery) => void;
  /**
   * The request's share of the process's row budget (src/memory/memory-budget.ts): a read that holds a whole set to
   * sort it here calls `hold` for the rows it keeps; it throws the error that answers the request (503 MemoryBusy).
   */
  memory?: { hold(rows: number): void };
  /**
   * `Prefer: bitbucket.trust-newest-first` (src/http/trust-newest-first.ts): the client accepts that a time window
   * stops reading at its lower bound on lists whose newest-first order Bitbucket does not promise
   * (`ListRoute.newestFirst`). `applied` is set when a read relied on it, for `Preference-Applied`.
   */
  trustNewestFirst?: { applied: boolean };
}
