import type { SeedCache } from '../../sandbox/seed/seed-copies';

/**
 * The seeds this Jest worker process keeps across spec files (spec/helpers/spec-environment.js), for a sandbox to
 * copy instead of generating; undefined in another environment, where a sandbox keeps its own per module registry.
 */
export function workerSeedCache(): SeedCache | undefined {
  return (globalThis as { sandboxSeedCache?: SeedCache }).sandboxSeedCache;
}
