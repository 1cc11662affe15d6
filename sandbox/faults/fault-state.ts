import type { FaultOptions } from '../options';
import { createPrng, type Random } from './prng';

/**
 * The start-up options plus settings only the control endpoint sets: `responseDelayMs` holds a /2.0 answer back
 * *after* its handler ran (the write is applied, its answer arrives late), where `latencyMs` holds it until that
 * long after the request arrived (create-faults.ts).
 */
export interface LiveFaultSettings extends FaultOptions {
  responseDelayMs: number;
  /**
   * Probability (0..1) that a webhook delivery is lost: never sent, no attempt, no retry (write-routes/webhook-delivery.ts),
   * for tests of notices that never arrive. 1 loses every delivery while it is set.
   */
  webhookDropRate: number;
}

const NO_FAULTS: LiveFaultSettings = { latencyMs: 0, errorRate: 0, resetRate: 0, truncateRate: 0, responseDelayMs: 0, webhookDropRate: 0 };

/** Kept apart from the data generator's stream so the same seed does not correlate data and faults. */
const FAULT_STREAM_SALT = 0x5eed_fa17;

/**
 * The live fault settings and the PRNG that draws against them, one per sandbox instance (sandbox/sandbox-state.ts):
 * the control router (`/_sandbox/faults`) and the middleware of that instance share it, another sandbox in the same
 * process has its own.
 */
export class FaultState {
  private settings: LiveFaultSettings;
  private seed = 0;
  private random: Random = createPrng(0);

  constructor(initial: FaultOptions, initialSeed: number) {
    this.settings = { ...NO_FAULTS, ...initial };
    this.reseed(initialSeed);
  }

  current(): LiveFaultSettings {
    return { ...this.settings };
  }

  update(update: Partial<LiveFaultSettings>): LiveFaultSettings {
    this.settings = { ...this.settings, ...update };
    return this.current();
  }

  /** Restarts the fault sequence: after reseeding with the same seed, the same requests meet the same faults. */
  reseed(newSeed: number): void {
    this.seed = newSeed;
    this.random = createPrng(newSeed ^ FAULT_STREAM_SALT);
  }

  currentSeed(): number {
    return this.seed;
  }

  draw(): number {
    return this.random();
  }

  /** Turns all faults off (the seed and its sequence are kept). */
  reset(): void {
    this.settings = { ...NO_FAULTS };
  }
}
