/**
 * Whether BITBUCKET_API_URL answers like Bitbucket, checked at start and again until it does. A base URL that points
 * elsewhere (a typo, a missing `/2.0`, a proxy's login page) would otherwise turn every list into a 404 or an HTML page
 * read as "no rows": a wrong answer that looks right. So until a check says `bitbucket`, the gateway is not ready:
 * `/health` says why, and OData requests are refused with that reason instead of being sent on.
 *
 * Knows nothing of HTTP routing or of how the check is made: it is given a probe (the Bitbucket client's) and a clock.
 */
import type { Logger } from './logger';

/** What one check of the upstream found (what `BitbucketClient.probe()` answers, src/bitbucket/probe-answer.ts). */
export type UpstreamProbeResult =
  | { kind: 'bitbucket' }
  /** Something answered, but not as Bitbucket does; `problem` says what came back. */
  | { kind: 'not-bitbucket'; problem: string }
  /** Nothing answered (refused, reset, DNS, timeout); `problem` says which. */
  | { kind: 'unreachable'; problem: string }
  /** Bitbucket answered, but with a server error (a 5xx): the URL is right and Bitbucket is failing; `problem` has its status and message. */
  | { kind: 'failing'; status: number; problem: string };

export type UpstreamState = { kind: 'checking' } | UpstreamProbeResult;

export interface UpstreamCheckTiming {
  /** Wait before the first re-check after a failed one; doubled after each further failure. */
  retryBaseMs: number;
  /** Longest wait between two background re-checks. */
  retryMaxMs: number;
  /**
   * Longest wait between two background re-checks while Bitbucket answers with a server error: the configuration is
   * right and the failure is Bitbucket's, likely to pass soon, so the gateway should be ready soon after it does.
   */
  failingRetryMaxMs: number;
  /**
   * A request that finds the upstream not ready re-checks at once if the last check is at least this old, so the
   * gateway is ready as soon as the upstream is, not only at the next background check.
   */
  recheckAfterMs: number;
}

export const DEFAULT_UPSTREAM_CHECK_TIMING: UpstreamCheckTiming = { retryBaseMs: 500, retryMaxMs: 30_000, failingRetryMaxMs: 5_000, recheckAfterMs: 1_000 };

export interface UpstreamReadinessOptions {
  /** The base URL checked, as messages name it (configuration never carries credentials). */
  url: string;
  probe: () => Promise<UpstreamProbeResult>;
  logger: Logger;
  timing?: Partial<UpstreamCheckTiming>;
  /** Epoch milliseconds. */
  now?: () => number;
}

export class UpstreamReadiness {
  readonly url: string;
  readonly #probe: () => Promise<UpstreamProbeResult>;
  readonly #logger: Logger;
  readonly #timing: UpstreamCheckTiming;
  readonly #now: () => number;
  #state: UpstreamState = { kind: 'checking' };
  #inFlight: Promise<UpstreamState> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #lastCheckAt = Number.NEGATIVE_INFINITY;
  #lastLogged = '';
  #stopped = false;

  constructor(options: UpstreamReadinessOptions) {
    this.url = options.url;
    this.#probe = options.probe;
    this.#logger = options.logger;
    this.#timing = { ...DEFAULT_UPSTREAM_CHECK_TIMING, ...options.timing };
    this.#now = options.now ?? Date.now;
  }

  /** How soon a client may ask again and find a fresh check (a request re-checks a not-ready upstream this often). */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.#timing.recheckAfterMs / 1000));
  }

  /** The state as last checked, without waiting. */
  get state(): UpstreamState {
    return this.#state;
  }

  /** Starts the first check (and, while not ready, the background re-checks). */
  start(): void {
    void this.#check();
  }

  /** Settles when no check is under way: after start, the first check's outcome. */
  async settled(): Promise<UpstreamState> {
    return this.#inFlight ?? this.#state;
  }

  /**
   * The state a request is served in: waits for a check under way (the first one at start), and re-checks a not-ready
   * upstream when the last check is older than `recheckAfterMs`. Once ready, no further checks are made.
   */
  async current(): Promise<UpstreamState> {
    if (this.#state.kind === 'bitbucket') return this.#state;
    if (this.#inFlight) return this.#inFlight;
    if (!this.#stopped && this.#now() - this.#lastCheckAt >= this.#timing.recheckAfterMs) return this.#check();
    return this.#state;
  }

  /** No more checks (on shutdown; a running check still completes). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #check(): Promise<UpstreamState> {
    if (this.#inFlight) return this.#inFlight;
    clearTimeout(this.#timer);
    const running = this.#runProbe().then((state) => {
      this.#inFlight = undefined;
      this.#record(state);
      return state;
    });
    this.#inFlight = running;
    return running;
  }

  async #runProbe(): Promise<UpstreamProbeResult> {
    try {
      return await this.#probe();
    } catch (error) {
      // The probe classifies what it sees; anything it throws still means no confirmed Bitbucket behind the URL.
      return { kind: 'unreachable', problem: error instanceof Error ? error.message : String(error) };
    }
  }

  #record(state: UpstreamProbeResult): void {
    this.#state = state;
    this.#lastCheckAt = this.#now();
    if (state.kind === 'bitbucket') {
      this.#failures = 0;
      this.#log('info', 'upstream answers like Bitbucket: ready', {});
      return;
    }
    this.#failures += 1;
    const maxMs = state.kind === 'failing' ? Math.min(this.#timing.failingRetryMaxMs, this.#timing.retryMaxMs) : this.#timing.retryMaxMs;
    const retryInMs = Math.min(maxMs, this.#timing.retryBaseMs * 2 ** (this.#failures - 1));
    if (state.kind === 'failing') {
      this.#log('warn', `the upstream at ${this.url} answers like Bitbucket but is failing: not ready, retrying`, { problem: state.problem, status: state.status, retryInMs });
    } else if (state.kind === 'not-bitbucket') {
      this.#log('error', `the upstream at ${this.url} does not answer like Bitbucket: not ready; check BITBUCKET_API_URL`, { problem: state.problem, retryInMs });
    } else {
      this.#log('warn', `the upstream at ${this.url} is not available: not ready, retrying`, { problem: state.problem, retryInMs });
    }
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#check(), retryInMs);
    // A pending re-check never keeps the process alive on its own (shutdown, the end of a spec).
    this.#timer.unref();
  }

  /** Logs a change of state once, not every retry of the same problem. */
  #log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>): void {
    const key = `${level} ${message} ${String(fields.problem ?? '')}`;
    if (key === this.#lastLogged) return;
    this.#lastLogged = key;
    this.#logger[level](message, { upstream: this.url, ...fields });
  }
}
