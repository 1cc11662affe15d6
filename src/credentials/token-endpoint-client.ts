/**
 * The gateway's calls to Bitbucket's token endpoint outside the sign-in redirect: the refresh-token grant (sessions)
 * and the client-credentials grant (service mode). The client authenticates with HTTP Basic `key:secret`, Bitbucket's
 * documented way (RFC 6749 §2.3.1). Errors carry the OAuth error code and status, never a token or the secret.
 */
import { tokenSetFromGrant, type TokenSet } from './token-set';

export class TokenEndpointError extends Error {
  override readonly name = 'TokenEndpointError';
  constructor(
    /** RFC 6749 §5.2 code (`invalid_grant`, `unauthorized_client`, …), or `unreachable` / `bad_response`. */
    readonly oauthError: string,
    /** HTTP status of the answer; undefined when none arrived. */
    readonly status: number | undefined,
    /** Bitbucket's `error_description`: what it says about the grant, never a credential. */
    readonly description: string,
  ) {
    super(`The token endpoint refused the grant (${oauthError}): ${description}`);
  }

  /** The grant itself was refused (as opposed to Bitbucket being unreachable). */
  get refused(): boolean {
    return this.status !== undefined && this.status >= 400 && this.status < 500;
  }
}

export interface TokenEndpointClientOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  now: () => number;
}

export class TokenEndpointClient {
  readonly #options: TokenEndpointClientOptions;

  constructor(options: TokenEndpointClientOptions) {
    this.#options = options;
  }

  /** RFC 6749 §6. Bitbucket rotates the refresh token: the answer carries the one to use next time. */
  refresh(refreshToken: string): Promise<TokenSet> {
    return this.#grant({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** RFC 6749 §4.4: tokens acting as the consumer's owner; Bitbucket allows it for private consumers only. */
  clientCredentials(): Promise<TokenSet> {
    return this.#grant({ grant_type: 'client_credentials' });
  }

  async #grant(form: Record<string, string>): Promise<TokenSet> {
    const { tokenUrl, clientId, clientSecret, timeoutMs, now } = this.#options;
    let response: Response;
    try {
      response = await fetch(tokenUrl, {
        method: 'POST',
        headers: {
          Authorization: clientAuthorization(clientId, clientSecret),
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      // The cause names the host or a timeout; it carries no credential (the form is not part of it).
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'the connection failed';
      throw new TokenEndpointError('unreachable', undefined, reason);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new TokenEndpointError('bad_response', response.status, `the answer (HTTP ${response.status}) is not JSON`);
    }
    if (!response.ok) {
      const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      const code = typeof fields.error === 'string' ? fields.error : `http_${response.status}`;
      const description = typeof fields.error_description === 'string' ? fields.error_description : `HTTP ${response.status}`;
      throw new TokenEndpointError(code, response.status, description);
    }
    try {
      return tokenSetFromGrant(body, now());
    } catch (error) {
      throw new TokenEndpointError('bad_response', response.status, error instanceof Error ? error.message : 'malformed answer');
    }
  }
}

/** RFC 6749 §2.3.1: key and secret are form-urlencoded, then sent as HTTP Basic. */
function clientAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}
