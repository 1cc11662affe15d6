/** The Power Platform custom connector, generated from the EdmModel. */
export { buildApiDefinition, BASIC_SECURITY_SCHEME, CONNECTOR_CATEGORIES, CONNECTOR_TITLE, SECURITY_SCHEME } from './build-api-definition';
export {
  buildApiProperties,
  pageableOperationIds,
  BASIC_SET,
  GATEWAY_HOST_PARAMETER,
  ICON_BRAND_COLOR,
  OAUTH_SET,
  POWER_PLATFORM_REDIRECT_URL,
  type ApiProperties,
  type ConnectionParameterSet,
  type OAuthConnectionParameter,
} from './build-api-properties';
export { checkApiProperties } from './check-api-properties';
export { checkConnectorRules, MAX_DEFINITION_BYTES, type RuleViolation } from './check-connector-rules';
export { bitbucketOAuthUrls, connectorOptionsFor, gatewayAddressOf, locateService, DEFAULT_OAUTH_BASE_URL, type ConnectorOptions } from './connector-options';
export { createConnectorRouter, API_DEFINITION_FILE, API_PROPERTIES_FILE } from './connector-router';
export { operationsFor, NEXT_LINK_PROPERTY, OPERATION_RULES, type ConnectorOperation, type OperationKind } from './operations-for';
export { writeConnectorFiles } from './write-connector-files';
export type { SwaggerDocument } from './swagger-types';
export { payloadSchema, triggerOperations } from './trigger-operations';
export type { PayloadField, WebhookTrigger } from '../entity-sets/webhook-trigger';
