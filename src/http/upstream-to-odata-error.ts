/**
 * The one mapping of upstream failures to OData errors, by kind (never by message text): Bitbucket's API
 * (`upstreamToODataError`, with the cases only a write has as an option) and its OAuth token endpoint
 * (`tokenEndpointToODataError`). Every message keeps the cause: the upstream host, the HTTP status or the transport
 * failure (connection refused, reset, timeout, a truncated body), the number of attempts, and Bitbucket's own message
 * or the client's reason for not using the answer. The full upstream URL (credentials stripped) goes to the log, not
 * to the client; no credential is ever part of an UpstreamError, and of a token endpoint's failure only the OAuth
 * error code and Bitbucket's description are repeated, never a token or secret.
 */
import { UpstreamError, transportText } from '../bitbucket';
import { TokenEndpointError } from '../credentials/token-endpoint-client';
import { ODataError } from '../odata/errors';
import { WWW_AUTHENTICATE } from '../unauthorized';

/** When Bitbucket sends a 429 without saying when to come back, the client reports this (DEFAULT_RATE_LIMIT_…). */
const DEFAULT_RETRY_AFTER_SECONDS = 60;
/** Power Query honours Retry-After on 429 for at most 120 s (handling-status-codes; client-rules ER-01). */
const MAX_CLIENT_RETRY_AFTER_SECONDS = 120;
const DEFAULT_UNAVAILABLE_RETRY_AFTER_SECONDS = 30;

/** How a failed upstream call is answered besides its kind. */
export interface UpstreamFailureOptions {
  /**
   * The call was a write (`src/http/write-handlers.ts`), named for the message (`creation of the PullRequest`): an
   * outcome Bitbucket never confirmed is `WriteOutcomeUnknown` (a retry could repeat it), and a body Bitbucket refused
   * (400, 409) is the client's to fix, with Bitbucket's field messages as details.
   */
  write?: { operation: string };
}

export function upstreamToODataError(error: UpstreamError, timeoutMs: number, options: UpstreamFailureOptions = {}): ODataError {
  if (options.write) {
    const refused = writeRefused(error, options.write.operation);
    if (refused) return refused;
  }
  const host = hostOf(error.url);
  switch (error.kind) {
    case 'unauthorized':
      return new ODataError('Unauthorized', { message: `Bitbucket refused the credential${said(error)}. Check the email and API token, or refresh the access token.` }, {
        headers: { 'WWW-Authenticate': WWW_AUTHENTICATE },
      });
    case 'forbidden':
      return new ODataError('Forbidden', { message: forbiddenMessage(error) });
    case 'not-found':
      return new ODataError('NotFound', { message: `Bitbucket found no such resource${said(error)}.` });
    case 'rate-limited':
      return rateLimited(error);
    case 'unavailable': {
      const retryAfter = Math.max(1, Math.ceil(error.retryAfterSeconds ?? DEFAULT_UNAVAILABLE_RETRY_AFTER_SECONDS));
      return new ODataError('UpstreamUnavailable', { message: `${host} answered ${cause(error)}`, retryAfter }, { headers: { 'Retry-After': String(retryAfter) } });
    }
    case 'timeout':
      return new ODataError('UpstreamTimeout', { host, timeoutMs: error.timeoutMs ?? timeoutMs, cause: cause(error) });
    default:
      // No status: nothing usable came back (refused, reset, DNS); otherwise Bitbucket answered and we say what.
      if (error.status === undefined) return new ODataError('UpstreamUnreachable', { host, cause: cause(error) });
      return new ODataError('UpstreamError', { upstreamStatus: `HTTP ${error.status} (${host}${attemptsText(error, ', ')})`, message: explanation(error) });
  }
}

/**
 * "HTTP 503 after 3 attempts: Service down", "connection refused (ECONNREFUSED) after 3 attempts",
 * "HTTP 200: the page's "next" link leaves …": the status or transport failure, then why.
 */
function cause(error: UpstreamError): string {
  const what = error.status !== undefined ? `HTTP ${error.status}` : error.transportCode !== undefined ? transportText(error.transportCode) : error.kind;
  const why = error.status !== undefined || error.upstreamMessage !== undefined || error.problem !== undefined ? `: ${explanation(error)}` : '';
  return `${what}${attemptsText(error, ' ')}${why}`;
}

/** Bitbucket's message, else our reason for not using the answer, else what the body was. */
function explanation(error: UpstreamError): string {
  if (error.upstreamMessage !== undefined) return withoutFinalPeriod(error.upstreamMessage);
  if (error.problem !== undefined) return withoutFinalPeriod(error.problem);
  if (error.transportCode !== undefined) return transportText(error.transportCode);
  const type = error.contentType?.split(';', 1)[0]?.trim();
  return type === undefined || type === '' ? 'no error message in the body' : `no Bitbucket error message in the body (${type})`;
}

function attemptsText(error: UpstreamError, separator: string): string {
  return error.attempts > 1 ? `${separator}after ${error.attempts} attempts` : '';
}

