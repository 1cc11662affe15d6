/**
 * The one error catalog. Every error the gateway answers is an entry here: a code, an HTTP status and a message
 * template that says what to change. Serialized as OData JSON errors (OData 4.01 JSON Format §21):
 * `{"error":{"code","message","target","details":[...]}}`.
 */

export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export const ERROR_CATALOG = {
  // Request syntax and semantics (400)
  BadRequest: { status: 400, template: '{message}' },
  InvalidUrl: { status: 400, template: 'The request URL could not be parsed: {reason}. Check the resource path and percent-encoding.' },
  InvalidFilter: { status: 400, template: 'The $filter expression is not valid: {reason}.' },
  InvalidOrderBy: { status: 400, template: 'The $orderby option is not valid: {reason}.' },
  InvalidSelect: { status: 400, template: 'The $select option is not valid: {reason}.' },
  InvalidQueryOption: { status: 400, template: 'The query option {option} is not valid: {reason}.' },
  UnknownQueryOption: { status: 400, template: 'Unknown system query option {option}. Supported: {supported}.' },
  DuplicateQueryOption: { status: 400, template: 'The query option {option} appears more than once; give it once.' },
  UnknownNavigationProperty: { status: 400, template: "'{navigation}' is not a navigation property of {type}, so it cannot be expanded. Navigation properties: {available}." },
  InvalidExpand: { status: 400, template: 'The $expand option is not valid: {reason}.' },
  ExpandTooLarge: {
    status: 400,
    template: 'Expanding {navigation} returns more than {limit} {target} for one {type}, and an expansion has no paging. Add a nested $top (e.g. $expand={navigation}($top={limit})) or a nested $filter, or query {target} directly and follow @odata.nextLink.',
  },
  UnknownProperty: { status: 400, template: "Property '{property}' does not exist on {type}. Available properties: {available}." },
  TypeMismatch: { status: 400, template: '{reason}' },
  InvalidKey: { status: 400, template: 'The key predicate of {entitySet} is not valid: {reason}. Expected ({expected}).' },
  FilterTooLong: { status: 400, template: 'The $filter expression is {length} characters long; the limit is {limit}. Split the query or simplify the expression.' },
  FilterTooDeep: { status: 400, template: 'The {option} expression nests {depth} levels deep; the limit is {limit}. Flatten the expression.' },
  UrlTooLong: { status: 414, template: 'The request URL is {length} characters long; the limit is {limit}.' },
  TopTooLarge: { status: 400, template: '$top={top} exceeds the maximum of {limit}. Use a smaller $top and follow @odata.nextLink.' },
  SkipTooLarge: { status: 400, template: '$skip={skip} exceeds the maximum of {limit}.' },
  FanOutTooWide: { status: 400, template: 'This query would call Bitbucket once for each of {count} {unit}; the limit is {limit}. Add a filter on {properties}.' },
  MissingRequiredFilter: { status: 400, template: '{entitySet} needs {properties} to be fixed by the key or by an eq filter.' },
  InvalidSkipToken: { status: 400, template: 'The $skiptoken is not valid for this request: {reason}. Start again from the first page.' },
  InvalidPreference: { status: 400, template: 'The Prefer header is not valid: {reason}.' },
  InvalidODataVersion: {
    status: 400,
    template: 'The {header} header {given} cannot be honoured: {reason}. Send OData-MaxVersion: 4.0 or 4.01 (or higher), and OData-Version: 4.0 or 4.01 or none.',
  },
  UnknownHost: {
    status: 400,
    template: 'This gateway does not know itself as {host}, so it cannot write links for it: set PUBLIC_URL to the address clients use, or list the host in ALLOWED_HOSTS.',
  },
  UpstreamCallCap: {
    status: 400,
    template:
      'This request needs more than {limit} Bitbucket calls (MAX_UPSTREAM_CALLS_PER_REQUEST), and Bitbucket allows about 1,000 an hour per user or OAuth consumer: narrow it with a $filter on Workspace and RepositorySlug (and State or UpdatedOn for pull requests), or add $top.',
  },
  RequestDeadline: {
    status: 504,
    template:
      'The request did not finish within {seconds} s (REQUEST_DEADLINE_SECONDS) after {calls} Bitbucket calls: narrow it with a $filter on Workspace and RepositorySlug, add $top, or ask for smaller pages with Prefer: odata.maxpagesize.',
  },
  TooManyRowsInMemory: {
    status: 400,
    template:
      'This answer must be read whole and sorted here (Bitbucket cannot produce its order), and it holds more than the {limit} rows the gateway keeps in memory at once (MAX_ROWS_IN_MEMORY): narrow it with a $filter on Workspace and RepositorySlug, add $top, or order by a property Bitbucket sorts.',
  },
  InvalidBody: { status: 400, template: 'The request body is not valid: {reason}. See details for every problem.' },
  UpstreamRejected: { status: 400, template: 'Bitbucket refused the change: {message}' },
  // Authentication and authorization
  Unauthorized: { status: 401, template: '{message}' },
  Forbidden: { status: 403, template: '{message}' },
  // Addressing
  NotFound: { status: 404, template: '{message}' },
  EntitySetNotFound: { status: 404, template: "No entity set or singleton named '{name}'. See the service document at {serviceRoot}." },
  EntityNotFound: { status: 404, template: 'No {type} with key {key}.' },
  MethodNotAllowed: { status: 405, template: '{method} is not allowed on {resource}: {reason}.' },
  NotAcceptable: { status: 406, template: 'The requested format {format} is not supported; use application/json.' },
  Conflict: { status: 409, template: 'Bitbucket refused the change because it conflicts with the current state: {message}' },
  PreconditionFailed: { status: 412, template: 'The entity changed since you read it (If-Match {given} does not match {current}). Read it again and retry.' },
  UnsupportedMediaType: { status: 415, template: 'Send the request body as application/json.' },
  BodyTooLarge: { status: 413, template: 'The request body is larger than {limit} bytes; no entity this service writes needs that much.' },
  // Unsupported features
  NotImplemented: { status: 501, template: '{feature} is not supported by this service. {hint}' },
  // Upstream
  UpstreamError: { status: 502, template: 'Bitbucket answered {upstreamStatus}: {message}' },
  UpstreamUnreachable: { status: 502, template: 'Bitbucket at {host} could not be reached: {cause}.' },
  UpstreamUnavailable: { status: 503, template: 'Bitbucket is unavailable: {message}. Retry after {retryAfter} seconds.' },
  // 429, not 503: Power Query honours Retry-After on 429 up to 120 s (learn.microsoft.com/power-query/handling-status-codes;
  // client-rules ER-01), so upstreamToODataError sends an integer 1-120 and the message says when Bitbucket frees calls.
  UpstreamRateLimited: {
    status: 429,
    template: "Bitbucket's rate limit for this credential is used up (Bitbucket allows about 1,000 API calls per rolling hour per user or OAuth consumer). {when} Retry after {retryAfter} seconds.",
  },
  // The gateway's own budget per upstream principal (src/budget): refused before calling Bitbucket, so nothing more is
  // spent on calls Bitbucket would refuse. 429 with Retry-After 1-120 s, as UpstreamRateLimited.
  UpstreamBudget: { status: 429, template: '{what} {when} Retry after {retryAfter} seconds.' },
  MemoryBusy: {
    status: 503,
    template:
      'The gateway is holding as many rows in memory as it may (MAX_ROWS_IN_MEMORY = {limit}) for other answers read whole: retry after {retryAfter} seconds, or narrow this query with a $filter or an $orderby Bitbucket sorts.',
  },
  UpstreamTimeout: { status: 504, template: 'Bitbucket at {host} did not answer within {timeoutMs} ms: {cause}.' },
  // The start-up check of BITBUCKET_API_URL (src/upstream-readiness.ts): refused before anything is sent on.
  UpstreamNotBitbucket: { status: 502, template: 'The upstream at {url} does not answer like Bitbucket: {problem}. Check BITBUCKET_API_URL.' },
  UpstreamNotReady: { status: 503, template: 'The upstream at {url} {problem}. The gateway keeps checking; retry after {retryAfter} seconds.' },
  // The store the budget, revocations and gateway keys live in (REDIS_URL) failed (src/storage/store-unavailable.ts):
  // a dependency failure, not a bug, and never read as "nothing stored" (a revoked key would pass).
  StoreUnavailable: {
    status: 503,
    template: 'The gateway cannot serve this request: {failure}. It keeps the Bitbucket call budget and the revocations there. Retry after {retryAfter} seconds; operator: check /health.',
  },
  WriteOutcomeUnknown: { status: 504, template: 'Bitbucket did not confirm the {operation}: it may or may not have been applied. Read the entity before retrying, so nothing is created twice.' },
  Internal: { status: 500, template: 'An unexpected error occurred (reference {reference}).' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export type ErrorParams = Record<string, string | number>;

/** Fill `{name}` placeholders; unknown placeholders stay visible so a missing parameter shows in tests. */
export function formatTemplate(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export class ODataError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly target?: string;
  readonly details: ErrorDetail[];
  /** Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    params: ErrorParams = {},
    options: { target?: string; details?: ErrorDetail[]; headers?: Record<string, string>; status?: number } = {},
  ) {
    const entry = ERROR_CATALOG[code];
    super(formatTemplate(entry.template, params));
    this.name = 'ODataError';
    this.code = code;
    this.status = options.status ?? entry.status;
    this.target = options.target;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }

  toJSON(): { error: { code: string; message: string; target?: string; details: ErrorDetail[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target !== undefined ? { target: this.target } : {}),
        details: this.details,
      },
    };
  }
}

/** Shorthand for throwing a catalog error. */
export function odataError(code: ErrorCode, params: ErrorParams = {}, target?: string): ODataError {
  return new ODataError(code, params, { target });
}
