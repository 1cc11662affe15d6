/**
 * What the gateway tells its operator about each request: an id, one log line when it is answered, progress lines
 * while a long read runs, and the Prometheus metrics of src/http/metrics.ts.
 *
 * - **Request id.** A caller's `X-Request-Id` is kept when it is a short token (letters, digits, `-_.:`; up to 128),
 *   so a proxy's id follows the request through; otherwise a random UUID. The answer echoes it as `X-Request-Id`, and
 *   every log line written while the request runs carries it as `requestId` (src/logger.ts).
 * - **The request's line** (`message: "request"`, info; debug for `/health` and `/metrics`): method, path, the query without credentials, status, the
 *   Bitbucket calls it cost, the items Bitbucket's list pages brought, its plans (one line per query: set, route,
 *   path, q, sort; src/http/upstream-plan-header.ts) and its duration. At debug level each plan also goes out whole
 *   as a `message: "plan"` line from the executor.
 * - **Progress** (`message: "progress"`, info): every `LOG_PROGRESS_EVERY` upstream calls of one request (default
 *   100; 0 turns it off), the entity set, the calls and the rows so far: a first page of Commits on a large
 *   workspace may take a thousand calls, and the log says it is moving.
 *
 * Nothing here logs a header, and the query is logged with the gateway key parameter (`API_KEY_PARAMETER`) and any
 * parameter named like a credential replaced by `[redacted]`.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ENTITY_SETS } from '../entity-sets/registry';
import type { Logger } from '../logger';
import { setLogContext } from '../logger';
import { createMetrics, routeLabel, type GatewayMetrics, type UpstreamAttempt, type UpstreamWait } from './metrics';
import { countUpstreamRows, requestContext, type RequestContext } from './request-context';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** Paths whose route label is kept (`createObservability`). */
const ROUTE_MEMO_SIZE = 1000;
const ROUTE_MEMO_PATH_LENGTH = 256;
const ACCEPTED_ID = /^[\w.:-]{1,128}$/;
const SECRET_PARAMETER = /^(access_token|api_key|apikey|token|password|secret|client_secret|code|key)$/i;

export interface ObservabilityOptions {
  logger: Logger;
  metrics: GatewayMetrics;
  /** Log a progress line every this many upstream calls of one request; 0 for none. */
  progressEvery: number;
  /** The query parameter that carries a gateway key (`API_KEY_PARAMETER`), never logged. */
  apiKeyParameter?: string;
  routeLabel: (path: string) => string;
}

// Every line written inside a request carries its id; outside one (start-up, readiness checks) none.
setLogContext(() => {
  const id = requestContext.getStore()?.requestId;
  return id === undefined ? undefined : { requestId: id };
});

/** The query string with credential-bearing parameters redacted (their names kept, so the log still says they came). */
export function loggableQuery(url: string, apiKeyParameter = 'api_key'): string {
  const at = url.indexOf('?');
  if (at < 0) return '';
  const params = new URLSearchParams(url.slice(at + 1));
  const out = new URLSearchParams();
  for (const [name, value] of params) out.append(name, name === apiKeyParameter || SECRET_PARAMETER.test(name) ? '[redacted]' : value);
  return out.toString();
}

/** The entity set (or OData word) a path under /odata/ or /dataverse/ names, for progress lines. */
function resourceOf(path: string): string {
  const segment = path.split('/').filter((part) => part !== '')[1] ?? '';
  try {
    return decodeURIComponent(segment).replace(/\(.*$/s, '');
  } catch {
    return segment;
  }
}

/**
 * The request context's `onUpstreamRequest`: a progress line every `every` calls. Made here, not as a closure inside
 * the middleware: a closure made there shares the middleware's one scope object with `finish` and the listeners, so
 * it holds `req` and `res` too, and the context holds it. The context may outlive its request: async_hooks gives every
 * async resource made during the request the AsyncLocalStorage store, and some live on. With the closure, a context
 * kept that way kept its whole request (req, res, rows, answer) alive, promoted to the old generation. Measured with
 * --trace-gc-nvp, `repository by key` asked 5,000 times: 11.2 -> 6.1 KB promoted per answer, mark-compacts 6 -> 2
 * (issue #15: CPU per answer).
 */
function progressReporter(logger: Logger, every: number, started: bigint, path: string): (context: RequestContext) => void {
  return (current) => {
    if (current.upstreamRequests % every === 0) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      logger.info('progress', { entitySet: resourceOf(path), upstreamRequests: current.upstreamRequests, rows: current.upstreamRows, seconds: Math.round(seconds * 10) / 10 });
    }
  };
}

