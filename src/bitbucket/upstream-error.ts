import type { ScopeShortfall } from './error-envelope';

export type UpstreamErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'bad-request'
  | 'conflict'
  | 'gone'
  | 'rate-limited'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'bad-response'
  | 'server-error';

/** Where a rate-limited error's retryAfterSeconds came from: Bitbucket's headers, or our default when it sent none. */
export type RetryAfterSource = 'retry-after' | 'x-ratelimit-reset' | 'default';

/**
 * Kinds by Bitbucket status code (developer.atlassian.com/cloud/bitbucket/rest/intro/, "Standardized error responses"; RFC 9110 §15). 404 also means "private and you cannot see
 * it"; 410 is a retired feature (CHANGE-2770, the issue tracker). Statuses not listed fall back by class in
 * `kindForStatus`. Classification is by status only, never by message text (STYLE.md §5).
 */
const KIND_BY_STATUS: Readonly<Record<number, UpstreamErrorKind>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  410: 'gone',
  412: 'conflict',
  429: 'rate-limited',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
};

export function kindForStatus(status: number): UpstreamErrorKind {
  const listed = KIND_BY_STATUS[status];
  if (listed !== undefined) return listed;
  if (status >= 500) return 'server-error';
  if (status >= 400) return 'bad-request';
  // 1xx/3xx: the client does not follow redirects (a redirect could lead credentials to another host).
  return 'bad-response';
}

const KIND_DESCRIPTIONS: Readonly<Record<UpstreamErrorKind, string>> = {
  unauthorized: 'the credential was missing, invalid or expired',
  forbidden: 'the credential lacks a scope or permission',
  'not-found': 'not found (or private to this credential)',
  'bad-request': 'the request was rejected as invalid',
  conflict: 'the request conflicts with the current state',
  gone: 'the resource or feature has been removed',
  'rate-limited': 'the rate limit for this credential is exhausted',
  unavailable: 'Bitbucket is unavailable',
  timeout: 'Bitbucket did not answer in time',
  network: 'the connection to Bitbucket failed',
  'bad-response': 'the response could not be read',
  'server-error': 'Bitbucket failed with a server error',
};

export interface UpstreamErrorDetails {
  kind: UpstreamErrorKind;
  method: string;
  /** Credentials stripped (redactUrl). */
  url: string;
  /** How many HTTP attempts were made, retries included (0 when the request was never sent). */
  attempts: number;
  status?: number;
  retryAfterSeconds?: number;
  retryAfterSource?: RetryAfterSource;
  upstreamMessage?: string;
  fields?: Record<string, string[]>;
  outcomeUnknown?: boolean;
  wwwAuthenticate?: string;
  /** Node's error code for transport failures (ECONNRESET, ECONNREFUSED, ETIMEDOUT...). */
  transportCode?: string;
  /** The per-request timeout, set on `timeout` errors so the gateway can say what it waited for. */
  timeoutMs?: number;
  /** A more specific description than the kind's, e.g. why a response could not be read. */
  problem?: string;
  /** The Content-Type of the error response, to say what came back when it carried no Bitbucket message. */
  contentType?: string;
  /** A 403's required and granted scopes (Bitbucket's object-shaped `error.detail`). */
  scopes?: ScopeShortfall;
}

/**
 * A failed call to Bitbucket. Carries only data safe to log: the URL without credentials, Bitbucket's own message,
 * no request headers and no underlying error object (which could reference the request and its Authorization header).
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly kind: UpstreamErrorKind;
  readonly method: string;
  readonly url: string;
  readonly attempts: number;
  readonly status?: number;
  /** Seconds the caller should wait before trying again (rate-limited, and unavailable when Bitbucket said so). */
  readonly retryAfterSeconds?: number;
  /** Whether retryAfterSeconds is Bitbucket's word (a header) or our default because it sent none (rate-limited). */
  readonly retryAfterSource?: RetryAfterSource;
  /** Bitbucket's `error.message` and `error.detail` from its JSON envelope, or a text/plain body (429s). */
  readonly upstreamMessage?: string;
  /** Bitbucket's per-field validation messages (`error.fields`). */
  readonly fields?: Record<string, string[]>;
  /** A non-idempotent write failed after it may have reached Bitbucket: it may or may not have been applied. */
  readonly outcomeUnknown?: boolean;
  /** Bitbucket's WWW-Authenticate header, so the gateway can forward a Bearer challenge (RFC 6750 §3). */
  readonly wwwAuthenticate?: string;
  readonly transportCode?: string;
  readonly timeoutMs?: number;
  /** Why the response could not be used (bad-response), or what cut it short: the cause to repeat to the client. */
  readonly problem?: string;
  readonly contentType?: string;
  /** Scopes Bitbucket named on a 403: what the resource requires and what the credential has. */
  readonly scopes?: ScopeShortfall;

  constructor(details: UpstreamErrorDetails) {
    super(describe(details));
    this.kind = details.kind;
    this.method = details.method;
    this.url = details.url;
    this.attempts = details.attempts;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
    if (details.retryAfterSource !== undefined) this.retryAfterSource = details.retryAfterSource;
    if (details.upstreamMessage !== undefined) this.upstreamMessage = details.upstreamMessage;
    if (details.fields !== undefined) this.fields = details.fields;
    if (details.outcomeUnknown !== undefined) this.outcomeUnknown = details.outcomeUnknown;
    if (details.wwwAuthenticate !== undefined) this.wwwAuthenticate = details.wwwAuthenticate;
    if (details.transportCode !== undefined) this.transportCode = details.transportCode;
    if (details.timeoutMs !== undefined) this.timeoutMs = details.timeoutMs;
    if (details.problem !== undefined) this.problem = details.problem;
    if (details.contentType !== undefined) this.contentType = details.contentType;
    if (details.scopes !== undefined) this.scopes = details.scopes;
  }
}

function describe(details: UpstreamErrorDetails): string {
  const parts = [`Bitbucket ${details.method} ${details.url}: ${details.problem ?? KIND_DESCRIPTIONS[details.kind]}`];
  if (details.status !== undefined) parts.push(`(HTTP ${details.status})`);
  else if (details.transportCode !== undefined) parts.push(`(${details.transportCode})`);
  if (details.attempts > 1) parts.push(`after ${details.attempts} attempts`);
  let message = parts.join(' ');
  if (details.upstreamMessage !== undefined) message += `: ${details.upstreamMessage}`;
  if (details.retryAfterSeconds !== undefined) message += `; retry after ${details.retryAfterSeconds} s`;
  if (details.outcomeUnknown === true) message += '; the write may or may not have been applied';
  return message;
}
