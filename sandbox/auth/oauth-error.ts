/**
 * Errors of the OAuth endpoints, in RFC 6749 §5.2 form: `{"error": ..., "error_description": ...}`.
 *
 * Where Bitbucket's own wording and status are on record they are used (status 400 even for client authentication
 * failures, where RFC 6749 would say 401 `invalid_client`):
 * - "Requests must be authenticated using OAuth client credentials" / unauthorized_client (p2/OAuth2#96);
 * - "Invalid OAuth client credentials" / unauthorized_client, HTTP 400 (gist ericchiang/6e82e497ec45ea2aedbf);
 * - "Invalid refresh_token" / invalid_request (Atlassian community question 1545002).
 * The other descriptions are the sandbox's own; clients must branch on `error`, never on the description.
 */
export type OAuthErrorCode = 'invalid_request' | 'unauthorized_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope';

export type TokenEndpointFailure =
  | 'client-authentication-missing'
  | 'client-authentication-invalid'
  | 'grant-type-missing'
  | 'grant-type-unsupported'
  | 'code-missing'
  | 'code-invalid'
  | 'redirect-uri-mismatch'
  | 'refresh-token-invalid'
  | 'client-credentials-not-private';

interface CatalogEntry {
  status: number;
  error: OAuthErrorCode;
  description: (detail: string) => string;
}

const CATALOG: Record<TokenEndpointFailure, CatalogEntry> = {
  'client-authentication-missing': { status: 400, error: 'unauthorized_client', description: () => 'Requests must be authenticated using OAuth client credentials' },
  'client-authentication-invalid': { status: 400, error: 'unauthorized_client', description: () => 'Invalid OAuth client credentials' },
  'grant-type-missing': { status: 400, error: 'invalid_request', description: () => 'Missing grant_type: send grant_type=authorization_code, refresh_token or client_credentials as application/x-www-form-urlencoded' },
  'grant-type-unsupported': {
    status: 400,
    error: 'unsupported_grant_type',
    description: (grant) => `Unsupported grant_type "${grant}": Bitbucket supports authorization_code, refresh_token and client_credentials (the implicit and password grants are no longer supported)`,
  },
  'code-missing': { status: 400, error: 'invalid_request', description: () => 'Missing code: send the code from the authorization redirect' },
  'code-invalid': { status: 400, error: 'invalid_grant', description: () => 'The specified code is not valid: codes are single-use, expire after 10 minutes and belong to one consumer' },
  'redirect-uri-mismatch': { status: 400, error: 'invalid_grant', description: () => 'redirect_uri must be the one sent to /site/oauth2/authorize' },
  'refresh-token-invalid': { status: 400, error: 'invalid_request', description: () => 'Invalid refresh_token' },
  'client-credentials-not-private': {
    status: 400,
    error: 'unauthorized_client',
    description: () => 'The client_credentials grant is only available to private consumers: mark the consumer "This is a private consumer"',
  },
};

export class OAuthError extends Error {
  readonly status: number;
  readonly error: OAuthErrorCode;

  constructor(readonly failure: TokenEndpointFailure, detail = '') {
    const entry = CATALOG[failure];
    super(entry.description(detail));
    this.name = 'OAuthError';
    this.status = entry.status;
    this.error = entry.error;
  }

  toBody(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}