/** Express middleware, mounted after the request context is made (src/app.ts). */
export function observeRequests(options: ObservabilityOptions): RequestHandler {
  const { logger, metrics } = options;
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const given = req.get(REQUEST_ID_HEADER);
    const requestId = given !== undefined && ACCEPTED_ID.test(given) ? given : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const context = requestContext.getStore();
    const path = req.path;
    if (context) {
      context.requestId = requestId;
      if (options.progressEvery > 0) context.onUpstreamRequest = progressReporter(logger, options.progressEvery, started, path);
    }
    let done = false;
    const finish = (event: 'finish' | 'close') => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = options.routeLabel(path);
      // A request whose client left before the answer has no status of its own; 499 is nginx's word for it.
      const status = event === 'finish' ? res.statusCode : 499;
      metrics.request(route, req.method, status, seconds);
      // Health checks and scrapes come every few seconds: their lines would drown the requests', so they are debug.
      const level = route === '/health' || route === '/metrics' ? 'debug' : 'info';
      // The line's fields (the query rewritten without credentials, the plans) are built only when it is written.
      if (logger.enabled?.(level) === false) return;
      logger[level]('request', {
        requestId,
        method: req.method,
        path,
        query: loggableQuery(req.originalUrl, options.apiKeyParameter),
        route,
        status,
        upstreamRequests: context?.upstreamRequests ?? 0,
        rows: context?.upstreamRows ?? 0,
        ...(context?.plans !== undefined ? { plans: context.plans } : {}),
        ms: Math.round(seconds * 1000),
      });
    };
    res.once('finish', () => finish('finish'));
    // A client that left stops the request's work (stop-work.ts aborts its signal on the same 'close'): the calls it
    // abandons are counted as their rejections settle, after this event, so the line waits one turn of the loop for
    // them (issue #15: every call Bitbucket received is in `upstreamRequests`).
    res.once('close', () => (res.writableFinished ? finish('finish') : setImmediate(() => finish('close'))));
    next();
  };
}

/** Every Bitbucket route template the declarations name (`path` strings starting with `/`), for endpoint labels. */
export function upstreamRoutesOf(declarations: unknown): string[] {
  const out: string[] = ['/user', '/user/workspaces', '/user/permissions/workspaces', '/repositories/{workspace}'];
  const seen = new Set<unknown>();
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if (key === 'path' && value.startsWith('/')) out.push(value);
      return;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) for (const item of value) walk(item);
    else for (const [name, item] of Object.entries(value)) walk(item, name);
  };
  walk(declarations);
  return out;
}

export interface Observability {
  readonly metrics: GatewayMetrics;
  /** Mount after the middleware that makes the request context. */
  readonly middleware: RequestHandler;
  /** `GET /metrics`. */
  readonly metricsHandler: RequestHandler;
  /** The Bitbucket client's `onRequest`: one attempt, for the metrics. */
  upstream(attempt: UpstreamAttempt): void;
  /** The Bitbucket client's `onItems`: the items of one list page, for the request's rows. */
  upstreamItems(count: number): void;
  /** The Bitbucket client's `onRetryWait`: one wait before a retry, for the metrics. */
  upstreamWait(wait: UpstreamWait): void;
}

/** The app's logs-and-metrics wiring (src/app.ts), from its settings. */
export function createObservability(options: { logger: Logger; bitbucketApiUrl: string; progressEvery: number; apiKeyParameter?: string }): Observability {
  const routeNames = new Set(ENTITY_SETS.map((definition) => definition.name));
  let upstreamBasePath = '/';
  try {
    upstreamBasePath = new URL(options.bitbucketApiUrl).pathname.replace(/\/$/, '') || '/';
  } catch {
    // The configuration checks the URL; a label of 'other' is all a bad one costs here.
  }
  const metrics = createMetrics({ routeNames, upstreamBasePath, upstreamRoutes: upstreamRoutesOf(ENTITY_SETS) });
  // A request's route label depends on its path alone, and clients ask the same few paths again and again (a by-key
  // read, a set's pages): splitting and decoding each path was a few µs per answer (issue #15). Emptied when full, as
  // paths hold keys and are unbounded.
  const routeByPath = new Map<string, string>();
  return {
    metrics,
    middleware: observeRequests({
      logger: options.logger,
      metrics,
      progressEvery: options.progressEvery,
      apiKeyParameter: options.apiKeyParameter,
      routeLabel: (path) => {
        // A long path (up to MAX_URL_LENGTH) is labelled without being kept: the memo stays a few hundred KB at most.
        if (path.length > ROUTE_MEMO_PATH_LENGTH) return routeLabel(path, routeNames);
        let label = routeByPath.get(path);
        if (label === undefined) {
          if (routeByPath.size >= ROUTE_MEMO_SIZE) routeByPath.clear();
          routeByPath.set(path, (label = routeLabel(path, routeNames)));
        }
        return label;
      },
    }),
    metricsHandler: (_req, res, next) => {
      metrics.registry
        .metrics()
        .then((text) => {
          res.setHeader('Content-Type', metrics.registry.contentType);
          res.setHeader('Cache-Control', 'no-store');
          res.end(text);
        })
        .catch(next);
    },
    upstream: (attempt) => metrics.upstream(attempt),
    upstreamItems: countUpstreamRows,
    upstreamWait: (wait) => metrics.upstreamWait(wait),
  };
}
