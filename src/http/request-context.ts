/**
 * Per-request state that crosses module boundaries without threading it through every call: the count of upstream
 * calls this request cost (reported as `X-Upstream-Requests`) and the signal that stops its upstream work. Kept in
 * AsyncLocalStorage so the shared Bitbucket client can attribute each call to the request that caused it.
 *
 * A read stops spending Bitbucket calls (1,000 an hour per user or OAuth consumer, shared by everyone behind one
 * consumer) as soon as nobody will read its answer or it has spent its share:
 * - the client closed the connection (Power BI cancelled, a browser tab closed): the work stops, nothing is answered;
 * - the request deadline passed (`REQUEST_DEADLINE_SECONDS`): 504 with a hint, instead of running for minutes;
 * - the request spent `MAX_UPSTREAM_CALLS_PER_REQUEST` calls: 400 naming what to narrow, so one query cannot burn
 *   everyone's hour.
 * The Bitbucket client checks the signal before every attempt and abandons an attempt under way when it fires
 * (src/bitbucket/http-attempt.ts); the signal's reason is the error the request answers with.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import { ODataError } from '../odata/errors';
import { RequestTiming } from './server-timing';

export interface RequestContext {
  upstreamRequests: number;
  /**
   * Aborted when the work must stop; its reason is the OData error to answer (or `ClientGone`). Made when first read
   * (newRequestContext says why).
   */
  readonly abort: AbortController;
  /** Whether the work was stopped (the signal aborted, or the client gone before anything took the signal). */
  readonly stopped: boolean;
  /**
   * The response closed (the client left, or the answer went out): what still runs is moot. Aborts the signal with
   * `ClientGone` if something took it; otherwise the signal is made aborted if anything takes it later.
   */
  clientGone(): void;
  /** Upstream calls this request may spend; reaching it stops further calls. */
  readonly maxUpstreamCalls: number;
  /** Items Bitbucket's list pages brought so far (for progress lines and the request's log line). */
  upstreamRows: number;
  /** The request's id (`X-Request-Id`), on every log line written for it (src/http/observability.ts). */
  requestId?: string;
  /** One line per query planned (set, route, path, q, sort; the last 8), for the request's log line. */
  plans?: string[];
  /** Told after each upstream call, e.g. to log progress every N calls of a long read. */
  onUpstreamRequest?: (context: RequestContext) => void;
  /** When the request arrived and how long its calls were in flight: its `Server-Timing` (src/http/server-timing.ts). */
  readonly timing: RequestTiming;
}

/** The reason a request's work stops when its client has left: there is nobody to answer. */
export class ClientGone extends Error {
  constructor() {
    // Made for every request when its response closes (stop-work.ts aborts whatever still runs), and only ever read as
    // a reason, never logged with a stack: capturing one cost tens of µs per request (issue #15: CPU per answer).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('the client closed the connection before the answer was ready');
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'ClientGone';
  }
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/**
 * A request's context, whose AbortController is made only when something takes it: a request's upstream call, or a
 * stop. An answer that calls nothing upstream (a constant-false `$filter`, `$metadata`, an error found in the URL)
 * never needs one; on Node 20 making one (its AbortSignal is built with setPrototypeOf, plus setMaxListeners) cost
 * ~7-10 µs and aborting it on the response's close ~6 µs more with its ClientGone, on every answer (issue #15: CPU
 * per answer).
 */
class LiveRequestContext implements RequestContext {
  upstreamRequests = 0;
  upstreamRows = 0;
  requestId?: string;
  plans?: string[];
  onUpstreamRequest?: (context: RequestContext) => void;
  readonly timing = new RequestTiming();
  private controller: AbortController | undefined = undefined;
  /** The response closed before anything took the signal. */
  private gone = false;

  constructor(readonly maxUpstreamCalls: number) {}

  get abort(): AbortController {
    let controller = this.controller;
    if (controller === undefined) {
      controller = new AbortController();
      // Every upstream call in flight listens on this signal and stops listening when it settles (http-attempt.ts): a
      // fan-out has FAN_OUT_CONCURRENCY of them (up to 64), more than the 10 after which Node warns of a leak.
      setMaxListeners(0, controller.signal);
      this.controller = controller;
      // Taken after the response closed: whatever takes it now must stop at once, as it would have before.
      if (this.gone) controller.abort(new ClientGone());
    }
    return controller;
  }

  get stopped(): boolean {
    return this.controller === undefined ? this.gone : this.controller.signal.aborted;
  }

  clientGone(): void {
    if (this.controller === undefined) this.gone = true;
    else if (!this.controller.signal.aborted) this.controller.abort(new ClientGone());
  }
}

export function newRequestContext(maxUpstreamCalls: number): RequestContext {
  return new LiveRequestContext(maxUpstreamCalls);
}

/** One upstream attempt of the current request was sent (its time in flight is timed from here). */
export function upstreamAttemptSent(): void {
  requestContext.getStore()?.timing.callSent();
}

/** Counts one upstream attempt of the current request, now settled; the one that reaches the cap stops any further call. */
export function countUpstreamRequest(): void {
  const context = requestContext.getStore();
  if (!context) return;
  context.upstreamRequests += 1;
  context.timing.callSettled();
  context.onUpstreamRequest?.(context);
  if (context.upstreamRequests >= context.maxUpstreamCalls && !context.stopped) {
    context.abort.abort(new ODataError('UpstreamCallCap', { limit: context.maxUpstreamCalls }));
  }
}

/** The trailers a streamed answer declares (`Trailer:`): its calls and timing made after the headers went out. */
export const ANSWER_TRAILERS = 'X-Upstream-Requests, Server-Timing';

/** The final values of `ANSWER_TRAILERS`, as the streamed answer ends (RFC 9110 §6.5). */
export function answerTrailers(): Record<string, string> {
  const context = requestContext.getStore();
  if (!context) return { 'X-Upstream-Requests': '0' };
  return { 'X-Upstream-Requests': String(context.upstreamRequests), 'Server-Timing': context.timing.header(context.upstreamRequests) };
}

/** Counts the items of one list page the current request read from Bitbucket. */
export function countUpstreamRows(rows: number): void {
  const context = requestContext.getStore();
  if (context) context.upstreamRows += rows;
}

/**
 * Stops the current request's upstream work because `reason` is its answer already (a `400 FanOutTooWide` found while
 * other parent lists were still being read): the calls in flight are abandoned, settle at once and are counted (they
 * were sent), and no more are sent. A no-op once the work was stopped for another reason, which then stands.
 */
export function abandonUpstreamWork(reason: unknown): void {
  const context = requestContext.getStore();
  if (context && !context.stopped) context.abort.abort(reason);
}

/** The signal that stops the current request's upstream work (undefined outside a request). */
export function requestSignal(): AbortSignal | undefined {
  return requestContext.getStore()?.abort.signal;
}
