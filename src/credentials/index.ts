/** Credentials beyond the Authorization header: browser sign-in (sessions) and service mode. */
export { createCredentials, type Credentials, type CredentialsDeps } from './create-credentials';
export { CookieSealer } from './cookie-sealer';
export { ClientCredentialsSource, AccessTokenSource, type ServiceCredentialSource } from './service-credential-source';
export { TokenEndpointClient, TokenEndpointError } from './token-endpoint-client';
export type { TokenSet } from './token-set';
