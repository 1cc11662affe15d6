/**
 * `apiProperties.json`: the connection parameters Power Platform asks for when someone creates a connection. One
 * `token` parameter of type `oauthSetting` with the generic OAuth 2.0 identity provider pointing at Bitbucket's
 * authorize and access-token endpoints (the same URLs as the definition's securityDefinitions). The redirect mode is
 * per connector (`GlobalPerConnector`), which Power Platform requires of new OAuth connectors: the exact redirect URL
 * appears on the connector's Security tab once saved, and is what the Bitbucket OAuth consumer's callback must be.
 */
import { bitbucketOAuthUrls, CLIENT_ID_PLACEHOLDER, type ConnectorOptions } from './connector-options';

export interface OAuthCustomParameter {
  value: string;
}

export interface ApiProperties {
  properties: {
    connectionParameters: {
      token: {
        type: 'oauthSetting';
        oAuthSettings: {
          identityProvider: 'oauth2';
          clientId: string;
          scopes: string[];
          redirectMode: 'GlobalPerConnector';
          redirectUrl: string;
          properties: { IsFirstParty: 'False' };
          customParameters: { authorizationUrl: OAuthCustomParameter; tokenUrl: OAuthCustomParameter; refreshUrl: OAuthCustomParameter };
        };
      };
    };
    iconBrandColor: string;
    capabilities: string[];
    publisher: string;
    stackOwner: string;
  };
}

/** Power Platform's consent redirect; with GlobalPerConnector the connector's own id is appended after saving. */
export const POWER_PLATFORM_REDIRECT_URL = 'https://global.consent.azure-apim.net/redirect';

export function buildApiProperties(options: ConnectorOptions): ApiProperties {
  const { authorizationUrl, tokenUrl } = bitbucketOAuthUrls(options.oauthBaseUrl);
  return {
    properties: {
      connectionParameters: {
        token: {
          type: 'oauthSetting',
          oAuthSettings: {
            identityProvider: 'oauth2',
            clientId: options.oauthClientId ?? CLIENT_ID_PLACEHOLDER,
            scopes: [],
            redirectMode: 'GlobalPerConnector',
            redirectUrl: POWER_PLATFORM_REDIRECT_URL,
            properties: { IsFirstParty: 'False' },
            // Bitbucket refreshes at the token endpoint (grant_type=refresh_token), rotating the refresh token.
            customParameters: { authorizationUrl: { value: authorizationUrl }, tokenUrl: { value: tokenUrl }, refreshUrl: { value: tokenUrl } },
          },
        },
      },
      iconBrandColor: '#0052CC',
      capabilities: [],
      publisher: 'bitbucket-odata',
      stackOwner: 'Atlassian',
    },
  };
}
