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

let currentClock: Clock = systemClock;

/** Replace the clock used by auth and rate limiting; pass `systemClock` (or call `resetAuthState`) to restore. */
export function setSandboxClock(clock: Clock): void {
  currentClock = clock;
}

export function sandboxNow(): number {
  return currentClock.now();
}
