import { buildSeed, type SeedOptions } from './build-seed';
import type { SeedData } from './records';

/**
 * Where the JSON text of generated seeds is kept between stores, by size and seed: a `Map` is one. Only text is kept,
 * so a cache can outlive the code that parses it (spec/helpers/spec-environment.js lends one that outlives Jest's
 * module registry, which is new for every spec file).
 */
export interface SeedCache {
  get(key: string): string | undefined;
  set(key: string, json: string): void;
}

/** This module's own: every store of the process that is given no other. */
const processCache: SeedCache = new Map<string, string>();

/**
 * A fresh copy of the seed `options` name, for a store to own and write into: generated once per cache, then parsed
 * from its JSON text. The seed is deterministic, so a copy equals what `buildSeed` would give again (spec/sandbox/seed
 * checks it, and that no record is shared between two places of the seed: JSON would make two of it). Generating the
 * default seed took about 0.8 s of a spec file's time, each start of a sandbox and each `POST /_sandbox/reset` (a new
 * spec file runs the generator's code cold); parsing its 2.4 MB of JSON takes 10–80 ms (2026-12-06, loaded 2-core
 * machine). The large seed (benchmarks, ~80 MB of JSON) is generated each time: it is built once per process and
 * hardly ever reset, and its text would stay in memory beside it.
 */
export function seedCopy(options: SeedOptions, cache: SeedCache = processCache): SeedData {
  if (options.size !== 'default') return buildSeed(options);
  const key = `${options.size}/${options.seed}`;
  const json = cache.get(key);
  if (json !== undefined) return JSON.parse(json) as SeedData;
  const built = buildSeed(options);
  // Serialized before anyone holds `built`: what is kept is the seed as generated, whatever its first store writes.
  cache.set(key, JSON.stringify(built));
  return built;
}
