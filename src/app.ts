/**
 * The gateway as an express app without `listen()`: what supertest drives in the specs and `server.ts` serves.
 */
import express, { type Express, type RequestHandler, type Response } from 'express';
import { BitbucketClient, NoticeTrust, RefusedCredentials, ResponseCache } from './bitbucket';
import { PrincipalBudget } from './budget';
import type { GatewayConfig } from './config';
import { createConnectorRouter } from './connector';
import { createCredentials } from './credentials';
import { createDataverseRouter } from './dataverse/dataverse-router';
import { buildEdmModel } from './entity-sets/to-edm-model';
import { webhookTriggers } from './entity-sets/to-webhook-triggers';
import { createChangeNoticeReceiver } from './http/change-notice-receiver';
import { createConsoleRouter } from './http/console-router';
import { createErrorMiddleware } from './http/error-middleware';
import { notReadyError, upstreamGate } from './http/upstream-gate';
import { createODataRouter } from './http/odata-router';
import { countUpstreamRequest, newRequestContext, requestContext, upstreamAttemptSent, type RequestContext } from './http/request-context';
import { stopWorkWhenAnswerIsMoot } from './http/stop-work';
import { setBudgetHeaders, principalBudgetGate, reportBudget } from './http/principal-budget-gate';
import { upstreamPrincipalResolver } from './http/upstream-principal';
import { isPresentedCredential } from './http/credentials';
import { createLogger, type Logger } from './logger';
import { createObservability } from './http/observability';
import { metricsAuth } from './http/metrics';
import { checkEvictionPolicy, createStore, type SharedStore } from './storage';
import { ODataError } from './odata/errors';
import { UpstreamReadiness, type UpstreamCheckTiming, type UpstreamProbeResult } from './upstream-readiness';

/** Longest request URL accepted; Power Query's longest folded queries stay well under it. */
export const MAX_URL_LENGTH = 16_000;

export interface AppOptions {
  config: GatewayConfig;
  logger?: Logger;
  /** Injected in tests to observe upstream calls; built from the config otherwise. */
  client?: BitbucketClient;
  /** Epoch milliseconds, for token expiry; specs pass a clock they move. */
  now?: () => number;
  /** How often BITBUCKET_API_URL is re-checked while it does not answer like Bitbucket (specs shorten it). */
  upstreamCheck?: Partial<UpstreamCheckTiming>;
  /** Where budgets and cached answers live; built from the config otherwise (Redis with REDIS_URL, else in memory). */
  store?: SharedStore;
}

/** Each app's check of its upstream (server.ts stops it on close; specs wait for its first outcome). */
const readinessByApp = new WeakMap<Express, UpstreamReadiness>();

export function upstreamReadinessOf(app: Express): UpstreamReadiness {
  const readiness = readinessByApp.get(app);
  if (!readiness) throw new Error('upstreamReadinessOf: not an app made by createApp');
  return readiness;
}

/** The Bitbucket client's probe (one anonymous GET {base}/user, src/bitbucket/probe-answer.ts) as the readiness check. */
function probeUpstream(upstream: BitbucketClient): Promise<UpstreamProbeResult> {
  // Outside any request's context: the check is the gateway's own call, not one a request's X-Upstream-Requests pays.
  return requestContext.exit(() => upstream.probe());
}

/** Each app's store (server.ts closes it on shutdown; specs that built it from the config close it too). */
const storeByApp = new WeakMap<Express, SharedStore>();

/** Each app's change-notice trust, when WEBHOOK_SECRET is set (specs stop its refresh timer; it never holds the process). */
const noticeTrustByApp = new WeakMap<Express, NoticeTrust>();

export function noticeTrustOf(app: Express): NoticeTrust | undefined {
  return noticeTrustByApp.get(app);
}

export function storeOf(app: Express): SharedStore {
  const store = storeByApp.get(app);
  if (!store) throw new Error('storeOf: not an app made by createApp');
  return store;
}

/**
 * `X-Upstream-Requests`, `Server-Timing` (src/http/server-timing.ts) and the caller's `X-Budget-*`, set on `res` just
 * before its headers go out (a streamed answer repeats the count and the timing in trailers). A function made per
 * response, not `writeHead.bind` plus a closure with rest arguments, and the headers set without an object of them in
 * between (issue #15: CPU per answer).
 */
function reportCallsInHeaders(res: Response, context: RequestContext): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response) {
    if (!this.headersSent) {
      this.setHeader('X-Upstream-Requests', String(context.upstreamRequests));
      this.setHeader('Server-Timing', context.timing.header(context.upstreamRequests));
      setBudgetHeaders(this, context);
    }
    // Node's and express's own writeHead, with whatever arguments they were given (status, message, headers).
    return Reflect.apply(writeHead, this, arguments) as Response;
  } as typeof res.writeHead;
}

