/**
 * For specs of reuse between reads (issue #14): a gateway that reuses Bitbucket's answers for `windowSeconds`, on a
 * clock the spec moves past that window, and the same gateway with reuse off (no response cache, so no list memo):
 * what a cold read answers. `walkPages` follows every nextLink as Power BI does.
 */
import supertest from 'supertest';
import { createApp, storeOf, upstreamReadinessOf } from '../../src/app';
import { createLogger } from '../../src/logger';
import { startStack, type Stack, type UpstreamCall } from '../helpers/stack';

export interface WarmAndCold {
  stack: Stack;
  cold: ReturnType<typeof supertest>;
  /** Moves the stack's clock one second past the freshness window. */
  pastWindow(): void;
  close(): Promise<void>;
}

export async function startWarmAndCold(windowSeconds = 60): Promise<WarmAndCold> {
  let clock = Date.parse('2026-09-01T10:00:00Z');
  const stack = await startStack({ env: { UPSTREAM_CACHE_SECONDS: String(windowSeconds), LOG_LEVEL: 'error' }, now: () => clock });
  const coldApp = createApp({ config: { ...stack.config, upstreamCache: { ...stack.config.upstreamCache, freshSeconds: 0 } }, logger: createLogger('error', () => undefined) });
  await upstreamReadinessOf(coldApp).settled();
  return {
    stack,
    cold: supertest(coldApp),
    pastWindow: () => {
      clock += (windowSeconds + 1) * 1000;
    },
    async close() {
      upstreamReadinessOf(coldApp).stop();
      await storeOf(coldApp).close();
      await stack.close();
    },
  };
}

/** Every page from `url` on, through `request`: the rows and the Bitbucket calls they cost (each page must be 200). */
export async function walkPages(stack: Stack, request: ReturnType<typeof supertest>, url: string, authorization: string): Promise<{ rows: unknown[]; calls: UpstreamCall[] }> {
  await stack.clearUpstreamCalls();
  const rows: unknown[] = [];
  let next: string | undefined = url;
  while (next !== undefined) {
    const response = await request.get(next.replace(/^https?:\/\/[^/]+/, '')).set('Authorization', authorization);
    expect(response.status).toBe(200);
    rows.push(...(response.body.value as unknown[]));
    next = response.body['@odata.nextLink'] as string | undefined;
  }
  return { rows, calls: await stack.upstreamCalls() };
}
