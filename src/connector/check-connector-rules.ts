/**
 * The Power Platform rules a connector definition must keep beyond OpenAPI 2.0 validity (which swagger-parser
 * checks). Sources: "Create a custom connector with an OpenAPI extension" and "Create a custom connector from an
 * OpenAPI definition" (learn.microsoft.com/connectors/custom-connectors), and the certification checklist of
 * microsoft/PowerPlatformConnectors. Each violation names where it is and what to change.
 */
import type { ApiProperties } from './build-api-properties';
import { checkApiProperties } from './check-api-properties';
import type { SwaggerDocument, SwaggerOperation, SwaggerParameter, SwaggerSchema } from './swagger-types';
import type { RuleViolation } from './rule-violation';

export type { RuleViolation } from './rule-violation';

/**
 * Power Platform refuses definitions of 1 MB or more ("Create a custom connector from an OpenAPI definition"). We
 * count the UTF-8 bytes of the JSON we serve against the smaller reading of "1 MB".
 */
export const MAX_DEFINITION_BYTES = 1_000_000;

/** Lengths the connector designer and certification enforce. */
export const MAX_TITLE_LENGTH = 30;
export const MAX_SUMMARY_LENGTH = 80;

const VISIBILITIES = new Set(['important', 'advanced', 'internal']);


function resolve(document: SwaggerDocument, schema: SwaggerSchema | undefined): SwaggerSchema | undefined {
  if (!schema?.$ref) return schema;
  const name = schema.$ref.replace(/^#\/definitions\//, '');
  return document.definitions[name];
}

function checkParameter(at: string, parameter: SwaggerParameter, path: string, out: RuleViolation[]): void {
  const here = `${at}.parameters.${parameter.name}`;
  if (!parameter['x-ms-summary']) out.push({ at: here, message: 'add x-ms-summary: the label Power Apps shows for the parameter' });
  else if (parameter['x-ms-summary'].length > MAX_SUMMARY_LENGTH) out.push({ at: here, message: `shorten x-ms-summary to at most ${MAX_SUMMARY_LENGTH} characters` });
  if (!parameter.description) out.push({ at: here, message: 'add a description: the tooltip Power Apps shows for the parameter' });
  const visibility = parameter['x-ms-visibility'];
  if (visibility !== undefined && !VISIBILITIES.has(visibility)) out.push({ at: here, message: `x-ms-visibility must be important, advanced or internal, not '${visibility}'` });
  if (visibility === 'internal' && parameter.required && (parameter.in === 'body' || parameter.default === undefined)) {
    out.push({ at: here, message: 'a required internal parameter is never shown, so it needs a default value' });
  }
  // The platform adds its own connectionId to every call; a parameter of that name would collide with it.
  if (parameter.name.toLowerCase() === 'connectionid') out.push({ at: here, message: 'rename the parameter: connectionId is reserved by Power Platform' });
  if (parameter.in === 'path') {
    if (!parameter.required) out.push({ at: here, message: 'path parameters must be required' });
    if (parameter['x-ms-url-encoding'] !== 'single') out.push({ at: here, message: "send path parameters once-encoded: x-ms-url-encoding: 'single'" });
    if (!path.includes(`{${parameter.name}}`)) out.push({ at: here, message: `the path does not contain {${parameter.name}}` });
  }
}

function checkOperation(document: SwaggerDocument, path: string, method: string, operation: SwaggerOperation, out: RuleViolation[]): void {
  const at = `paths.${path}.${method}`;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(operation.operationId ?? '')) out.push({ at, message: 'give an operationId of letters, digits and underscores, starting with a letter' });
  if (!operation.summary) out.push({ at, message: 'add a summary: the action name makers pick' });
  else {
    if (operation.summary.length > MAX_SUMMARY_LENGTH) out.push({ at, message: `shorten the summary to at most ${MAX_SUMMARY_LENGTH} characters` });
    if (operation.summary.endsWith('.')) out.push({ at, message: 'a summary is a title: drop the final period' });
    else if (!/^[A-Za-z0-9 ()]*[A-Za-z0-9]$/.test(operation.summary)) out.push({ at, message: 'a summary is letters, digits, spaces and parentheses, ending with a letter or digit' });
  }
  const visibility = operation['x-ms-visibility'];
  if (visibility === undefined || !VISIBILITIES.has(visibility)) out.push({ at, message: `give the operation x-ms-visibility important, advanced or internal, not '${visibility ?? '(none)'}'` });
  if (!operation.description) out.push({ at, message: 'add a description' });
  else if (operation.description === operation.summary) out.push({ at, message: 'the description must say more than the summary' });
  for (const parameter of operation.parameters ?? []) checkParameter(at, parameter, path, out);
  for (const name of path.match(/\{[^}]+\}/g) ?? []) {
    const declared = (operation.parameters ?? []).some((p) => p.in === 'path' && `{${p.name}}` === name);
    if (!declared) out.push({ at, message: `declare a path parameter for ${name}` });
  }
  const success = Object.keys(operation.responses ?? {}).filter((status) => /^2\d\d$/.test(status));
  if (success.length === 0) out.push({ at, message: 'declare the success response (2xx)' });
  checkTrigger(document, at, operation, out);
  const pageable = operation['x-ms-pageable'];
  if (pageable) {
    if (method !== 'get') out.push({ at, message: 'x-ms-pageable belongs on GET operations' });
    const page = resolve(document, operation.responses['200']?.schema);
    if (!page?.properties?.[pageable.nextLinkName]) out.push({ at, message: `x-ms-pageable.nextLinkName '${pageable.nextLinkName}' is not a property of the 200 response` });
    if (page?.properties?.value?.type !== 'array') out.push({ at, message: "a pageable operation's 200 response needs its items in the array property 'value'" });
  }
}

