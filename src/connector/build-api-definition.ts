/**
 * `apiDefinition.swagger.json` for a Power Platform custom connector (OpenAPI 2.0, the only version Power Platform
 * imports), generated from the EdmModel: one operation per entity-set read (and per write and action the model
 * declares), response schemas from the entity types, OAuth 2.0 against Bitbucket, host and base path from
 * configuration. `checkConnectorRules` holds the Power Platform rules the result must keep.
 */
import type { EdmModel } from '../odata/edm';
import { bitbucketOAuthUrls, type ConnectorOptions } from './connector-options';
import { definitionsFor } from './definitions-for';
import { operationsFor } from './operations-for';
import type { SwaggerDocument, SwaggerPathItem } from './swagger-types';
import { triggerOperations } from './trigger-operations';
import type { WebhookTrigger } from './webhook-trigger';

/** The one security scheme; apiProperties.json names the same endpoints in its `token` connection parameter. */
export const SECURITY_SCHEME = 'oauth2_auth';

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
    securityDefinitions: { [SECURITY_SCHEME]: { type: 'oauth2', flow: 'accessCode', authorizationUrl, tokenUrl, scopes: {} } },
    security: [{ [SECURITY_SCHEME]: [] }],
    tags: model.entitySets.map((set) => ({ name: set.name, description: set.description })),
    ...(testConnection ? { 'x-ms-capabilities': { testConnection: { operationId: testConnection.operation.operationId, parameters: {} } } } : {}),
  };
}
