/**
 * Where the connector points and how it signs in: the gateway's public host and OData base path, and Bitbucket's
 * OAuth 2.0 endpoints. Everything else in the definition comes from the EdmModel.
 */

export interface ConnectorOptions {
  /** Host (and port) of the gateway as Power Platform reaches it, without scheme, e.g. `odata.example.com`. */
  host: string;
  /** Path of the OData service root on that host, e.g. `/odata` (no trailing slash). */
  basePath: string;
  /**
   * Where the gateway mounts its OData router (`/odata`): the end of basePath. Whatever comes before it is part of the
   * gateway's address, which each connection may change (the `gatewayHost` connection parameter, CC-12).
   */
  servicePath: string;
  scheme: 'https' | 'http';
  /** Bitbucket's web origin, e.g. `https://bitbucket.org`; the OAuth endpoints live under `/site/oauth2/`. */
  oauthBaseUrl: string;
  /** The Bitbucket OAuth consumer's Key; written into apiProperties.json (paconn takes the secret separately). */
  oauthClientId?: string;
  /** Shown in the connector's `info.version`. */
  version: string;
  /** `x-ms-connector-metadata` Website; default: the gateway's public URL (its service document). */
  website?: string;
  /** `x-ms-connector-metadata` Privacy policy; default: the same as the website. */
  privacyPolicyUrl?: string;
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
export function locateService(publicUrl: string, servicePath: string): Pick<ConnectorOptions, 'host' | 'basePath' | 'scheme' | 'servicePath'> {
  const url = new URL(publicUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  return {
    host: url.host,
    basePath: `${prefix}${servicePath}`.replace(/\/+$/, '') || '/',
    scheme: url.protocol === 'http:' ? 'http' : 'https',
    servicePath,
  };
}

/**
 * The gateway's address as a connection states it: host, port and any path prefix before the service path
 * (`odata.example.com`, `example.com:8443/bb`). The connector's `dynamichosturl` policy puts it back in front of the
 * service path on every call.
 */
export function gatewayAddressOf(options: Pick<ConnectorOptions, 'host' | 'basePath' | 'servicePath'>): string {
  if (!options.basePath.endsWith(options.servicePath)) {
    throw new Error(`basePath ${options.basePath} does not end with the service path ${options.servicePath}`);
  }
  return `${options.host}${options.basePath.slice(0, options.basePath.length - options.servicePath.length)}`;
}

/** The public URL the gateway was generated for: the default Website and Privacy policy of the connector's metadata. */
export function publicUrlOf(options: Pick<ConnectorOptions, 'scheme' | 'host' | 'basePath'>): string {
  return `${options.scheme}://${options.host}${options.basePath}/`;
}

/**
 * The options for this gateway: `PUBLIC_URL` when configured (behind a proxy the request's own origin is not what
 * Power Platform reaches), else the origin the request came to; Bitbucket's OAuth origin from `BITBUCKET_OAUTH_URL`.
 */
export function connectorOptionsFor(
  config: { publicUrl?: string; bitbucketOAuthUrl: string },
  requestOrigin: string,
  servicePath: string,
  extra: Pick<ConnectorOptions, 'version'> & Partial<Pick<ConnectorOptions, 'oauthClientId' | 'website' | 'privacyPolicyUrl'>>,
): ConnectorOptions {
  return { ...locateService(config.publicUrl ?? requestOrigin, servicePath), oauthBaseUrl: config.bitbucketOAuthUrl, ...extra };
}
