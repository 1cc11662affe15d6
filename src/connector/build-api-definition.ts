/**
 * `apiDefinition.swagger.json` for a Power Platform custom connector (OpenAPI 2.0, the only version Power Platform
 * imports), generated from the EdmModel: one operation per entity-set read (and per write and action the model
 * declares), response schemas from the entity types, OAuth 2.0 against Bitbucket, host and base path from
 * configuration. `checkConnectorRules` holds the Power Platform rules the result must keep.
 */
import type { EdmModel } from '../odata/edm';
import { bitbucketOAuthUrls, publicUrlOf, type ConnectorOptions } from './connector-options';
import { definitionsFor } from './definitions-for';
import { operationsFor } from './operations-for';
import type { ConnectorMetadataEntry, SwaggerDocument, SwaggerPathItem } from './swagger-types';
import { triggerOperations } from './trigger-operations';
import type { WebhookTrigger } from '../entity-sets/webhook-trigger';

/** The OAuth security scheme; apiProperties.json names the same endpoints in its `oauth` set's `token` parameter. */
export const SECURITY_SCHEME = 'oauth2_auth';

/**
 * The Basic scheme beside it (OA-03): service and automation connections cannot use OAuth's client-credentials grant
 * with Bitbucket through Power Platform, so they sign in with an Atlassian email and a Bitbucket API token, which the
 * gateway passes upstream as Basic (apiProperties.json's `basic` set).
 */
export const BASIC_SECURITY_SCHEME = 'basic_auth';

/**
 * Listing categories, from the list "Submit your connector for certification" allows (semicolon-separated): Bitbucket
 * is source control and CI, and the gateway serves it as tables.
 */
export const CONNECTOR_CATEGORIES = 'IT Operations;Data';

/** Connector title: Power Platform allows at most 30 characters and no "API"/"Connector" in it. */
export const CONNECTOR_TITLE = 'Bitbucket OData';

export function buildApiDefinition(model: EdmModel, options: ConnectorOptions, triggers: readonly WebhookTrigger[] = []): SwaggerDocument {
  const operations = [...operationsFor(model), ...triggerOperations(model, triggers)];
  const paths: Record<string, SwaggerPathItem> = {};
  for (const { path, method, operation } of operations) {
    paths[path] = { ...paths[path], [method]: operation };
  }
  const { authorizationUrl, tokenUrl } = bitbucketOAuthUrls(options.oauthBaseUrl);
  // The connection test needs an operation without required parameters: a singleton read (who am I), else a list.
  const testConnection =
    operations.find((op) => op.kind === 'get-singleton') ?? operations.find((op) => op.kind === 'list' && op.operation.parameters.every((p) => !p.required));
  return {
    swagger: '2.0',
    info: {
      title: CONNECTOR_TITLE,
      description: 'Bitbucket Cloud workspaces, repositories, branches, commits, pull requests and pipelines through the bitbucket-odata gateway.',
      version: options.version,
    },
    host: options.host,
    basePath: options.basePath,
    schemes: [options.scheme],
    consumes: ['application/json'],
    produces: ['application/json'],
    paths,
    definitions: definitionsFor(model),
    // Bitbucket grants what the OAuth consumer's permissions allow; scopes are not requested per authorization.
    securityDefinitions: {
      [SECURITY_SCHEME]: { type: 'oauth2', flow: 'accessCode', authorizationUrl, tokenUrl, scopes: {} },
      [BASIC_SECURITY_SCHEME]: { type: 'basic', description: 'Atlassian account email and a Bitbucket API token.' },
    },
    // Either scheme: one entry per alternative (OpenAPI 2.0 "Security Requirement Object").
    security: [{ [SECURITY_SCHEME]: [] }, { [BASIC_SECURITY_SCHEME]: [] }],
    tags: model.entitySets.map((set) => ({ name: set.name, description: set.description })),
    'x-ms-connector-metadata': connectorMetadata(options),
    ...(testConnection ? { 'x-ms-capabilities': { testConnection: { operationId: testConnection.operation.operationId, parameters: {} } } } : {}),
  };
}

/** CC-13: Website, Privacy policy and Categories; both URLs default to the gateway the connector was made for. */
function connectorMetadata(options: ConnectorOptions): ConnectorMetadataEntry[] {
  const website = options.website ?? publicUrlOf(options);
  return [
    { propertyName: 'Website', propertyValue: website },
    { propertyName: 'Privacy policy', propertyValue: options.privacyPolicyUrl ?? website },
    { propertyName: 'Categories', propertyValue: CONNECTOR_CATEGORIES },
  ];
}
