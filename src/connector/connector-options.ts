/**
 * Where the connector points and how it signs in: the gateway's public host and OData base path, and Bitbucket's
 * OAuth 2.0 endpoints. Everything else in the definition comes from the EdmModel.
 */

export interface ConnectorOptions {
  /** Host (and port) of the gateway as Power Platform reaches it, without scheme, e.g. `odata.example.com`. */
  host: string;
  /** Path of the OData service root on that host, e.g. `/odata` (no trailing slash). */
  basePath: string;
  scheme: 'https' | 'http';
  /** Bitbucket's web origin, e.g. `https://bitbucket.org`; the OAuth endpoints live under `/site/oauth2/`. */
  oauthBaseUrl: string;
  /** The Bitbucket OAuth consumer's Key; written into apiProperties.json (paconn takes the secret separately). */
  oauthClientId?: string;
  /** Shown in the connector's `info.version`. */
  version: string;
}

export const DEFAULT_OAUTH_BASE_URL = 'https://bitbucket.org';

/** Placeholder written when no consumer Key is given: paconn and the portal both let you replace it. */
export const CLIENT_ID_PLACEHOLDER = 'REPLACE-WITH-BITBUCKET-OAUTH-CONSUMER-KEY';

/** Bitbucket's OAuth 2.0 endpoints (Bitbucket REST "Authentication methods": authorize and access_token). */
export function bitbucketOAuthUrls(oauthBaseUrl: string): { authorizationUrl: string; tokenUrl: string } {
  const base = oauthBaseUrl.replace(/\/+$/, '');
  return { authorizationUrl: `${base}/site/oauth2/authorize`, tokenUrl: `${base}/site/oauth2/access_token` };
}

/**
 * Split a public URL (`PUBLIC_URL`, or the origin a request arrived at) into the connector's host, scheme and base
 * path; `servicePath` is where the OData router is mounted (`/odata`).
 */
export function locateService(publicUrl: string, servicePath: string): Pick<ConnectorOptions, 'host' | 'basePath' | 'scheme'> {
  const url = new URL(publicUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  return {
    host: url.host,
    basePath: `${prefix}${servicePath}`.replace(/\/+$/, '') || '/',
    scheme: url.protocol === 'http:' ? 'http' : 'https',
  };
}

/**
 * The options for this gateway: `PUBLIC_URL` when configured (behind a proxy the request's own origin is not what
 * Power Platform reaches), else the origin the request came to; Bitbucket's OAuth origin from `BITBUCKET_OAUTH_URL`.
 */
export function connectorOptionsFor(
  config: { publicUrl?: string; bitbucketOAuthUrl: string },
  requestOrigin: string,
  servicePath: string,
  extra: Pick<ConnectorOptions, 'version'> & Partial<Pick<ConnectorOptions, 'oauthClientId'>>,
): ConnectorOptions {
  return { ...locateService(config.publicUrl ?? requestOrigin, servicePath), oauthBaseUrl: config.bitbucketOAuthUrl, ...extra };
}
