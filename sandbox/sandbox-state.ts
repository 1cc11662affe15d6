import { RateLimits } from './auth/rate-limit';
import { SandboxClock } from './auth/clock';
import { TokenStore } from './auth/token-store';
import { FaultState } from './faults/fault-state';
import type { SandboxOptions } from './options';
import { QuirkState } from './quirks';
import { WebhookDelivery } from './write-routes/webhook-delivery';

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
  /** Webhook deliveries: settings from the options, the drop fault from `faults`, the deliveries under way. */
  webhooks: WebhookDelivery;
}

export function createSandboxState(options: SandboxOptions): SandboxState {
  const clock = new SandboxClock(options.clock);
  const faults = new FaultState(options.faults, options.seed);
  return {
    clock,
    tokens: new TokenStore(clock),
    rateLimits: new RateLimits(clock, options.rateLimitPerHour),
    faults,
    quirks: new QuirkState(options.quirks),
    webhooks: new WebhookDelivery({ relayUrl: options.webhookRelayUrl, retryDelayMs: options.webhookRetryDelayMs, timeoutMs: options.webhookTimeoutMs }, faults),
  };
}
