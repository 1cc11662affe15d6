/**
 * The subset of OpenAPI 2.0 (Swagger) that a Power Platform custom connector definition uses, with the Microsoft
 * `x-ms-*` extensions we emit (learn.microsoft.com/connectors/custom-connectors/openapi-extensions). Power Platform
 * imports only OpenAPI 2.0, so there is no 3.x here.
 */

/** `x-ms-visibility`: how prominently Power Apps / Power Automate show a parameter or property. */
export type Visibility = 'important' | 'advanced' | 'internal';

export interface SwaggerSchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  format?: string;
  description?: string;
  readOnly?: boolean;
  properties?: Record<string, SwaggerSchema>;
  required?: string[];
  enum?: string[];
  default?: string | number | boolean;
  items?: SwaggerSchema;
  $ref?: string;
  /** AutoRest's nullability extension; OpenAPI 2.0 itself cannot say "may be null". */
  'x-nullable'?: boolean;
  'x-ms-summary'?: string;
  'x-ms-visibility'?: Visibility;
  /** Marks the body property Power Automate fills with a webhook trigger's callback URL. */
  'x-ms-notification-url'?: boolean;
}

interface ParameterCommon {
  name: string;
  required: boolean;
  description: string;
  'x-ms-summary': string;
  'x-ms-visibility'?: Visibility;
}

/** A path, query or header parameter: a primitive, described inline. */
export interface SwaggerPrimitiveParameter extends ParameterCommon {
  in: 'path' | 'query' | 'header';
  type: 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  default?: string | number | boolean;
  minimum?: number;
  /** How Power Platform encodes a path value: `single` keeps `/` in a branch name as `%2F` (the default is double). */
  'x-ms-url-encoding'?: 'single' | 'double';
}

export interface SwaggerBodyParameter extends ParameterCommon {
  in: 'body';
  schema: SwaggerSchema;
}

export type SwaggerParameter = SwaggerPrimitiveParameter | SwaggerBodyParameter;

export interface SwaggerResponse {
  description: string;
  schema?: SwaggerSchema;
}

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

export interface SwaggerOperation {
  operationId: string;
  summary: string;
  description: string;
  tags?: string[];
  parameters: SwaggerParameter[];
  responses: Record<string, SwaggerResponse>;
  'x-ms-visibility'?: Visibility;
  /**
   * Power Automate follows `@odata.nextLink` itself when pagination is switched on for the action; the items are the
   * page's `value`. Power Platform's extension has `nextLinkName` only (AutoRest's `itemName` is refused by
   * PowerPlatformConnectors' apiDefinition.swagger.schema.json).
   */
  'x-ms-pageable'?: { nextLinkName: string };
  /** A webhook trigger: the operation subscribes, its 201 schema is the event payload. */
  'x-ms-trigger'?: 'single' | 'batch';
  'x-ms-trigger-hint'?: string;
}

export type SwaggerPathItem = Partial<Record<HttpMethod, SwaggerOperation>>;

export interface SwaggerOAuth2AccessCode {
  type: 'oauth2';
  flow: 'accessCode';
  authorizationUrl: string;
  tokenUrl: string;
  scopes: Record<string, string>;
}

/** HTTP Basic: Power Platform sends the connection's `username` and `password` parameters as `Authorization: Basic`. */
export interface SwaggerBasicAuth {
  type: 'basic';
  description?: string;
}

export type SwaggerSecurityScheme = SwaggerOAuth2AccessCode | SwaggerBasicAuth;

/** `x-ms-connector-metadata`: what the connector's listing shows ("Submit your connector for certification"). */
export interface ConnectorMetadataEntry {
  propertyName: 'Website' | 'Privacy policy' | 'Categories';
  propertyValue: string;
}

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; description: string; version: string; contact?: { name: string; url: string } };
  host: string;
  basePath: string;
  schemes: Array<'https' | 'http'>;
  consumes: string[];
  produces: string[];
  paths: Record<string, SwaggerPathItem>;
  definitions: Record<string, SwaggerSchema>;
  securityDefinitions: Record<string, SwaggerSecurityScheme>;
  security: Array<Record<string, string[]>>;
  tags: Array<{ name: string; description: string }>;
  'x-ms-connector-metadata': ConnectorMetadataEntry[];
  /** Power Platform runs this operation when a connection is created, to prove the credential works. */
  'x-ms-capabilities'?: { testConnection: { operationId: string; parameters: Record<string, never> } };
}
