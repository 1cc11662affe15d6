/**
 * The rules apiProperties.json must keep, alone and against its definition (client-rules CC-07, CC-12, CC-13, OA-01,
 * OA-03). Sources: "Add multiple authentications on a custom connector" and "Submit your connector for certification"
 * (learn.microsoft.com/connectors/custom-connectors), the policy templates in microsoft/PowerPlatformConnectors
 * `schemas/paconn-apiProperties.schema.json`, and its issue #2959 (a pageable operation without `updatenextlink`
 * follows nextLinks outside the connector). Each violation names the rule, where, and what to change.
 */
import type { ApiProperties, ConnectionParameter, ConnectionParameterSet, OAuthConnectionParameter } from './build-api-properties';
import { pageableOperationIds } from './build-api-properties';
import type { SwaggerDocument, SwaggerOAuth2AccessCode } from './swagger-types';
import type { RuleViolation } from './rule-violation';

/** The categories "Submit your connector for certification" lists for `x-ms-connector-metadata`. */
export const ALLOWED_CATEGORIES = new Set([
  'AI', 'Business Management', 'Business Intelligence', 'Collaboration', 'Commerce', 'Communication', 'Content and Files',
  'Finance', 'Data', 'Human Resources', 'Internet of Things', 'IT Operations', 'Lifestyle and Entertainment', 'Marketing',
  'Productivity', 'Sales and CRM', 'Security', 'Social Media', 'Website',
]);

/** Brand colours certification refuses: Microsoft's own blue and white. */
const REFUSED_BRAND_COLORS = new Set(['#007ee5', '#ffffff']);

const CONNECTION_PARAMETER_REFERENCE = /@connectionParameters\('([^']+)'/gi;

const isOAuth = (parameter: ConnectionParameter | undefined): parameter is OAuthConnectionParameter => parameter?.type === 'oauthSetting';

