/**
 * The gateway's own time, as a `Server-Timing` header on every answer (W3C Server Timing,
 * https://www.w3.org/TR/server-timing/ ; browsers show it in DevTools' Timing tab, curl with `-i`):
 *
 *   Server-Timing: total;dur=1.84, upstream;dur=1.12;desc="1 call"
 *
 * - `total`: ms from the request's arrival (the app's first middleware, src/app.ts) to the moment the header is written;
 * - `upstream`: ms during which at least one Bitbucket call of this request was in flight before that moment: the
 *   union of the calls' intervals, not their sum, so `total − upstream` is the gateway's own time on the answer's
 *   critical path even in a fan-out of many calls at once; `desc` says how many calls (`X-Upstream-Requests`).
 * A streamed answer repeats both, final, in a trailer of the same name (src/http/odata-router.ts).
 *
 * Issue #15 (≤ 1 ms latency added per upstream page): the latency bench (bench/run.ts) sees the gateway's added time
 * as one figure that also holds the extra network hop and the scheduling of three processes on two cores; this
 * header is the gateway's own part of it. It says nothing of the request beyond two durations and a count: no URL,
 * no credential, no Bitbucket host.
 *
 * Costs two `performance.now()` per call and one per answer: no list of intervals is kept, only how many calls are in
 * flight and since when the current busy stretch runs (calls overlap or not; their union grows only while ≥ 1 is out).
 */
export class RequestTiming {
  /** `performance.now()` when the request arrived. */
  readonly arrived = performance.now();
  /** Calls sent and not yet settled. */
  private inFlight = 0;
  /** When the current stretch with calls in flight began (meaningful while `inFlight > 0`). */
  private busySince = 0;
  /** ms with calls in flight, over the stretches that ended. */
  private busyMs = 0;

  /** One Bitbucket attempt was sent (the client's `onAttemptSent`). */
  callSent(): void {
    if (this.inFlight++ === 0) this.busySince = performance.now();
  }

  /** One Bitbucket attempt settled: answered, failed or abandoned (the client's `onRequest`). */
  callSettled(): void {
    // An attempt reported settled without having been reported sent cannot open or close a stretch.
    if (this.inFlight === 0) return;
    if (--this.inFlight === 0) this.busyMs += performance.now() - this.busySince;
  }

  /** The `Server-Timing` value now: `calls` is the request's upstream call count (`X-Upstream-Requests`). */
  header(calls: number): string {
    const now = performance.now();
    const upstream = this.inFlight > 0 ? this.busyMs + (now - this.busySince) : this.busyMs;
    return `total;dur=${milliseconds(now - this.arrived)}, upstream;dur=${milliseconds(upstream)};desc="${calls} ${calls === 1 ? 'call' : 'calls'}"`;
  }
}

/** ms with at most 2 decimals (W3C Server Timing: `dur` is a decimal number of milliseconds), never negative. */
function milliseconds(ms: number): string {
  return String(Math.max(0, Math.round(ms * 100) / 100));
}
