/**
 * The gateway's 401: an OData error with `WWW-Authenticate` naming both schemes it takes (RFC 9110 §11.6.1), so a
 * client knows what to send. Its own module, outside `src/http`, because every layer that refuses a credential uses
 * it: the request's credential (`http/credentials.ts`), sign-in and gateway keys (`src/credentials`), and a snapshot
 * page whose credential Bitbucket no longer accepts (`paging/credential-liveness.ts`).
 */
import { ODataError } from './odata/errors';

export const WWW_AUTHENTICATE = 'Basic realm="Bitbucket", Bearer';

export function unauthorized(message: string): ODataError {
  return new ODataError('Unauthorized', { message }, { headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
}