/**
 * A webhook trigger ("Create a webhook trigger"): its body has exactly one string property marked
 * x-ms-notification-url, hidden (internal) and required, which the platform fills with the flow's callback URL; its
 * 201 response describes the notification; other hidden required body properties carry the default the platform
 * sends; and registration must answer the Location the platform later deletes (ours: every create answers it).
 */
function checkTrigger(document: SwaggerDocument, at: string, operation: SwaggerOperation, out: RuleViolation[]): void {
  if (operation['x-ms-trigger'] !== 'single') return;
  const body = operation.parameters.find((p) => p.in === 'body');
  const schema = body && 'schema' in body ? resolve(document, body.schema) : undefined;
  const properties = Object.entries(schema?.properties ?? {});
  const callbacks = properties.filter(([, property]) => property['x-ms-notification-url'] === true);
  if (callbacks.length !== 1) out.push({ at, message: 'a webhook trigger needs exactly one body property with x-ms-notification-url: true' });
  for (const [name, property] of callbacks) {
    if (property.type !== 'string') out.push({ at: `${at}.body.${name}`, message: 'the notification URL property must be a string' });
    if (property['x-ms-visibility'] !== 'internal') out.push({ at: `${at}.body.${name}`, message: 'hide the notification URL property (x-ms-visibility: internal): the platform fills it' });
    if (!schema?.required?.includes(name)) out.push({ at: `${at}.body.${name}`, message: 'the notification URL property must be required' });
  }
  for (const [name, property] of properties) {
    if (property['x-ms-notification-url'] || property['x-ms-visibility'] !== 'internal' || !schema?.required?.includes(name)) continue;
    if (property.default === undefined) out.push({ at: `${at}.body.${name}`, message: 'a required internal body property is never shown, so it needs a default value' });
  }
  if (!operation.responses['201']?.schema) out.push({ at, message: 'a webhook trigger answers 201; its schema describes the notification payload' });
}

function checkSchemas(document: SwaggerDocument, out: RuleViolation[]): void {
  for (const [name, schema] of Object.entries(document.definitions)) {
    for (const [property, propertySchema] of Object.entries(schema.properties ?? {})) {
      const at = `definitions.${name}.properties.${property}`;
      if (!propertySchema['x-ms-summary']) out.push({ at, message: 'add x-ms-summary: the label of this output in flows and apps' });
      if (!propertySchema.description) out.push({ at, message: 'add a description' });
    }
  }
}

export function checkConnectorRules(document: SwaggerDocument, apiProperties?: ApiProperties): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (document.swagger !== '2.0') out.push({ at: 'swagger', message: "Power Platform imports OpenAPI 2.0 only: set swagger: '2.0'" });
  if (!document.info?.title || document.info.title.length > MAX_TITLE_LENGTH) out.push({ at: 'info.title', message: `give a title of 1 to ${MAX_TITLE_LENGTH} characters` });
  if (/\b(api|connector)\b/i.test(document.info?.title ?? '')) out.push({ at: 'info.title', message: 'the title must not contain "API" or "Connector"' });
  if (!document.host || document.host.includes('/')) out.push({ at: 'host', message: 'host is a host name (and port), without scheme or path' });
  if (!document.basePath?.startsWith('/')) out.push({ at: 'basePath', message: "basePath must start with '/'" });
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as Array<[string, SwaggerOperation]>) {
      const previous = seen.get(operation.operationId);
      if (previous) out.push({ at: `paths.${path}.${method}`, message: `operationId ${operation.operationId} is already used by ${previous}` });
      seen.set(operation.operationId, `${method.toUpperCase()} ${path}`);
      checkOperation(document, path, method, operation, out);
    }
  }
  checkSchemas(document, out);
  const capabilityOperation = document['x-ms-capabilities']?.testConnection.operationId;
  if (capabilityOperation !== undefined && !seen.has(capabilityOperation)) out.push({ at: 'x-ms-capabilities.testConnection', message: `operation ${capabilityOperation} does not exist` });
  // Every scheme is one Power Platform can sign in with: OAuth 2.0 authorization code, or Basic.
  for (const [name, scheme] of Object.entries(document.securityDefinitions ?? {})) {
    if (!(scheme.type === 'basic' || (scheme.type === 'oauth2' && scheme.flow === 'accessCode'))) {
      out.push({ at: `securityDefinitions.${name}`, message: 'use an OAuth 2.0 scheme with flow accessCode (authorization code) or a basic scheme' });
    }
  }
  if (apiProperties) out.push(...checkApiProperties(document, apiProperties));
  const bytes = Buffer.byteLength(JSON.stringify(document), 'utf8');
  if (bytes >= MAX_DEFINITION_BYTES) out.push({ at: '(document)', message: `the definition is ${bytes} bytes; Power Platform accepts less than ${MAX_DEFINITION_BYTES}` });
  return out;
}
