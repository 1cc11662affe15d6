import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import { DEMO_USER, OTHER_USER } from '../../sandbox/identities';
import type { SandboxOptions } from '../../sandbox/options';
import { workerSeedCache } from '../helpers/worker-seed-cache';

/** Credentials the specs act with (Bearer tokens from sandbox/identities.ts). */
export const AS_DEMO = { authorization: `Bearer ${DEMO_USER.bearerToken}` };
export const AS_OTHER = { authorization: `Bearer ${OTHER_USER.bearerToken}` };
export const ANONYMOUS = {};

/**
 * A sandbox on 127.0.0.1:0 with a rate limit no spec reaches (paging specs send hundreds of requests), its seed copied
 * from the text this Jest worker keeps (spec/helpers/spec-environment.js) instead of generated in each file.
 */
export function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  return startSandbox({ rateLimitPerHour: 1_000_000_000, seedCache: workerSeedCache(), ...options });
}

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

export async function getJson(url: string, headers: Record<string, string> = AS_DEMO): Promise<JsonResponse> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** Follows `next` links as they are (opaque) and returns every item, failing on any non-200 page. */
export async function readAll(url: string, headers: Record<string, string> = AS_DEMO): Promise<{ values: Array<Record<string, unknown>>; pages: Array<Record<string, unknown>> }> {
  const values: Array<Record<string, unknown>> = [];
  const pages: Array<Record<string, unknown>> = [];
  let next: string | undefined = url;
  while (next) {
    const { status, body } = await getJson(next, headers);
    if (status !== 200) throw new Error(`GET ${next} answered ${status}: ${JSON.stringify(body)}`);
    pages.push(body);
    values.push(...(body.values as Array<Record<string, unknown>>));
    next = body.next as string | undefined;
  }
  return { values, pages };
}
