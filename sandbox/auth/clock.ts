/**
 * The sandbox's notion of "now" for everything that expires (OAuth tokens, codes) or counts over time (rate limits).
 * Tests swap in a manual clock so expiry and rolling windows are exercised without timers or waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private currentMs: number = Date.UTC(2026, 7, 25)) {}

  now(): number {
    return this.currentMs;
  }

  advance(ms: number): void {
    this.currentMs += ms;
  }

  set(ms: number): void {
    this.currentMs = ms;
  }
}

/**
 * One sandbox instance's clock: the clock it started with (`options.clock`, else the system clock), which a test may
 * swap for a manual one at run time (`use`) and `/_sandbox/auth/reset` restores (`reset`). Per instance, so two
 * sandboxes in one process keep their own time.
 */
export class SandboxClock implements Clock {
  private source: Clock;

  constructor(private readonly initial: Clock = systemClock) {
    this.source = initial;
  }

  now(): number {
    return this.source.now();
  }

  use(clock: Clock): void {
    this.source = clock;
  }

  reset(): void {
    this.source = this.initial;
  }
}
