import type { FaultOptions } from '../options';
import { createPrng, type Random } from './prng';

/**
 * The live fault settings and the PRNG that draws against them. Module state so that the control router
 * (`/_sandbox/faults`) and the middleware see the same values; `createFaults(options)` initialises it.
 */
/**
 * The start-up options plus settings only the control endpoint sets: `responseDelayMs` holds a /2.0 answer back
 * *after* its handler ran (the write is applied, its answer arrives late), where `latencyMs` waits *before* handling.
 */
export interface LiveFaultSettings extends FaultOptions {
  responseDelayMs: number;
}

const NO_FAULTS: LiveFaultSettings = { latencyMs: 0, errorRate: 0, resetRate: 0, truncateRate: 0, responseDelayMs: 0 };

/** Kept apart from the data generator's stream so the same seed does not correlate data and faults. */
const FAULT_STREAM_SALT = 0x5eed_fa17;

let settings: LiveFaultSettings = { ...NO_FAULTS };
let seed = 0;
let random: Random = createPrng(seed ^ FAULT_STREAM_SALT);

export function configureFaults(initial: FaultOptions, initialSeed: number): void {
  settings = { ...NO_FAULTS, ...initial };
  reseedFaults(initialSeed);
}

export function currentFaults(): LiveFaultSettings {
  return { ...settings };
}

export function updateFaults(update: Partial<LiveFaultSettings>): LiveFaultSettings {
  settings = { ...settings, ...update };
  return currentFaults();
}

/** Restarts the fault sequence: after reseeding with the same seed, the same requests meet the same faults. */
export function reseedFaults(newSeed: number): void {
  seed = newSeed;
  random = createPrng(seed ^ FAULT_STREAM_SALT);
}

export function currentFaultSeed(): number {
  return seed;
}

export function drawFaultNumber(): number {
  return random();
}

/** Turns all faults off (the seed and its sequence are kept). */
export function resetFaults(): void {
  settings = { ...NO_FAULTS };
}
