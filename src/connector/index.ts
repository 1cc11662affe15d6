/** The Power Platform custom connector, generated from the EdmModel. */
export { buildApiDefinition, CONNECTOR_TITLE, SECURITY_SCHEME } from './build-api-definition';
export { buildApiProperties, POWER_PLATFORM_REDIRECT_URL, type ApiProperties } from './build-api-properties';
export { checkConnectorRules, MAX_DEFINITION_BYTES, type RuleViolation } from './check-connector-rules';
export { bitbucketOAuthUrls, connectorOptionsFor, locateService, DEFAULT_OAUTH_BASE_URL, type ConnectorOptions } from './connector-options';
export { createConnectorRouter, API_DEFINITION_FILE, API_PROPERTIES_FILE } from './connector-router';
export { operationsFor, OPERATION_RULES, type ConnectorOperation, type OperationKind } from './operations-for';
export { writeConnectorFiles } from './write-connector-files';
export type { SwaggerDocument } from './swagger-types';
export { payloadSchema, triggerOperations } from './trigger-operations';
export type { PayloadField, WebhookTrigger } from './webhook-trigger';
