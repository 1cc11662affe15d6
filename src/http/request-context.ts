/**
 * Per-request state that crosses module boundaries without threading it through every call: the count of upstream
 * calls this request cost (reported as `X-Upstream-Requests`). Kept in AsyncLocalStorage so the shared Bitbucket
 * client can attribute each call to the request that caused it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  upstreamRequests: number;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function countUpstreamRequest(): void {
  const context = requestContext.getStore();
  if (context) context.upstreamRequests += 1;
}
