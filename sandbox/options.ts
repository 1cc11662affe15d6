import type { Clock } from './auth/clock';
import type { Quirk } from './quirks';
import type { SeedCache } from './seed/seed-copies';

export { ALL_QUIRKS, REALISTIC_QUIRKS, QUIRKS, type Quirk } from './quirks';

/** Everything that shapes a sandbox instance. Read from the environment by `sandbox/main.ts`, passed directly by tests. */
export interface SandboxOptions {
  /** Seed size: `default` for tests and demo, `large` (>= 100,000 commits over >= 200 repositories) for benchmarks. */
  size: 'default' | 'large';
  /** PRNG seed; the same seed always yields byte-identical data. */
  seed: number;
  /** Requests per principal per rolling hour before 429 (Bitbucket: 1,000). */
  rateLimitPerHour: number;
  /**
   * Whether a 304 Not Modified (an ETag revalidation, routes/conditional-get.ts) counts against that hour; unverified on
   * Bitbucket, so both are modelled. Default true (the cautious reading).
   */
  notModifiedCounts?: boolean;
  /** Fault injection, all off by default. */
  faults: FaultOptions;
  /** Base URL that absolute `next`/`previous` links use; derived from the listening socket when undefined. */
  publicUrl?: string;
  /** Lifetime of OAuth access tokens issued by /site/oauth2/access_token (Bitbucket: 3600 s). */
  accessTokenTtlSeconds: number;
  /**
   * Where webhook deliveries go instead of the webhook's own (public) URL, which nothing here can reach; the original
   * URL travels in `X-Sandbox-Webhook-Url`. Unset: events are not delivered.
   */
  webhookRelayUrl?: string;
  /** Wait before a webhook delivery's attempts 2 and 3 (write-routes/webhook-delivery.ts); small in tests. */
  webhookRetryDelayMs: number;
  /** A delivery attempt not answered by then is a timeout, retried like a 5xx (Bitbucket: 10 s). */
  webhookTimeoutMs: number;
  /**
   * Deviations of real Bitbucket to reproduce (sandbox/quirks.ts, sandbox/README.md "Quirks"); a set, duplicates
   * ignored. Empty by default: a well-behaved Bitbucket. `REALISTIC_QUIRKS` is what the evidence says real Bitbucket
   * does. Changeable at run time through `/_sandbox/quirks`; `/_sandbox/reset` restores these.
   */
  quirks: readonly Quirk[];
  /**
   * The instance's time for token expiry, rate-limit windows and write stamps; the system clock when unset. Tests pass
   * a `ManualClock` to move time without waiting (`/_sandbox/auth/reset` brings this one back).
   */
  clock?: Clock;
  /**
   * Where the seed's JSON text is kept between instances (seed/seed-copies.ts): it shapes nothing, the data is the
   * same. Unset: the process's own cache. Spec helpers lend one that outlives a spec file (spec/helpers/stack.ts).
   */
  seedCache?: SeedCache;
}

export interface FaultOptions {
  /** Milliseconds added before every /2.0 response. */
  latencyMs: number;
  /** Probability (0..1) that a /2.0 request answers 500/502/503. */
  errorRate: number;
  /** Probability (0..1) that the connection is destroyed without an answer. */
  resetRate: number;
  /** Probability (0..1) that a JSON body is cut short mid-stream. */
  truncateRate: number;
}

export const DEFAULT_SANDBOX_OPTIONS: SandboxOptions = {
  size: 'default',
  seed: 20260825,
  rateLimitPerHour: 1000,
  faults: { latencyMs: 0, errorRate: 0, resetRate: 0, truncateRate: 0 },
  accessTokenTtlSeconds: 3600,
  webhookRetryDelayMs: 1000,
  webhookTimeoutMs: 10_000,
  quirks: [],
};
