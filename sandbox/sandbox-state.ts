import { RateLimits } from './auth/rate-limit';
import { SandboxClock } from './auth/clock';
import { TokenStore } from './auth/token-store';
import { FaultState } from './faults/fault-state';
import type { SandboxOptions } from './options';
import { QuirkState } from './quirks';

/**
 * Everything one sandbox instance changes at run time besides its data (the store) and its request log: its clock,
 * the OAuth codes and tokens it issued, the requests it counted against rate limits, its fault settings and the quirks
 * in force. `createSandbox` makes one and hands each middleware, route and control router the part it needs, so two
 * sandboxes in one process (an ideal and a realistic one, a throttled and a faulty one) share nothing.
 */
export interface SandboxState {
  clock: SandboxClock;
  tokens: TokenStore;
  rateLimits: RateLimits;
  faults: FaultState;
  quirks: QuirkState;
}

export function createSandboxState(options: SandboxOptions): SandboxState {
  const clock = new SandboxClock(options.clock);
  return {
    clock,
    tokens: new TokenStore(clock),
    rateLimits: new RateLimits(clock, options.rateLimitPerHour),
    faults: new FaultState(options.faults, options.seed),
    quirks: new QuirkState(options.quirks),
  };
}
