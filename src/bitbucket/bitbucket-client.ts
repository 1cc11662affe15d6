import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { readBitbucketPage, type BitbucketPage } from './bitbucket-page';
import {
  DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS,
  resolveClientOptions,
  type BitbucketClientOptions,
  type ResolvedClientOptions,
} from './bitbucket-client-options';
import { ACCEPTED_ENCODINGS, decodeBody } from './decode-body';
import { readErrorBody } from './error-envelope';
import { sendAttempt, type AttemptOutcome } from './http-attempt';
import { nextLinkTarget } from './next-link';
import { backoffDelay } from './backoff-delay';
import { classifyProbeAnswer, type BitbucketProbeResult, type ProbeAnswer } from './probe-answer';
import { continuationPageProblem, continuationWithoutNext } from './page-continuation';
import { pageParams, withPageNumber } from './page-number-target';
import { redactUrl } from './redact-url';
import { MAX_REDIRECTS, REDIRECT_STATUSES, redirectTarget } from './redirect-target';
import type { CacheLookup } from './response-cache';
import type { ListRevision } from './list-revision';
import { relativeTarget, resumeTargetProblem } from './resume-target';
import { retriesOf500For } from './retries-of-500';
import { decideAfterAttempt, mayHaveBeenApplied, type AttemptSummary, type RetryPolicy } from './retry-policy';
import { authorizationHeader, UnusableCredentialError, type UpstreamCredential } from './upstream-credential';
import { UpstreamError, type UpstreamErrorDetails } from './upstream-error';
import { encodeUpstreamQuery, type UpstreamQuery } from './upstream-query';

export type WriteMethod = 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** A page and where it was read (`BitbucketClient.locatedPages`). */
export interface LocatedPage<T> {
  page: BitbucketPage<T>;
  /** Its request target relative to baseUrl (path + query), to open it again; undefined outside the base path. */
  target?: string;
  /** Its `next` link's request target relative to baseUrl, when it has one that may be requested (same form). */
  nextTarget?: string;
}

export interface SendOptions {
  query?: UpstreamQuery;
  /** Set for writes that may be repeated safely (default false: a write is retried only if it was never sent). */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export interface SendResult<T> {
  status: number;
  /** Parsed JSON, or undefined for an empty body (204). */
  body: T | undefined;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

/** Per-call choices of a read (`get`). */
export interface ReadOptions {
  /** Most retries of a 500 (default: as `retriesOf500For` says, else UPSTREAM_MAX_RETRIES); 0 when a 500 is the answer. */
  retriesOf500?: number;
}

interface Exchange {
  method: string;
  requestTarget: string;
  credential: UpstreamCredential;
  idempotent: boolean;
  body?: Buffer;
  signal?: AbortSignal;
  retriesOf500?: number;
  /** Neither answered from nor kept in the response cache (a list the list memo keeps whole: list-memo.ts). */
  uncached?: boolean;
}

interface ReadResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Attempts it took, for errors raised while reading the body. */
  attempts: number;
  /** The request target that gave this response: the one sent, or where its redirects led (redirect-target.ts). */
  requestTarget: string;
}

/**
 * Bitbucket Cloud REST 2.0 over HTTP: one instance per upstream. It holds the upstream origin and a keep-alive
 * socket pool, never a credential: every call takes its credential and puts it in that request's Authorization
 * header only. It knows nothing of OData.
 */
export class BitbucketClient {
  readonly #options: ResolvedClientOptions;
  readonly #upstream: URL;
  /** Base path without a trailing slash, e.g. "/2.0". */
  readonly #basePath: string;
  /** The upstream's origin, computed once: URL's getter builds the string again on every read (each call's URL). */
  readonly #origin: string;
  readonly #agent: http.Agent;
  readonly #retryPolicy: RetryPolicy;

