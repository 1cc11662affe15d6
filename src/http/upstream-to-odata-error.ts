/**
 * Map Bitbucket failures to OData errors by kind (never by message text). Bitbucket's own message is kept so the
 * user sees why; the upstream URL (credentials stripped) goes to the log, not to the client.
 */
import { UpstreamError } from '../bitbucket';
import { ODataError } from '../odata/errors';
import { WWW_AUTHENTICATE } from './credentials';

const DEFAULT_RETRY_AFTER_SECONDS = 60;

export function upstreamToODataError(error: UpstreamError, timeoutMs: number): ODataError {
  const message = error.upstreamMessage ?? 'no message';
  switch (error.kind) {
    case 'unauthorized':
      return new ODataError('Unauthorized', { message: `Bitbucket refused the credential: ${message}. Check the email and API token, or refresh the access token.` }, {
        headers: { 'WWW-Authenticate': WWW_AUTHENTICATE },
      });
    case 'forbidden':
      return new ODataError('Forbidden', { message: `Bitbucket denied access: ${message}. The credential lacks a scope or permission for this resource.` });
    case 'not-found':
      return new ODataError('NotFound', { message: `Bitbucket found no such resource: ${message}.` });
    case 'rate-limited': {
      const retryAfter = error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
      return new ODataError('UpstreamRateLimited', { retryAfter }, { headers: { 'Retry-After': String(retryAfter) } });
    }
    case 'unavailable': {
      const retryAfter = error.retryAfterSeconds ?? 30;
      return new ODataError('UpstreamUnavailable', { message, retryAfter }, { headers: { 'Retry-After': String(retryAfter) } });
    }
    case 'timeout':
      return new ODataError('UpstreamTimeout', { timeoutMs });
    default:
      return new ODataError('UpstreamError', { upstreamStatus: error.status ?? error.kind, message });
  }
}
