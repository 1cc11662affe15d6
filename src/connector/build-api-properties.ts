/**
 * `apiProperties.json`: how a connection signs in, where it calls, and the policies Power Platform applies on the way.
 *
 * - Two connection types (multi-auth, `connectionParameterSets`; "Add multiple authentications on a custom
 *   connector", learn.microsoft.com/connectors/custom-connectors/multi-auth), OA-03:
 *   `oauth`: a `token` of type `oauthSetting`, the generic OAuth 2.0 provider at Bitbucket's authorize and
 *   access-token endpoints (the same URLs as the definition's securityDefinitions), redirect mode per connector
 *   (`GlobalPerConnector`): the exact redirect URL appears on the connector's Security tab once saved, and is what
 *   the Bitbucket OAuth consumer's callback must be. `basic`: `username` and `password`, which Power Platform sends as
 *   `Authorization: Basic` (an Atlassian email and a Bitbucket API token; for service and automation connections,
 *   which cannot use a client-credentials grant).
 * - Both sets ask for `gatewayHost`, and the `dynamichosturl` policy sends every call to
 *   `https://{gatewayHost}/odata`, so one connector serves any self-hosted gateway (CC-12). Template shape:
 *   PowerPlatformConnectors `schemas/paconn-apiProperties.schema.json` (`PolicyTemplateInstance-dynamichosturl`) and
 *   e.g. `certified-connectors/3E Events/apiProperties.json` (host from a connection parameter).
 * - One `updatenextlink` instance for exactly the pageable operations (CC-07): without it the platform follows
 *   `@odata.nextLink` outside the connector, without the connection's credential (PowerPlatformConnectors issue
 *   #2959). Shape: the same schema (`PolicyTemplateInstance-updatenextlink` and its "Update pagination nextLink"
 *   snippet) and `certified-connectors/Almabase/apiProperties.json`.
 */
import { bitbucketOAuthUrls, CLIENT_ID_PLACEHOLDER, gatewayAddressOf, type ConnectorOptions } from './connector-options';
import { NEXT_LINK_PROPERTY } from './operations-for';
import type { SwaggerDocument } from './swagger-types';

export interface OAuthCustomParameter {
  value: string;
}

export interface UiDefinition {
  displayName: string;
  description: string;
  tooltip?: string;
  constraints?: { required?: 'true' | 'false'; clearText?: boolean; tabIndex?: number };
}

export interface OAuthConnectionParameter {
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
  uiDefinition: UiDefinition;
}

export interface PrimitiveConnectionParameter {
  type: 'string' | 'securestring';
  defaultValue?: string;
  uiDefinition: UiDefinition;
}

export type ConnectionParameter = OAuthConnectionParameter | PrimitiveConnectionParameter;

export interface ConnectionParameterSet {
  name: string;
  uiDefinition: { displayName: string; description: string };
  parameters: Record<string, ConnectionParameter>;
}

export interface PolicyTemplateInstance {
  templateId: 'dynamichosturl' | 'updatenextlink';
  title: string;
  parameters: Record<string, string | string[]>;
}

export interface ApiProperties {
  properties: {
    connectionParameterSets: {
      uiDefinition: { displayName: string; description: string };
      values: ConnectionParameterSet[];
    };
    iconBrandColor: string;
    capabilities: string[];
    publisher: string;
    stackOwner: string;
    policyTemplateInstances: PolicyTemplateInstance[];
  };
}

/** Power Platform's consent redirect; with GlobalPerConnector the connector's own id is appended after saving. */
export const POWER_PLATFORM_REDIRECT_URL = 'https://global.consent.azure-apim.net/redirect';

/** The connection parameter that holds the gateway's address (host, port, path prefix). */
export const GATEWAY_HOST_PARAMETER = 'gatewayHost';

/** Names of the two connection types; the portal shows their displayName. */
export const OAUTH_SET = 'oauth';
export const BASIC_SET = 'basic';