function isUrl(value: string | undefined): boolean {
  try {
    return value !== undefined && /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function operationIdsOf(definition: SwaggerDocument): Set<string> {
  return new Set(Object.values(definition.paths).flatMap((item) => Object.values(item).map((operation) => operation?.operationId ?? '')));
}

/** CC-07: one updatenextlink instance naming exactly the pageable operations, with their nextLink property. */
function checkPaging(definition: SwaggerDocument, properties: ApiProperties['properties'], out: RuleViolation[]): void {
  const pageable = pageableOperationIds(definition);
  const instances = properties.policyTemplateInstances.filter((instance) => instance.templateId.toLowerCase() === 'updatenextlink');
  const at = 'apiProperties.policyTemplateInstances';
  if (pageable.length === 0) return;
  if (instances.length !== 1) {
    out.push({ rule: 'CC-07', at, message: `add one updatenextlink instance for the ${pageable.length} pageable operations (there are ${instances.length})` });
    return;
  }
  const parameters = instances[0].parameters;
  const named = parameters['x-ms-apimTemplate-operationName'];
  const listed = Array.isArray(named) ? named : [];
  const missing = pageable.filter((id) => !listed.includes(id));
  const extra = listed.filter((id) => !pageable.includes(id));
  if (missing.length > 0) out.push({ rule: 'CC-07', at, message: `updatenextlink must list the pageable operations ${missing.join(', ')}` });
  if (extra.length > 0) out.push({ rule: 'CC-07', at, message: `updatenextlink lists operations that are not pageable: ${extra.join(', ')}` });
  const nextLinkNames = new Set(
    Object.values(definition.paths).flatMap((item) => Object.values(item).flatMap((operation) => (operation?.['x-ms-pageable'] ? [operation['x-ms-pageable'].nextLinkName] : []))),
  );
  const property = parameters['x-ms-apimTemplateParameter.nextLinkPropertyName'];
  if (nextLinkNames.size !== 1 || !nextLinkNames.has(String(property))) {
    out.push({ rule: 'CC-07', at, message: `nextLinkPropertyName '${String(property)}' must be the operations' x-ms-pageable nextLinkName (${[...nextLinkNames].join(', ')})` });
  }
}

/** CC-12: a dynamichosturl instance for every operation whose URL comes from a parameter every connection has. */
function checkDynamicHost(definition: SwaggerDocument, properties: ApiProperties['properties'], sets: ConnectionParameterSet[], out: RuleViolation[]): void {
  const at = 'apiProperties.policyTemplateInstances';
  const hosts = properties.policyTemplateInstances.filter((instance) => instance.templateId.toLowerCase() === 'dynamichosturl');
  if (hosts.length !== 1) {
    out.push({ rule: 'CC-12', at, message: 'add one dynamichosturl instance whose urlTemplate takes the gateway host from a connection parameter' });
    return;
  }
  const { parameters } = hosts[0];
  const template = String(parameters['x-ms-apimTemplateParameter.urlTemplate'] ?? '');
  const referenced = [...template.matchAll(CONNECTION_PARAMETER_REFERENCE)].map((match) => match[1]);
  if (referenced.length === 0) out.push({ rule: 'CC-12', at, message: `the urlTemplate '${template}' takes nothing from the connection: use @connectionParameters('…')` });
  for (const name of referenced) {
    for (const set of sets) {
      if (!set.parameters[name]) out.push({ rule: 'CC-12', at: `apiProperties.connectionParameterSets.${set.name}`, message: `declare the connection parameter ${name} the urlTemplate uses` });
    }
  }
  if (!template.endsWith(definition.basePath.replace(/^.*?(\/[^/]*)$/, '$1'))) {
    out.push({ rule: 'CC-12', at, message: `the urlTemplate '${template}' must end with the service path of basePath ${definition.basePath}` });
  }
  const scoped = parameters['x-ms-apimTemplate-operationName'];
  if (Array.isArray(scoped)) {
    const unrouted = [...operationIdsOf(definition)].filter((id) => !scoped.includes(id));
    if (unrouted.length > 0) out.push({ rule: 'CC-12', at, message: `dynamichosturl leaves out ${unrouted.join(', ')}: they would call the generated host` });
  }
}

/** CC-13: brand colour, capabilities, publisher, stackOwner; x-ms-connector-metadata in the definition. */
function checkMetadata(definition: SwaggerDocument, properties: ApiProperties['properties'], out: RuleViolation[]): void {
  const color = properties.iconBrandColor ?? '';
  if (!/^#[0-9a-f]{6}$/i.test(color) || REFUSED_BRAND_COLORS.has(color.toLowerCase())) {
    out.push({ rule: 'CC-13', at: 'apiProperties.iconBrandColor', message: `use a #rrggbb brand colour other than ${[...REFUSED_BRAND_COLORS].join(' and ')} (#da3b01 for independent publishers), not '${color}'` });
  }
  if (!Array.isArray(properties.capabilities)) out.push({ rule: 'CC-13', at: 'apiProperties.capabilities', message: 'declare capabilities (actions, triggers)' });
  if (!properties.publisher) out.push({ rule: 'CC-13', at: 'apiProperties.publisher', message: 'name the publisher' });
  if (!properties.stackOwner) out.push({ rule: 'CC-13', at: 'apiProperties.stackOwner', message: 'name the stackOwner (who runs the service behind the connector)' });
  const metadata = new Map((definition['x-ms-connector-metadata'] ?? []).map((entry) => [entry.propertyName, entry.propertyValue]));
  for (const name of ['Website', 'Privacy policy'] as const) {
    if (!isUrl(metadata.get(name))) out.push({ rule: 'CC-13', at: 'x-ms-connector-metadata', message: `give the ${name} as an http(s) URL` });
  }
  const categories = (metadata.get('Categories') ?? '').split(';').filter((category) => category !== '');
  const unknown = categories.filter((category) => !ALLOWED_CATEGORIES.has(category));
  if (categories.length === 0 || unknown.length > 0) {
    out.push({ rule: 'CC-13', at: 'x-ms-connector-metadata', message: `give Categories from the certification list, separated by ';'${unknown.length > 0 ? ` (not ${unknown.join(', ')})` : ''}` });
  }
}

/**
 * OA-01 and OA-03: an OAuth connection type at the definition's endpoints, and a Basic one (username and password)
 * for service connections, each matched by a security scheme of the definition.
 */
function checkConnectionTypes(definition: SwaggerDocument, sets: ConnectionParameterSet[], out: RuleViolation[]): void {
  const at = 'apiProperties.connectionParameterSets';
  const schemes = Object.values(definition.securityDefinitions ?? {});
  const oauthSchemes = schemes.filter((scheme): scheme is SwaggerOAuth2AccessCode => scheme.type === 'oauth2' && scheme.flow === 'accessCode');
  const oauthSets = sets.filter((set) => isOAuth(set.parameters.token));
  const basicSets = sets.filter((set) => set.parameters.username?.type === 'string' && set.parameters.password?.type === 'securestring');
  if (oauthSets.length !== 1 || oauthSchemes.length !== 1) {
    out.push({ rule: 'OA-01', at, message: 'offer one OAuth connection type (a token of type oauthSetting) and one oauth2 accessCode security scheme' });
  }
  if (basicSets.length !== 1 || !schemes.some((scheme) => scheme.type === 'basic')) {
    out.push({ rule: 'OA-03', at, message: 'offer a Basic connection type beside OAuth (username and a securestring password) and a basic security scheme' });
  }
  if (oauthSets.length === 1 && oauthSchemes.length === 1) {
    const token = oauthSets[0].parameters.token as OAuthConnectionParameter;
    const custom = token.oAuthSettings.customParameters;
    if (custom.authorizationUrl.value !== oauthSchemes[0].authorizationUrl || custom.tokenUrl.value !== oauthSchemes[0].tokenUrl) {
      out.push({ rule: 'OA-01', at: `${at}.${oauthSets[0].name}.token`, message: 'authorizationUrl and tokenUrl must equal those of securityDefinitions' });
    }
  }
}

export function checkApiProperties(definition: SwaggerDocument, apiProperties: ApiProperties): RuleViolation[] {
  const out: RuleViolation[] = [];
  const { properties } = apiProperties;
  const sets = properties.connectionParameterSets?.values ?? [];
  const names = sets.map((set) => set.name);
  if (new Set(names).size !== names.length) out.push({ rule: 'OA-03', at: 'apiProperties.connectionParameterSets', message: `connection types need distinct names, not ${names.join(', ')}` });
  checkConnectionTypes(definition, sets, out);
  checkPaging(definition, properties, out);
  checkDynamicHost(definition, properties, sets, out);
  checkMetadata(definition, properties, out);
  return out;
}
