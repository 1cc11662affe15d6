/**
 * Service mode (opt-in, SERVICE_MODE): the one credential the gateway holds and lends to requests that bring none,
 * for internal dashboards. `access_token` lends a workspace/project/repository access token as it is;
 * `client_credentials` fetches tokens for the OAuth consumer (Bitbucket "Use OAuth on Bitbucket Cloud", client
 * credentials grant; private consumers only) and keeps the current one in memory until shortly before it expires:
 * the gateway's only credential cache. Concurrent requests share one in-flight fetch.
 */
import type { UpstreamCredential } from '../bitbucket';
import type { Logger } from '../logger';
import type { TokenEndpointClient } from './token-endpoint-client';
import { tokenEndpointToODataError } from '../http/upstream-to-odata-error';
import type { TokenSet } from './token-set';

export interface ServiceCredentialSource {
  /** Binds `$skiptoken`s: one principal whatever token is current, so paging survives a renewal. */
  readonly identity: string;
  credential(): Promise<UpstreamCredential>;
  /** Bitbucket refused a credential this source lent: forget it, so the next request fetches another. */
  refused(credential: UpstreamCredential): void;
}

export class AccessTokenSource implements ServiceCredentialSource {
  readonly identity = 'service:access_token';

  constructor(private readonly token: string) {}

  async credential(): Promise<UpstreamCredential> {
    return { kind: 'bearer', token: this.token };
  }

  refused(): void {
    // A fixed token cannot be renewed; Bitbucket's 401 reaches the client, and the operator replaces the token.
  }
}

export class ClientCredentialsSource implements ServiceCredentialSource {
  readonly identity = 'service:client_credentials';
  #current: TokenSet | undefined;
  #inFlight: Promise<TokenSet> | undefined;

  constructor(
    private readonly tokens: Pick<TokenEndpointClient, 'clientCredentials'>,
    private readonly now: () => number,
    private readonly logger?: Logger,
  ) {}

  async credential(): Promise<UpstreamCredential> {
    const current = this.#current;
    if (current && this.now() < current.renewAt) return { kind: 'bearer', token: current.accessToken };
    return { kind: 'bearer', token: (await this.#fetch()).accessToken };
  }

  refused(credential: UpstreamCredential): void {
    if (credential.kind === 'bearer' && credential.token === this.#current?.accessToken) this.#current = undefined;
  }

  #fetch(): Promise<TokenSet> {
    this.#inFlight ??= this.tokens
      .clientCredentials()
      .then(
        (tokens) => {
          this.#current = tokens;
          this.logger?.debug('service token fetched', { grant: 'client_credentials', expiresInSeconds: Math.round((tokens.expiresAt - this.now()) / 1000) });
          return tokens;
        },
        (error: unknown) => {
          this.logger?.warn('service token fetch failed', { grant: 'client_credentials', oauthError: (error as { oauthError?: string }).oauthError ?? 'unknown' });
          throw tokenEndpointToODataError(error, 'Check OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET: SERVICE_MODE=client_credentials needs a private Bitbucket OAuth consumer.');
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }
}
