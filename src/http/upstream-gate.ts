/**
 * Requests reach Bitbucket only once BITBUCKET_API_URL has answered like Bitbucket (src/upstream-readiness.ts).
 * Until then an OData request gets the reason instead of an answer built from whatever that URL returns: a 404 or an
 * HTML page must never become `200 {"value":[]}`.
 */
import type { RequestHandler } from 'express';
import { ODataError } from '../odata/errors';
import type { UpstreamReadiness, UpstreamState } from '../upstream-readiness';

/**
 * The error for a request served while the upstream is not ready: 502 when something answered that is not Bitbucket
 * (a bad gateway in the HTTP sense, RFC 9110 §15.6.3), 503 while nothing answers yet or Bitbucket answers with a
 * server error (the gateway keeps checking; the message keeps the status and Bitbucket's own message).
 */
export function notReadyError(readiness: UpstreamReadiness, state: Exclude<UpstreamState, { kind: 'bitbucket' }>): ODataError {
  if (state.kind === 'not-bitbucket') return new ODataError('UpstreamNotBitbucket', { url: readiness.url, problem: state.problem });
  const retryAfter = readiness.retryAfterSeconds;
  const problem =
    state.kind === 'unreachable' ? `is not available: ${state.problem}` : state.kind === 'failing' ? `is failing: ${state.problem}` : 'has not been checked yet';
  return new ODataError('UpstreamNotReady', { url: readiness.url, problem, retryAfter }, { headers: { 'Retry-After': String(retryAfter) } });
}

/** Waits for a check under way (the first one at start), then lets the request through or answers why not. */
export function upstreamGate(readiness: UpstreamReadiness): RequestHandler {
  return (_req, _res, next) => {
    // Ready is for good (a ready upstream is never checked again, UpstreamReadiness.current): then the request goes on
    // in this same turn, without a promise and a microtask hop on every request (issue #15: latency added).
    if (readiness.state.kind === 'bitbucket') {
      next();
      return;
    }
    readiness.current().then(
      (state) => (state.kind === 'bitbucket' ? next() : next(notReadyError(readiness, state))),
      next,
    );
  };
}
