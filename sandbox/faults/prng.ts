/**
 * mulberry32: a small seeded PRNG. Faults must be reproducible from `options.seed` (same seed, same request order →
 * same faults), which Math.random cannot give.
 */
export type Random = () => number;

export function createPrng(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