/**
 * The colour independent publishers use ("Submit your connector for certification": not Microsoft's #007ee5, not
 * white).
 */
export const ICON_BRAND_COLOR = '#da3b01';

function gatewayHostParameter(defaultValue: string): PrimitiveConnectionParameter {
  return {
    type: 'string',
    defaultValue,
    uiDefinition: {
      displayName: 'Gateway host',
      description: 'Host name of your bitbucket-odata gateway, with its port and path prefix if it has them, e.g. odata.example.com.',
      tooltip: 'Where this connection calls the gateway: https://{this}/odata.',
      constraints: { required: 'true', clearText: true, tabIndex: 1 },
    },
  };
}

/** The operations Power Automate pages through: those marked x-ms-pageable, in document order. */
export function pageableOperationIds(definition: SwaggerDocument): string[] {
  return Object.values(definition.paths).flatMap((item) =>
    Object.values(item).flatMap((operation) => (operation?.['x-ms-pageable'] ? [operation.operationId] : [])),
  );
}

export function buildApiProperties(options: ConnectorOptions, definition: SwaggerDocument): ApiProperties {
  const { authorizationUrl, tokenUrl } = bitbucketOAuthUrls(options.oauthBaseUrl);
  const gatewayHost = gatewayHostParameter(gatewayAddressOf(options));
  const hasTriggers = Object.values(definition.paths).some((item) => Object.values(item).some((operation) => operation?.['x-ms-trigger']));
  return {
    properties: {
      connectionParameterSets: {
        uiDefinition: { displayName: 'Authentication type', description: 'How this connection signs in to Bitbucket.' },
        values: [
          {
            name: OAUTH_SET,
            uiDefinition: { displayName: 'Bitbucket sign-in (OAuth)', description: 'Sign in to Bitbucket in the browser; the connection acts as you.' },
            parameters: {
              [GATEWAY_HOST_PARAMETER]: gatewayHost,
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
                uiDefinition: {
                  displayName: 'Sign in with Bitbucket',
                  description: 'Sign in with your Bitbucket account.',
                  constraints: { required: 'true' },
                },
              },
            },
          },
          {
            name: BASIC_SET,
            uiDefinition: {
              displayName: 'Atlassian API token (Basic)',
              description: 'An Atlassian account email and a Bitbucket API token: for service accounts and unattended flows.',
            },
            parameters: {
              [GATEWAY_HOST_PARAMETER]: gatewayHost,
              username: {
                type: 'string',
                uiDefinition: {
                  displayName: 'Atlassian account email',
                  description: 'The email address of the Atlassian account the API token belongs to.',
                  constraints: { required: 'true', clearText: true, tabIndex: 2 },
                },
              },
              password: {
                type: 'securestring',
                uiDefinition: {
                  displayName: 'Bitbucket API token',
                  description: 'An API token with Bitbucket scopes (Atlassian account, Security, API tokens).',
                  constraints: { required: 'true', clearText: false, tabIndex: 3 },
                },
              },
            },
          },
        ],
      },
      iconBrandColor: ICON_BRAND_COLOR,
      capabilities: hasTriggers ? ['actions', 'triggers'] : ['actions'],
      publisher: 'bitbucket-odata',
      stackOwner: 'Atlassian',
      policyTemplateInstances: [
        {
          templateId: 'dynamichosturl',
          title: 'Call the gateway host of the connection',
          parameters: { 'x-ms-apimTemplateParameter.urlTemplate': `${options.scheme}://@connectionParameters('${GATEWAY_HOST_PARAMETER}')${options.servicePath}` },
        },
        {
          templateId: 'updatenextlink',
          title: `Update ${NEXT_LINK_PROPERTY} to make paging work`,
          parameters: {
            'x-ms-apimTemplate-operationName': pageableOperationIds(definition),
            'x-ms-apimTemplateParameter.nextLinkPropertyName': NEXT_LINK_PROPERTY,
          },
        },
      ],
    },
  };
}
