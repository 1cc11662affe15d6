/**
 * A store's seed is a copy of the seed generated once (sandbox/seed/seed-copies.ts): the same data as generating it,
 * generated once per cache, and copies that share nothing, so no store (no spec) sees another's writes.
 */
import { startSandbox } from '../../../sandbox/app';
import { buildSeed } from '../../../sandbox/seed/build-seed';
import { seedCopy, type SeedCache } from '../../../sandbox/seed/seed-copies';
import { SandboxStore } from '../../../sandbox/store';
import { DEFAULT_SANDBOX_OPTIONS } from '../../../sandbox/options';
import { workerSeedCache } from '../../helpers/worker-seed-cache';

const options = { size: 'default' as const, seed: DEFAULT_SANDBOX_OPTIONS.seed };
const generated = buildSeed(options);
/** Another seed, for the worker's cache: the sandbox of another spec file may have put the default one there. */
const seven = buildSeed({ size: 'default', seed: 7 });

/** A cache that counts what it is asked. */
function countingCache(): SeedCache & { gets: number; sets: number } {
  const map = new Map<string, string>();
  return {
    gets: 0,
    sets: 0,
    get(key) { this.gets += 1; return map.get(key); },
    set(key, json) { this.sets += 1; map.set(key, json); },
  };
}

/** Paths of objects reached twice in `value` (a JSON copy would make two of each). */
function sharedObjects(value: unknown): string[] {
  const seen = new Set<object>();
  const shared: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    if (seen.has(node)) {
      shared.push(path);
      return;
    }
    seen.add(node);
    for (const [key, child] of Object.entries(node)) walk(child, `${path}.${key}`);
  };
  walk(value, 'seed');
  return shared;
}

describe('seedCopy', () => {
  it('gives the generated seed, first as generated and then parsed from the kept text', () => {
    const cache = countingCache();
    const first = seedCopy(options, cache);
    const second = seedCopy(options, cache);
    expect(first).toStrictEqual(generated);
    expect(second).toStrictEqual(generated);
    expect(JSON.stringify(second)).toBe(JSON.stringify(generated));
  });

  it('generates once per cache: later stores and resets copy', () => {
    const cache = countingCache();
    const store = new SandboxStore(options, undefined, cache);
    new SandboxStore(options, undefined, cache);
    store.reset();
    expect(cache.sets).toBe(1);
    expect(cache.gets).toBe(3);
  });

  it('copies share nothing: writes to one store reach neither the kept seed nor another store', () => {
    const cache = countingCache();
    const written = new SandboxStore(options, undefined, cache);
    written.repositories[0]!.pullRequests[0]!.title = 'written';
    written.repositories[0]!.commits.splice(0, 1);
    written.users.push({ ...written.users[0]!, uuid: '{written}' });
    const other = new SandboxStore(options, undefined, cache);
    expect(other.data).toStrictEqual(generated);
    written.reset();
    expect(written.data).toStrictEqual(generated);
  });

  it('is faithful: no record of the seed is reached twice, which a JSON copy would split in two', () => {
    expect(sharedObjects(generated)).toEqual([]);
    expect(sharedObjects(seven)).toEqual([]);
  });
});

describe("the Jest worker's seed cache (spec/helpers/spec-environment.js)", () => {
  it('is lent to spec files, and a sandbox given it keeps its seed there', async () => {
    const cache = workerSeedCache();
    expect(cache).toBeDefined();
    const sandbox = await startSandbox({ seed: 7, seedCache: cache }, 0);
    try {
      expect(cache!.get('default/7')).toBe(JSON.stringify(seven));
      expect(sandbox.store.data).toStrictEqual(seven);
    } finally {
      await sandbox.close();
    }
  });
});
