/**
 * What the client hears when the gateway's own call to Bitbucket's token endpoint fails: 503 when Bitbucket could
 * not be reached (retry later), 502 when it refused a grant the gateway made for itself (a configuration problem
 * the message names). Only the OAuth error code and Bitbucket's description are repeated, never a token or secret.
 */
import { ODataError } from '../odata/errors';
import { TokenEndpointError } from './token-endpoint-client';

const RETRY_AFTER_SECONDS = 30;

export function tokenEndpointFailure(error: unknown, fix: string): ODataError {
  if (error instanceof TokenEndpointError && error.refused) {
    return new ODataError('UpstreamError', { upstreamStatus: error.status ?? 'no answer', message: `the token endpoint refused the grant (${error.oauthError}: ${error.description}). ${fix}` });
  }
  const reason = error instanceof TokenEndpointError ? error.description : 'the token endpoint failed';
  return new ODataError('UpstreamUnavailable', { message: `Bitbucket's token endpoint: ${reason}`, retryAfter: RETRY_AFTER_SECONDS }, { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } });
}