  constructor(options: BitbucketClientOptions) {
    this.#options = resolveClientOptions(options);
    this.#upstream = parseBaseUrl(options.baseUrl);
    this.#basePath = this.#upstream.pathname.replace(/\/+$/, '');
    this.#origin = this.#upstream.origin;
    // Keep-alive saves a TCP+TLS handshake per call; maxSockets bounds how hard one gateway can hit Bitbucket.
    const agentOptions = { keepAlive: true, maxSockets: this.#options.maxSockets };
    this.#agent = this.#upstream.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.#retryPolicy = {
      maxRetries: this.#options.maxRetries,
      maxRetryAfterSeconds: this.#options.maxRetryAfterSeconds,
      backoffBaseMs: this.#options.backoffBaseMs,
      maxBackoffMs: this.#options.maxBackoffMs,
      defaultRateLimitRetryAfterSeconds: DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS,
      rateLimitBackoffBaseMs: this.#options.rateLimitBackoffBaseMs,
    };
  }

  /** GET one JSON resource. `path` is relative to baseUrl and built with bitbucketPath(). */
  async get<T>(path: string, query: UpstreamQuery, credential: UpstreamCredential, signal?: AbortSignal, options: ReadOptions = {}): Promise<T> {
    const exchange: Exchange = { method: 'GET', requestTarget: this.#requestTarget(path, query), credential, idempotent: true, signal, retriesOf500: options.retriesOf500 };
    // `#exchange` without its frame, as `#locatedPages` does.
    let response = await this.#exchangeOnce(exchange);
    if (REDIRECT_STATUSES.has(response.status)) response = await this.#redirected(exchange, response);
    return this.#readJson(exchange, response, 'required') as T;
  }

  /**
   * Yields the pages of a collection, following Bitbucket's `next` links exactly as given (never rebuilds them).
   * A page-numbered page without `next` whose `page`, `pagelen` and `size` say rows remain is followed by the same
   * request with `page + 1` (page-continuation.ts: pipelines, BCLOUD-20639). Stop iterating to stop fetching: the
   * next page is requested only when the consumer asks for it.
   */
  async *pages<T>(path: string, query: UpstreamQuery, credential: UpstreamCredential, signal?: AbortSignal): AsyncGenerator<BitbucketPage<T>> {
    for await (const located of this.locatedPages<T>({ path, query }, credential, signal)) yield located.page;
  }

  /**
   * pages() that also says where each page was read (`target`: its request target relative to baseUrl, undefined
   * when Bitbucket's `next` leads outside the base path), and that can start at such a target instead of at
   * `path` + `query`: a later read resumes Bitbucket's own paging where an earlier one stood, as a client following
   * `next` would (the commits list pages with opaque links that cannot be rebuilt, developer.atlassian.com/cloud/bitbucket/rest/intro/, "Pagination"). A target
   * is always requested under the configured origin and base path, never rebuilt; one that could leave the base path
   * (`resumeTargetProblem`) is a RangeError.
   */
  locatedPages<T>(
    start: { path: string; query: UpstreamQuery } | { target: string },
    credential: UpstreamCredential,
    signal?: AbortSignal,
    reuse: { revision?: ListRevision } = {},
  ): AsyncGenerator<LocatedPage<T>> {
    // The walk itself is returned, not delegated to from a generator of its own: a `yield*` between async generators
    // costs every page (every upstream call) a few more promises and microtask turns. Nothing here is read before
    // the walk starts but the start and the memo's rule (`listOf`, which reads nothing and throws nothing).
    // A repository's commits or pull requests walked from the start read only what changed since the last walk; a pull
    // request's commits or diffstat, or a pipeline's steps, given its revision, only when that changed (list-memo.ts).
    const lists = 'target' in start ? undefined : this.#options.responseCache?.lists;
    const list = lists !== undefined && !('target' in start) ? lists.listOf(start.path, start.query, reuse.revision) : undefined;
    if (lists !== undefined && list !== undefined) {
      const pages = (from: { path: string; query: UpstreamQuery }, options?: { cached?: boolean }) =>
        this.#locatedPages<unknown>(from, credential, signal, options?.cached ?? true);
      return lists.walk(list, credential, pages) as AsyncGenerator<LocatedPage<T>>;
    }
    return this.#locatedPages<T>(start, credential, signal);
  }

  async *#locatedPages<T>(
    start: { path: string; query: UpstreamQuery } | { target: string },
    credential: UpstreamCredential,
    signal?: AbortSignal,
    cached = true,
  ): AsyncGenerator<LocatedPage<T>> {
    let requestTarget: string;
    if ('target' in start) {
      const problem = resumeTargetProblem(start.target);
      if (problem !== undefined) throw new RangeError(`Bitbucket page target "${start.target}" cannot be requested: ${problem}.`);
      requestTarget = `${this.#basePath}${start.target}`;
    } else {
      requestTarget = this.#requestTarget(start.path, start.query);
    }
    const visited = new Set<string>();
    // Set while reading a page asked for by page number because the previous one had no `next` (page-continuation.ts).
    let continuation: { page: number; previousValues: unknown[] } | undefined;
    for (;;) {
      visited.add(requestTarget);
      const sent = { method: 'GET', requestTarget, credential, idempotent: true, signal, uncached: !cached };
      // `#exchange` without its frame: only a redirect goes on to `#redirected`. Through `#exchange`, every page cost an
      // async frame more, its promise and the await's (async hooks are on) and a microtask turn (issue #15: CPU per
      // upstream call; with guard's and the feed's cuts, 57.1 -> 49.1 promises per call of `$select=Hash,Date`). The
      // client alone was already at the floor: in one process, walking the same 1,114 pages with metrics on, 271 µs
      // per call against 278 for a bare node:http client (medians of 5 rounds).
      let response = await this.#exchangeOnce(sent);
      if (REDIRECT_STATUSES.has(response.status)) response = await this.#redirected(sent, response);
      // A redirected page is read, continued and remembered where it was answered.
      requestTarget = response.requestTarget;
      visited.add(requestTarget);
      const exchange = requestTarget === sent.requestTarget ? sent : { ...sent, requestTarget };
      const page = readBitbucketPage(this.#readJson(exchange, response, 'required'));
      if (page === undefined) {
        throw this.#badResponse(exchange, response, 'the body is not a Bitbucket page (no "values" array, or a "next" that is not a string)');
      }
      if (continuation !== undefined) {
        const problem = continuationPageProblem(page, continuation.page, continuation.previousValues);
        if (problem !== undefined) throw this.#badResponse(exchange, response, problem);
      }
      // The next link is checked once: its target travels with the page, and the walk follows it below.
      const next = page.next === undefined ? undefined : nextLinkTarget(page.next, this.#origin);
      const nextTarget = next?.ok ? relativeTarget(next.requestTarget, this.#basePath) : undefined;
      yield { page: page as BitbucketPage<T>, target: relativeTarget(requestTarget, this.#basePath), nextTarget };
      if (next === undefined) {
        // The request's own page and pagelen are read only when the page does not state them (continuationWithoutNext
        // prefers the page's): parsing the query decodes every parameter (a long `fields=`), on nearly every last page.
        const decision = continuationWithoutNext(page, page.values.length === 0 || (page.page !== undefined && page.pagelen !== undefined) ? {} : pageParams(requestTarget));
        if (decision.action === 'stop') return;
        const target = withPageNumber(requestTarget, decision.page);
        if (!target.ok) throw this.#badResponse(exchange, response, target.problem);
        // Page numbers only grow, so this cannot repeat; the check keeps the walk finite whatever changes above.
        if (visited.has(target.requestTarget)) throw this.#badResponse(exchange, response, `page ${decision.page} was already read`);
        continuation = { page: decision.page, previousValues: page.values };
        requestTarget = target.requestTarget;
        continue;
      }
      continuation = undefined;
      if (!next.ok) throw this.#badResponse(exchange, response, next.problem);
      // A next link that repeats an earlier page would page forever.
      if (visited.has(next.requestTarget)) {
        throw this.#badResponse(exchange, response, 'the page\'s "next" link repeats an earlier page');
      }
      requestTarget = next.requestTarget;
    }
  }

  /**
   * Whether the base URL answers like Bitbucket Cloud's REST 2.0 root: `GET {base}/user` WITHOUT credentials,
   * classified by probe-answer.ts (`bitbucket`; `not-bitbucket` with what came back; `unreachable`; `failing`). An
   * `unreachable` answer (transport failure, timeout, 502/503/504) or a `failing` one (Bitbucket's 5xx) is tried again like any read (maxRetries, backoff with jitter),
   * so one slow first answer does not report a working upstream as down. Never throws for what the upstream does;
   * rejects only with the signal's reason when aborted. Each attempt is reported to onRequest like every call.
   */
  async probe(signal?: AbortSignal): Promise<BitbucketProbeResult> {
    const requestTarget = this.#requestTarget('/user', {});
    const url = this.#displayUrl(requestTarget);
    const exchange: Exchange = { method: 'GET', requestTarget, credential: { kind: 'none' }, idempotent: true, signal };
    const headers = this.#headers(exchange, url);
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const started = performance.now();
      const outcome = await sendAttempt({
        upstream: this.#upstream,
        requestTarget,
        method: 'GET',
        headers,
        timeoutMs: this.#options.timeoutMs,
        agent: this.#agent,
        maxResponseBytes: this.#options.maxResponseBytes,
        signal,
      });
      this.#options.onRequest?.({ method: 'GET', url, status: eventStatus(outcome), attempt, durationMs: Math.round(performance.now() - started) });
      const result = classifyProbeAnswer(url, await this.#probeAnswer(outcome));
      // Nothing usable now, or Bitbucket failing (a 5xx may be transient): tried again like a read.
      if ((result.kind !== 'unreachable' && result.kind !== 'failing') || attempt > this.#options.maxRetries) return result;
      const delayMs = backoffDelay(attempt, this.#options.backoffBaseMs, this.#options.maxBackoffMs, this.#options.random);
      await sleepUnlessAborted(this.#options.sleep, delayMs, signal);
    }
  }

  async #probeAnswer(outcome: AttemptOutcome): Promise<ProbeAnswer> {
    if (outcome.type === 'failed') {
      const failed: ProbeAnswer = { type: 'failed', failure: outcome.failure, code: outcome.code, timeoutMs: this.#options.timeoutMs };
      if (outcome.status !== undefined) failed.status = outcome.status;
      return failed;
    }
    let body: Buffer | undefined;
    try {
      body = decodeBody(outcome.headers['content-encoding'], outcome.body, this.#options.maxResponseBytes);
    } catch {
      body = undefined; // An undecodable body is no Bitbucket answer; the status and type still say what came back.
    }
    const answer: ProbeAnswer = { type: 'response', status: outcome.status, body };
    if (outcome.headers['content-type'] !== undefined) answer.contentType = outcome.headers['content-type'];
    if (outcome.headers.location !== undefined) answer.location = redactUrl(outcome.headers.location);
    return answer;
  }

  /** A write. Non-idempotent writes are never retried after the request may have reached Bitbucket. */
  async send<T>(
    method: WriteMethod,
    path: string,
    body: unknown,
    credential: UpstreamCredential,
    options: SendOptions = {},
  ): Promise<SendResult<T>> {
    const exchange: Exchange = {
      method,
      requestTarget: this.#requestTarget(path, options.query ?? {}),
      credential,
      idempotent: options.idempotent ?? false,
      signal: options.signal,
    };
    if (body !== undefined) exchange.body = Buffer.from(JSON.stringify(body), 'utf8');
    // Whatever its outcome, a write may have changed what cached reads hold: they are stale from now on. The mark is
    // written before the write is sent, so a store that cannot take it (Redis refusing writes, away) refuses the
    // write while nothing has happened (503, safe to retry), and once more after it, for reads that were cached while
    // the write was on its way. That second mark is best effort: the write has happened and the caller must hear its
    // outcome, not a "retry" that invites it twice; what a lost second mark leaves is a read raced with the write,
    // stale for at most the freshness window, as a change made outside the gateway is (counted: `invalidationsLost`).
    const relative = this.#relativePath(exchange.requestTarget);
    const invalidate = async () => {
      if (relative !== undefined) await this.#options.responseCache?.invalidate(relative);
    };
    const invalidateAfter = () => invalidate().catch(() => this.#options.responseCache?.countLostInvalidation());
    await invalidate();
    let response: ReadResponse;
    try {
      response = await this.#exchange(exchange);
    } catch (error) {
      await invalidateAfter();
      throw error;
    }
    await invalidateAfter();
    const parsed = this.#readJson(exchange, response, 'optional');
    return { status: response.status, body: parsed as T | undefined, headers: response.headers };
  }

  /** Closes idle keep-alive sockets (at shutdown, and in tests). Requests after close() open new sockets. */
  close(): void {
    this.#agent.destroy();
  }

  #requestTarget(path: string, query: UpstreamQuery): string {
    if (!path.startsWith('/') || /[?#]/.test(path)) {
      throw new RangeError(`Bitbucket path "${path}" must start with "/" and carry no query or fragment; build it with bitbucketPath() and pass the query separately.`);
    }
    const encodedQuery = encodeUpstreamQuery(query);
    return `${this.#basePath}${path}${encodedQuery === '' ? '' : `?${encodedQuery}`}`;
  }

  /** A request target relative to the base path (what the response cache keys), or undefined outside it. */
  #relativePath(requestTarget: string): string | undefined {
    return requestTarget.startsWith(`${this.#basePath}/`) ? requestTarget.slice(this.#basePath.length) : undefined;
  }

  async #cacheLookup(exchange: Exchange): Promise<CacheLookup | undefined> {
    const cache = this.#options.responseCache;
    if (cache === undefined || exchange.method !== 'GET') return undefined;
    const relative = this.#relativePath(exchange.requestTarget);
    return relative === undefined ? undefined : cache.lookup(exchange.credential, relative);
  }

  #displayUrl(requestTarget: string): string {
    return redactUrl(`${this.#origin}${requestTarget}`);
  }

  /**
   * Sends with retries per decideAfterAttempt and returns a 2xx response, or throws UpstreamError. A GET answered
   * with a redirect is sent again where it leads, on the configured upstream only and at most MAX_REDIRECTS times
   * (`redirect-target.ts`); each hop is a call like any other (reported, counted against the budget). A write is
   * never redirected: its 3xx fails as before.
   */
  async #exchange(exchange: Exchange): Promise<ReadResponse> {
    const response = await this.#exchangeOnce(exchange);
    return REDIRECT_STATUSES.has(response.status) ? this.#redirected(exchange, response) : response;
  }

  /** Follows the redirect `first` answered to `exchange` (a GET), as `#exchange` says. */
  async #redirected(exchange: Exchange, first: ReadResponse): Promise<ReadResponse> {
    let current = exchange;
    let response = first;
    const visited = new Set([exchange.requestTarget]);
    for (let hops = 0; ; hops++) {
      if (hops > 0) {
        response = await this.#exchangeOnce(current);
        if (!REDIRECT_STATUSES.has(response.status)) return response;
      }
      // A redirect not followed fails with what its answer says besides (Bitbucket's message, if its body has one).
      const notFollowed = async (problem: string): Promise<UpstreamError> => {
        const outcome: AttemptOutcome = { type: 'response', status: response.status, headers: response.headers, body: response.body };
        return new UpstreamError({ kind: 'bad-response', method: current.method, url: this.#displayUrl(current.requestTarget), attempts: response.attempts, ...(await this.#failureDetails(outcome)), problem });
      };
      if (hops >= MAX_REDIRECTS) throw await notFollowed(`it redirected more than ${MAX_REDIRECTS} times in a row`);
      const next = redirectTarget(response.headers.location, current.requestTarget, this.#upstream, this.#basePath);
      if (!next.ok) throw await notFollowed(next.problem);
      if (visited.has(next.requestTarget)) throw await notFollowed('its redirects lead back to a request already sent');
      visited.add(next.requestTarget);
      current = { ...current, requestTarget: next.requestTarget };
    }
  }

  /** One request target: attempts with retries; a GET's redirect is returned to the caller, which follows it (`#redirected`). */
  async #exchangeOnce(exchange: Exchange): Promise<ReadResponse> {
    const url = this.#displayUrl(exchange.requestTarget);
    const headers = this.#headers(exchange, url);
    // Reuse between requests (response-cache.ts): a fresh entry of this principal answers without a call; a stale one
    // with an ETag is revalidated, and Bitbucket's 304 keeps its body.
    // Without a response cache (UPSTREAM_CACHE_SECONDS=0) or a budget (UPSTREAM_BUDGET_PER_HOUR=0) nothing is awaited
    // for them: an await of undefined still costs each upstream call a microtask turn (and a promise hook).
    const cached = exchange.uncached || this.#options.responseCache === undefined ? undefined : await this.#cacheLookup(exchange);
    const requestTarget = exchange.requestTarget;
    if (cached?.entry?.fresh) return { status: cached.entry.status, headers: cached.entry.headers, body: cached.entry.body, attempts: 0, requestTarget };
    if (cached?.entry?.etag !== undefined) headers['if-none-match'] = cached.entry.etag;
    let rateLimitWaitedMs = 0;
    // A GET with `q` repeats a 500 once (retries-of-500.ts, BCLOUD-22709), unless its caller chose.
    const maxRetriesOf500 = exchange.retriesOf500 ?? (exchange.method === 'GET' ? retriesOf500For(exchange.requestTarget) : undefined);
    /** A write retried (idempotent) after an attempt that may have been applied: its outcome is unknown if it fails. */
    let appliedBefore = false;
    // A credential Bitbucket refused with 401 moments ago gets that 401 again, uncalled (refused-credentials.ts).
    const refused = this.#options.refusedCredentials;
    const refusal = refused?.refusal(exchange.credential, exchange.method, url);
    if (refusal !== undefined) throw refusal;
    for (let attempt = 1; ; attempt++) {
      exchange.signal?.throwIfAborted();
      // The budget per principal may refuse the call (src/budget): then nothing is sent.
      if (this.#options.budget !== undefined) await this.#options.budget.beforeAttempt(exchange.credential, attempt);
      const started = performance.now();
      // Aborted already (while the budget was asked): sendAttempt sends nothing, so nothing is reported below.
      const sent = exchange.signal?.aborted !== true;
      if (sent) this.#options.onAttemptSent?.();
      let outcome: AttemptOutcome;
      // try/await, not sendAttempt(…).catch(…): a promise and a closure fewer on every call.
      try {
        outcome = await sendAttempt({
          upstream: this.#upstream,
          requestTarget: exchange.requestTarget,
          method: exchange.method,
          headers,
          body: exchange.body,
          timeoutMs: this.#options.timeoutMs,
          agent: this.#agent,
          maxResponseBytes: this.#options.maxResponseBytes,
          signal: exchange.signal,
        });
      } catch (reason) {
        // Abandoned by the caller's signal (the client left, a deadline, a cap, a read-ahead page the answer no longer
        // needs): the call was sent and the budget took it, so it is reported like every other (issue #15: counts and
        // rows agree), before the abort's reason goes on.
        if (sent) this.#options.onRequest?.({ method: exchange.method, url, status: 'aborted', attempt, durationMs: Math.round(performance.now() - started) });
        throw reason;
      }
      this.#options.onRequest?.({
        method: exchange.method,
        url,
        status: eventStatus(outcome),
        attempt,
        durationMs: Math.round(performance.now() - started),
      });
      if (outcome.type === 'response' && this.#options.budget !== undefined) {
        const { budget } = this.#options;
        const told = budget.afterAnswer(exchange.credential, outcome.status, outcome.headers);
        // After a write Bitbucket answered, as with the cache's second mark (send): the write has happened, and a store
        // failure here must not become a 503 "retry" that invites it twice. A read may fail: retrying it is harmless.
        if (exchange.method === 'GET') await told;
        else await told.catch(() => budget.lostAfterWrite());
      }
      if (cached?.entry !== undefined && outcome.type === 'response' && outcome.status === 304) {
        const revalidated = await this.#options.responseCache?.revalidated(cached);
        if (revalidated !== undefined) return { ...revalidated, attempts: attempt, requestTarget };
      }
      if (exchange.method === 'GET' && outcome.type === 'response' && REDIRECT_STATUSES.has(outcome.status)) {
        return { status: outcome.status, headers: outcome.headers, body: outcome.body, attempts: attempt, requestTarget };
      }
      const summary = summarize(outcome);
      const decision = decideAfterAttempt(summary, {
        attempt,
        idempotent: exchange.idempotent,
        policy: this.#retryPolicy,
        nowMs: this.#options.now(),
        random: this.#options.random,
        rateLimitWaitedMs,
        write: exchange.method !== 'GET',
        appliedBefore,
        ...(maxRetriesOf500 === undefined ? {} : { maxRetriesOf500 }),
      });
      appliedBefore ||= mayHaveBeenApplied(summary);
      if (decision.action === 'retry') {
        if (outcome.type === 'response' && outcome.status === 429) rateLimitWaitedMs += decision.delayMs;
        this.#options.onRetryWait?.({ status: eventStatus(outcome), delayMs: decision.delayMs });
        await sleepUnlessAborted(this.#options.sleep, decision.delayMs, exchange.signal);
        continue;
      }
      // Only a response can be accepted (decideAfterAttempt accepts 2xx statuses alone).
      if (decision.action === 'accept' && outcome.type === 'response') {
        if (cached !== undefined) {
          this.#options.responseCache?.missed();
          await this.#options.responseCache?.store(cached, { status: outcome.status, headers: outcome.headers, body: outcome.body });
        }
        return { status: outcome.status, headers: outcome.headers, body: outcome.body, attempts: attempt, requestTarget };
      }
      const details: UpstreamErrorDetails = { kind: 'bad-response', method: exchange.method, url, attempts: attempt };
      if (decision.action === 'fail') {
        details.kind = decision.kind;
        if (decision.retryAfterSeconds !== undefined) details.retryAfterSeconds = decision.retryAfterSeconds;
        if (decision.retryAfterSource !== undefined) details.retryAfterSource = decision.retryAfterSource;
        if (decision.outcomeUnknown !== undefined) details.outcomeUnknown = decision.outcomeUnknown;
      }
      const failure = new UpstreamError({ ...details, ...(await this.#failureDetails(outcome)) });
      refused?.answered(exchange.credential, failure);
      throw failure;
    }
  }

  #headers(exchange: Exchange, url: string): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': ACCEPTED_ENCODINGS,
      'user-agent': this.#options.userAgent,
    };
    let authorization: string | undefined;
    try {
      authorization = authorizationHeader(exchange.credential);
    } catch (error) {
      if (!(error instanceof UnusableCredentialError)) throw error;
      throw new UpstreamError({ kind: 'unauthorized', method: exchange.method, url, attempts: 0, problem: error.message });
    }
    if (authorization !== undefined) headers.authorization = authorization;
    if (exchange.method !== 'GET') {
      // Bitbucket answers 411 Length Required to a PUT/POST without Content-Length (RFC 9110 §15.5.12).
      headers['content-length'] = String(exchange.body?.length ?? 0);
      if (exchange.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    }
    return headers;
  }

  /** What the final attempt tells about the failure, from its status, headers and (error) body. */
  async #failureDetails(outcome: AttemptOutcome): Promise<Partial<UpstreamErrorDetails>> {
    if (outcome.type === 'failed') {
      const details: Partial<UpstreamErrorDetails> = { transportCode: outcome.code };
      if (outcome.status !== undefined) details.status = outcome.status;
      if (outcome.failure === 'timeout') details.timeoutMs = this.#options.timeoutMs;
      if (outcome.failure === 'truncated') details.problem = 'the connection closed before the whole body arrived';
      if (outcome.failure === 'too-large') details.problem = `the body exceeds ${this.#options.maxResponseBytes} bytes`;
      return details;
    }
    const details: Partial<UpstreamErrorDetails> = { status: outcome.status };
    const contentType = outcome.headers['content-type'];
    if (contentType !== undefined) details.contentType = contentType;
    const challenge = outcome.headers['www-authenticate'];
    if (challenge !== undefined) details.wwwAuthenticate = challenge;
    let body: Buffer | undefined;
    try {
      body = decodeBody(outcome.headers['content-encoding'], outcome.body, this.#options.maxResponseBytes);
    } catch {
      body = undefined; // An unreadable error body still leaves the status to classify by.
    }
    if (body !== undefined) Object.assign(details, readErrorBody(outcome.headers['content-type'], body));
    return details;
  }

  /** Synchronous, like all it does (decode-body.ts): an await per upstream call here only cost a microtask turn. */
  #readJson(exchange: Exchange, response: ReadResponse, presence: 'required' | 'optional'): unknown {
    let body: Buffer;
    try {
      body = decodeBody(response.headers['content-encoding'], response.body, this.#options.maxResponseBytes);
    } catch (error) {
      throw this.#badResponse(exchange, response, `the body could not be decompressed (${error instanceof Error ? error.message : 'unknown error'})`);
    }
    if (body.length === 0) {
      if (presence === 'optional') return undefined;
      throw this.#badResponse(exchange, response, 'the body is empty where JSON was expected');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw this.#badResponse(exchange, response, 'the body is not valid JSON (truncated or malformed)');
    }
    const values = typeof parsed === 'object' && parsed !== null ? (parsed as { values?: unknown }).values : undefined;
    if (Array.isArray(values)) this.#options.onItems?.(values.length);
    return parsed;
  }

  #badResponse(exchange: Exchange, response: ReadResponse, problem: string): UpstreamError {
    return new UpstreamError({
      kind: 'bad-response',
      method: exchange.method,
      url: this.#displayUrl(exchange.requestTarget),
      attempts: response.attempts,
      status: response.status,
      problem,
    });
  }
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new RangeError(`BitbucketClient baseUrl "${redactUrl(baseUrl)}" is not an absolute URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RangeError(`BitbucketClient baseUrl must be http: or https:, not ${url.protocol}.`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new RangeError('BitbucketClient baseUrl must not carry credentials, a query or a fragment; credentials are passed per request.');
  }
  return url;
}

function summarize(outcome: AttemptOutcome): AttemptSummary {
  if (outcome.type === 'response') {
    const summary: AttemptSummary = { type: 'response', status: outcome.status };
    const retryAfter = outcome.headers['retry-after'];
    if (retryAfter !== undefined) summary.retryAfter = retryAfter;
    const rateLimitReset = outcome.headers['x-ratelimit-reset'];
    if (rateLimitReset !== undefined) summary.rateLimitReset = rateLimitReset;
    return summary;
  }
  const summary: AttemptSummary = { type: 'failed', failure: outcome.failure, connected: outcome.connected };
  if (outcome.status !== undefined) summary.status = outcome.status;
  return summary;
}

function eventStatus(outcome: AttemptOutcome): number | 'network-error' | 'timeout' {
  if (outcome.type === 'response') return outcome.status;
  if (outcome.failure === 'timeout') return 'timeout';
  return outcome.status ?? 'network-error';
}

async function sleepUnlessAborted(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return sleep(ms);
  signal.throwIfAborted();
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
