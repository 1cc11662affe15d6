/**
 * Every failure leaves as an OData JSON error. Known errors keep their status; Bitbucket failures are mapped by
 * kind; anything else is a 500 with a reference id that is logged (the details never reach the client).
 */
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler } from 'express';
import { UpstreamError } from '../bitbucket';
import { ClientGone } from './request-context';
import { ODataError } from '../odata/errors';
import type { Logger } from '../logger';
import { upstreamToODataError } from './upstream-to-odata-error';
import { StoreUnavailable } from '../storage';

/**
 * Retry-After of a StoreUnavailable: a refused write (OOM) lasts until cache entries expire or an operator frees
 * memory; a lost connection, until ioredis reconnects (it retries within 2 s).
 */
const STORE_RETRY_AFTER_SECONDS = { refused: 30, unreachable: 5, timeout: 5 } as const;

/**
 * An error's media type, as express wrote it when the body was sent as a string (its `setCharset` parses and formats
 * the type again on every send, `res.set` checks it too): written once, and the body sent as a Buffer, which express
 * sends with the type it finds (issue #15: CPU per 4xx answer). Same header bytes as before.
 */
const ERROR_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Body-parser and express errors carry a 4xx `status`; they are the client's fault. */
function isClientHttpError(error: unknown): error is { status: number; message: string } {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export function createErrorMiddleware(logger: Logger, upstreamTimeoutMs: number): ErrorRequestHandler {
  return (error, req, res, _next) => {
    // The client left and its work was stopped (stop-work.ts): there is nobody to answer.
    if (error instanceof ClientGone) {
      res.destroy();
      return;
    }
    let odata: ODataError;
    if (error instanceof ODataError) {
      odata = error;
    } else if (error instanceof UpstreamError) {
      odata = upstreamToODataError(error, upstreamTimeoutMs);
      logger.warn('upstream failure', { kind: error.kind, status: error.status, upstreamUrl: error.url, path: req.path });
    } else if (error instanceof StoreUnavailable) {
      const retryAfter = STORE_RETRY_AFTER_SECONDS[error.kind];
      odata = new ODataError('StoreUnavailable', { failure: error.message, retryAfter }, { headers: { 'Retry-After': String(retryAfter) } });
      logger.warn('shared store failure', { store: error.store, kind: error.kind, operation: error.operation, problem: error.problem, path: req.path });
    } else if (isClientHttpError(error)) {
      odata = new ODataError('BadRequest', { message: error.message }, { status: error.status });
    } else {
      const reference = randomUUID();
      odata = new ODataError('Internal', { reference });
      logger.error('unhandled error', { reference, path: req.path, error: error instanceof Error ? error.stack : String(error) });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(odata.status).set(odata.headers);
    res.setHeader('Content-Type', ERROR_CONTENT_TYPE);
    res.send(Buffer.from(JSON.stringify(odata.toJSON()), 'utf8'));
  };
}
