/** Shared assertion for the parser specs: the call throws an ODataError with this catalog code and message fragment. */
import { ODataError, type ErrorCode } from '../../../src/odata/errors';

export function expectODataError(run: () => unknown, code: ErrorCode, fragment: string): ODataError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ODataError);
  const error = thrown as ODataError;
  expect({ code: error.code, message: error.message }).toEqual({ code, message: expect.stringContaining(fragment) });
  return error;
}

/** Deterministic PRNG (mulberry32) so fuzz cases are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