/**
 * `handlers` run one after the other as one express layer, as a Router of them would run them: each goes on with
 * `next()`, and an error (passed to `next`, thrown, or a returned promise's rejection) skips the rest and goes to the
 * app's error middleware (Express 5's Layer#handleRequest does the same with what a handler throws or rejects with).
 * A Router costs a handle() pass per request (saving and restoring `req.baseUrl`, `req.next` and `req.params`,
 * parsing `req.url` again, matching each layer's path and a closure per layer); this costs one closure (issue #15:
 * CPU per answer). `next('route')`/`next('router')` are not needed by these handlers and not supported.
 */
function inTurn(handlers: readonly RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let at = 0;
    const step = (error?: unknown): void => {
      if (error) {
        next(error);
        return;
      }
      const handler = handlers[at++];
      if (handler === undefined) {
        next();
        return;
      }
      try {
        const answer: unknown = handler(req, res, step);
        if (answer instanceof Promise) answer.then(undefined, (rejection: unknown) => step(rejection || new Error('Rejected promise')));
      } catch (thrown) {
        step(thrown);
      }
    };
    step();
  };
}

export function createApp({ config, logger = createLogger(config.logLevel), client, now, upstreamCheck, store: givenStore }: AppOptions): Express {
  // Issue #14: the budget per upstream principal and the reuse of GET answers, both kept in one store.
  const store = givenStore ?? createStore({ redisUrl: config.redisUrl, memoryMaxBytes: config.upstreamCache.maxBytes }, now);
  // Advice only (it never throws): an allkeys-* Redis may evict revocations (src/storage/eviction-policy-check.ts).
  void checkEvictionPolicy(store, logger);
  const principalOf = upstreamPrincipalResolver(config);
  const budget = new PrincipalBudget({
    store,
    settings: config.upstreamBudget,
    principalOf,
    requestCalls: () => requestContext.getStore()?.upstreamRequests ?? 0,
    onReport: reportBudget,
    now,
  });
  // Bitbucket webhooks as change notices (src/bitbucket/notice-trust.ts): longer trust in what they announce.
  const noticeTrust = config.webhooks
    ? new NoticeTrust({ store, workspaces: config.webhooks.workspaces, trustSeconds: config.webhooks.trustSeconds, settleSeconds: config.upstreamCache.freshSeconds, ...(now ? { now } : {}) })
    : undefined;
  noticeTrust?.start();
  const responseCache =
    config.upstreamCache.freshSeconds > 0
      ? new ResponseCache({
          store,
          principalKey: (credential) => principalOf(credential).userKey,
          freshSeconds: config.upstreamCache.freshSeconds,
          immutableSeconds: config.upstreamCache.immutableSeconds,
          ...(noticeTrust ? { notices: noticeTrust } : {}),
          now,
        })
      : undefined;
  // A credential a client presents that Bitbucket refused with 401 gets that 401 again for a minute without a call
  // (src/bitbucket/refused-credentials.ts). Not the gateway's own (sessions, keys, service mode): their identity
  // outlives a token renewed after a 401, and the renewed one must be tried.
  const refusedCredentials = new RefusedCredentials({ credentialKey: (credential) => (isPresentedCredential(credential) ? principalOf(credential).userKey : undefined), now });
  // Request ids, the request's log line, progress lines and Prometheus metrics (src/http/observability.ts).
  const observability = createObservability({ logger, bitbucketApiUrl: config.bitbucketApiUrl, progressEvery: config.logProgressEvery, apiKeyParameter: config.apiKeyParameter });
  const upstream =
    client ??
    new BitbucketClient({
      responseCache,
      refusedCredentials,
      budget: budget.enabled ? principalBudgetGate(budget, now) : undefined,
      baseUrl: config.bitbucketApiUrl,
      timeoutMs: config.upstreamTimeoutMs,
      maxRetries: config.upstreamMaxRetries,
      maxRetryAfterSeconds: config.maxRetryAfterSeconds,
      backoffBaseMs: 200,
      maxSockets: config.upstreamMaxSockets,
      userAgent: 'bitbucket-odata/0.1',
      onItems: observability.upstreamItems,
      onAttemptSent: upstreamAttemptSent,
      onRetryWait: observability.upstreamWait,
      onRequest: (event) => {
        countUpstreamRequest();
        observability.upstream(event);
        logger.debug('upstream request', { method: event.method, url: event.url, status: event.status, attempt: event.attempt, ms: event.durationMs });
      },
    });
  const app = express();
  storeByApp.set(app, store);
  if (noticeTrust) noticeTrustByApp.set(app, noticeTrust);
  app.disable('x-powered-by');
  // An ETag here is an entity version (write-handlers `etagOf`) that If-Match can be checked against. Express's own
  // body-hash ETag on every other response (errors, unversioned entities) would invite If-Match values no write accepts.
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.set('trust proxy', false);

  // Count upstream calls per request and report them just before the headers go out; then the request's id, log line
  // and metrics (observability.middleware); longer URLs are refused before any parsing (Node itself answers 431 above
  // its header limit, 16 KiB by default), with their id, line and metrics. One layer, not three: every layer express
  // passes a request through costs its matching and a closure or two, on every request (issue #15: latency added per
  // upstream page).
  app.use((req, res, next) => {
    const context = newRequestContext(config.maxUpstreamCallsPerRequest);
    stopWorkWhenAnswerIsMoot(req, res, context, config.requestDeadlineSeconds, logger);
    reportCallsInHeaders(res, context);
    const length = req.originalUrl.length;
    const then = length > MAX_URL_LENGTH ? () => next(new ODataError('UrlTooLong', { length, limit: MAX_URL_LENGTH })) : next;
    requestContext.run(context, observability.middleware, req, res, then);
  });
  // The upstream is checked at once, and again until it answers like Bitbucket (src/upstream-readiness.ts): /health
  // reports it (200 ready, 503 with the reason), and OData requests wait for the first check and are refused until
  // one succeeds, so a wrong BITBUCKET_API_URL is never read as empty lists.
  const readiness = new UpstreamReadiness({ url: config.bitbucketApiUrl, probe: () => probeUpstream(upstream), logger, timing: upstreamCheck });
  readinessByApp.set(app, readiness);
  readiness.start();
  // Browser sign-in, and the credential of requests without an Authorization header (session cookie, service mode).
  const credentials = createCredentials({ config, client: upstream, logger, now, store });
  // The OData service: its version header, the upstream gate, the credential, then the router. One mount of `/odata`
  // in front of them, not one per step: each `/odata` layer matched the path and cut and restored `req.url` again.
  // And one layer there, not a Router of three (inTurn): a Router is its own handle() pass per request.
  const gate = upstreamGate(readiness);
  app.use(
    '/odata',
    inTurn([
      (req, res, next) => {
        res.setHeader('OData-Version', '4.0');
        gate(req, res, next);
      },
      credentials.middleware,
      createODataRouter({ config, client: upstream, model: buildEdmModel(), logger, now, store }),
    ]),
  );
  // After /odata (their paths are disjoint), as /health below: an OData request is not matched against them first.
  // With METRICS_TOKEN, only a scraper that sends it reads the metrics (src/http/metrics.ts).
  app.get('/metrics', metricsAuth(config.metricsToken), observability.metricsHandler);
  // Bitbucket's webhook deliveries (no credential: the signature authenticates them), outside /odata.
  if (config.webhooks && noticeTrust) app.use(createChangeNoticeReceiver({ secret: config.webhooks.secret, trust: noticeTrust, logger }));
  // Mounted after /odata (their paths are disjoint, so the order changes no answer): an OData request, the one that
  // comes by the thousand, is not matched against them first.
  app.get('/health', (_req, res, next) => {
    readiness.current().then((state) => {
      // The shared store (REDIS_URL) unreachable: requests would answer 503 StoreUnavailable, so not ready either.
      // Known without a round trip (the connection's state), so /health stays cheap.
      const storeProblem = store.unavailable();
      if (state.kind === 'bitbucket' && storeProblem === undefined) {
        res.json({ status: 'ok', ready: true, upstream: readiness.url });
        return;
      }
      if (state.kind === 'bitbucket') {
        res.status(503).set('Retry-After', '5').json({ status: 'unavailable', ready: false, upstream: readiness.url, reason: storeProblem });
        return;
      }
      const error = notReadyError(readiness, state);
      res.status(503).set(error.headers).json({ status: 'unavailable', ready: false, upstream: readiness.url, reason: error.message });
    }, next);
  });
  app.use('/auth', credentials.router);
  // Dataverse virtual tables (OData v4 Data Provider): the same sets with one Edm.Guid key each (src/dataverse/).
  app.use('/dataverse', createDataverseRouter({ config, client: upstream, logger, now, store, before: [upstreamGate(readiness), credentials.middleware] }));
  // The Power Platform custom connector for this gateway (apiDefinition.swagger.json, apiProperties.json).
  app.use('/connector', createConnectorRouter({ config, model: buildEdmModel(), triggers: webhookTriggers(), servicePath: '/odata' }));
  // The web console (console/): GET / and /console/* only; everything else still ends in the 404 below.
  app.use(createConsoleRouter({ config }));
  app.use((req, _res, next) => next(new ODataError('NotFound', { message: `Nothing at ${req.path}. The OData service root is /odata/.` })));
  app.use(createErrorMiddleware(logger, config.upstreamTimeoutMs));
  return app;
}