/** ": <Bitbucket's message>" or our reason, or nothing when there is neither. */
function said(error: UpstreamError): string {
  const text = error.upstreamMessage ?? error.problem;
  return text === undefined ? '' : `: ${withoutFinalPeriod(text)}`;
}

/** Messages are embedded in sentences of ours, which add their own period. */
function withoutFinalPeriod(text: string): string {
  return text.replace(/\.+$/, '');
}

/**
 * 403: with the scopes Bitbucket named (its object `detail`; sandbox quirk `forbidden-detail-object`, sandbox/README.md "Quirks"), the missing ones are
 * required minus granted, and the fix is a credential that has them (client rule ER-02: name the missing scope).
 */
function forbiddenMessage(error: UpstreamError): string {
  const scopes = error.scopes;
  if (scopes === undefined || scopes.required.length === 0) {
    return `Bitbucket denied access${said(error)}. The credential lacks a scope or permission for this resource.`;
  }
  const missing = scopes.required.filter((scope) => !scopes.granted.includes(scope));
  const granted = scopes.granted.length > 0 ? scopes.granted.join(', ') : 'none';
  const named = missing.length > 0 ? `lacks the Bitbucket scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` : 'lacks a scope Bitbucket requires';
  return (
    `Bitbucket denied access: the credential ${named} (required: ${scopes.required.join(', ')}; granted: ${granted}). ` +
    'Use a credential that has it: tick the permission in the OAuth consumer and sign in again, or create an API token or access token with that scope.'
  );
}

/**
 * 429 with an integer Retry-After of 1-120 s (Power Query's rule) and a message that says when Bitbucket frees calls:
 * its own Retry-After or X-RateLimit-Reset when it sent one, else that it did not say (its usual 429 has no hint).
 */
function rateLimited(error: UpstreamError): ODataError {
  const known = error.retryAfterSeconds !== undefined && error.retryAfterSource !== 'default';
  const waitSeconds = Math.ceil(error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
  const retryAfter = Math.min(MAX_CLIENT_RETRY_AFTER_SECONDS, Math.max(1, waitSeconds));
  let when: string;
  if (known) {
    const header = error.retryAfterSource === 'x-ratelimit-reset' ? 'X-RateLimit-Reset' : 'Retry-After';
    when = `Bitbucket says calls free up in ${waitSeconds} s (${header}).`;
    if (waitSeconds > retryAfter) when += ` Retrying sooner than that may be refused again.`;
  } else {
    when = 'Bitbucket did not say when calls free up (its 429 carried no Retry-After); each call counts for an hour, so capacity returns as earlier calls age out.';
  }
  return new ODataError('UpstreamRateLimited', { when, retryAfter }, { headers: { 'Retry-After': String(retryAfter) } });
}

/** The write-only answers (`UpstreamFailureOptions.write`), or undefined for those every call shares. */
function writeRefused(error: UpstreamError, operation: string): ODataError | undefined {
  if (error.outcomeUnknown) return new ODataError('WriteOutcomeUnknown', { operation });
  if (error.kind !== 'bad-request' && error.kind !== 'conflict') return undefined;
  // Bitbucket's own words when it gave some; otherwise what is known: its status, from which host.
  const message = error.upstreamMessage ?? `it gave no reason (HTTP ${error.status ?? error.kind} from ${hostOf(error.url, 'Bitbucket')})`;
  const details = Object.entries(error.fields ?? {}).flatMap(([field, messages]) => messages.map((m) => ({ code: 'UpstreamField', message: `${field}: ${m}`, target: field })));
  return new ODataError(error.kind === 'bad-request' ? 'UpstreamRejected' : 'Conflict', { message }, { details });
}

/** Seconds a client is told to wait when the token endpoint could not be reached. */
const TOKEN_ENDPOINT_RETRY_AFTER_SECONDS = 30;

/**
 * The gateway's own call to Bitbucket's token endpoint failed: 502 when Bitbucket refused a grant the gateway made
 * for itself (a configuration problem; `fix` says which), 503 when it could not be reached (retry later).
 */
export function tokenEndpointToODataError(error: unknown, fix: string): ODataError {
  if (error instanceof TokenEndpointError && error.refused) {
    return new ODataError('UpstreamError', { upstreamStatus: error.status ?? 'no answer', message: `the token endpoint refused the grant (${error.oauthError}: ${error.description}). ${fix}` });
  }
  const reason = error instanceof TokenEndpointError ? error.description : 'the token endpoint failed';
  return new ODataError('UpstreamUnavailable', { message: `Bitbucket's token endpoint: ${reason}`, retryAfter: TOKEN_ENDPOINT_RETRY_AFTER_SECONDS }, { headers: { 'Retry-After': String(TOKEN_ENDPOINT_RETRY_AFTER_SECONDS) } });
}

function hostOf(url: string, fallback = 'the configured Bitbucket'): string {
  try {
    return new URL(url).host;
  } catch {
    return fallback;
  }
}
