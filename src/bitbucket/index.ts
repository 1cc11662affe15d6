/** The Bitbucket Cloud REST 2.0 client: the gateway's only door to Bitbucket. Knows nothing of OData. */
export { BitbucketClient, type LocatedPage, type ReadOptions, type SendOptions, type SendResult, type WriteMethod } from './bitbucket-client';
export {
  BITBUCKET_CLIENT_DEFAULTS,
  DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS,
  type BitbucketClientOptions,
  type UpstreamRequestEvent,
} from './bitbucket-client-options';
export type { BitbucketPage } from './bitbucket-page';
export type { BitbucketProbeResult } from './probe-answer';
export { bitbucketPath } from './bitbucket-path';
export { redactUrl } from './redact-url';
export { canonicalTarget, resumeTargetProblem } from './resume-target';
export { mayReplay } from './page-continuation';
export { transportText } from './transport-text';
export type { UpstreamCredential } from './upstream-credential';
export { UpstreamError, kindForStatus, type RetryAfterSource, type UpstreamErrorKind } from './upstream-error';
export { encodeUpstreamQuery, type UpstreamQuery } from './upstream-query';
export { ResponseCache, cacheMetrics, type ResponseCacheOptions } from './response-cache';
export { RefusedCredentials } from './refused-credentials';
export { NoticeTrust, noticeTrustMetrics } from './notice-trust';
export { listMemoMetrics } from './list-memo';
export type { PullRequestRevision } from './pull-request-revision';
export type { ListRevision } from './list-revision';
export type { UpstreamBudgetGate } from './upstream-budget-gate';
