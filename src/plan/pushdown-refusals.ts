/**
 * BBQL fields Bitbucket refused in `q` (a 400, or the 500 some fields give: BCLOUD-22709, evidence row 12) or whose
 * `sort` it ignored, per entity set, for the life of the process: the planner no longer pushes them, so one refusal
 * costs one discovery and later queries are answered by the residual straight away. Per process on purpose: what
 * Bitbucket accepts does not depend on the caller, and a restart (a deploy) tries again.
 */
export type PushdownUse = 'q' | 'sort';

const refused = new Set<string>();

const keyOf = (entitySet: string, use: PushdownUse, field: string) => JSON.stringify([entitySet, use, field]);

export function rememberRefusal(entitySet: string, use: PushdownUse, field: string): void {
  refused.add(keyOf(entitySet, use, field));
}

export function isRefused(entitySet: string, use: PushdownUse, field: string): boolean {
  return refused.has(keyOf(entitySet, use, field));
}

/**
 * How many refusals are remembered: it only grows, so a plan kept from before a refusal is told apart from one made
 * after it (`plan-query.ts` keeps plans by it).
 */
export function refusalsRemembered(): number {
  return refused.size;
}
