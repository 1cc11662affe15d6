/**
 * Everything about credentials beyond the Authorization header, assembled from the configuration: the `/auth`
 * router (sign-in, sign-out, token page, gateway keys) and the middleware that gives OData requests a gateway key's,
 * the session's or service mode's credential.
 */
import type { RequestHandler, Router } from 'express';
import type { BitbucketClient } from '../bitbucket';
import type { GatewayConfig } from '../config';
import type { Logger } from '../logger';
import { CookieSealer } from './cookie-sealer';
import { createCredentialMiddleware } from './credential-middleware';
import { GatewayKeys } from './gateway-keys';
import { createLoginRouter } from './login-router';
import { oauthEndpoints } from './oauth-endpoints';
import { AccessTokenSource, ClientCredentialsSource, type ServiceCredentialSource } from './service-credential-source';
import { SessionManager } from './session-manager';
import { TokenEndpointClient } from './token-endpoint-client';
import type { SharedStore } from '../storage';

export interface CredentialsDeps {
  config: GatewayConfig;
  client: BitbucketClient;
  logger?: Logger;
  /** Epoch milliseconds; specs pass a clock they move. */
  now?: () => number;
  /** The app's store: sign-outs, the gateway-key list, keys' renewed tokens and revocations kept there hold on every replica. */
  store: SharedStore;
}

export interface Credentials {
  /** Mount at `/auth`. */
  router: Router;
  /** Mount before the OData router. */
  middleware: RequestHandler;
}

export function createCredentials({ config, client, logger, now = Date.now, store }: CredentialsDeps): Credentials {
  const sealer = new CookieSealer(config.cookieKeys);
  const tokens = config.oauthClient
    ? new TokenEndpointClient({ tokenUrl: oauthEndpoints(config.bitbucketOAuthUrl).tokenUrl, clientId: config.oauthClient.id, clientSecret: config.oauthClient.secret, timeoutMs: config.upstreamTimeoutMs, now })
    : undefined;
  const sessions = tokens ? new SessionManager({ config, sealer, tokens, now, logger, store }) : undefined;
  // Keys are created through sign-in, so they exist only where sign-in does.
  const keys = tokens ? new GatewayKeys({ config, sealer, tokens, now, logger, store }) : undefined;
  let service: ServiceCredentialSource | undefined;
  if (config.serviceMode?.kind === 'access_token') service = new AccessTokenSource(config.serviceMode.token);
  // loadConfig refuses client_credentials without an OAuth client, so `tokens` is there.
  if (config.serviceMode?.kind === 'client_credentials' && tokens) service = new ClientCredentialsSource(tokens, now, logger);
  return {
    router: createLoginRouter({ config, sealer, sessions, keys, client, now, logger }),
    middleware: createCredentialMiddleware({ config, sessions, service, keys }),
  };
}
