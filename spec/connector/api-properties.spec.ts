/**
 * apiProperties.json against the client rules (CC-07 paging policy, CC-12 any gateway host, CC-13 listing metadata,
 * OA-03 a Basic connection type beside OAuth), the checker that guards them, and a connection made the way Power
 * Platform makes one: the `dynamichosturl` template filled with the connection's gatewayHost, Basic from its
 * username and password, `@odata.nextLink` followed from a base the `updatenextlink` policy can rewrite.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_USER } from '../../sandbox/identities';
import { runCli } from '../../src/cli';
import {
  buildApiDefinition,
  buildApiProperties,
  checkApiProperties,
  pageableOperationIds,
  type ApiProperties,
  type ConnectorOptions,
  type SwaggerDocument,
} from '../../src/connector';
import { buildEdmModel } from '../../src/entity-sets/to-edm-model';
import { webhookTriggers } from '../../src/entity-sets/to-webhook-triggers';
import { startListeningGateway, type ListeningGateway } from '../clients/support/listening-gateway';

const options: ConnectorOptions = {
  host: 'odata.example.com',
  basePath: '/odata',
  servicePath: '/odata',
  scheme: 'https',
  oauthBaseUrl: 'https://bitbucket.org',
  version: '1.0.0',
};
const definition = buildApiDefinition(buildEdmModel(), options, webhookTriggers());
const properties = buildApiProperties(options, definition);
const policy = (templateId: string) => properties.properties.policyTemplateInstances.filter((instance) => instance.templateId === templateId);
const setNamed = (name: string) => properties.properties.connectionParameterSets.values.find((set) => set.name === name);

test('CC-07: one updatenextlink instance lists exactly the x-ms-pageable operations, with @odata.nextLink', () => {
  const pageable = Object.values(definition.paths).flatMap((item) =>
    Object.values(item).flatMap((operation) => (operation?.['x-ms-pageable'] ? [operation.operationId] : [])),
  );
  // Every entity set but the singleton has a pageable list.
  expect(pageable.sort()).toEqual(buildEdmModel().entitySets.filter((set) => !set.singleton).map((set) => `List${set.name}`).sort());
  expect(policy('updatenextlink')).toEqual([
    {
      templateId: 'updatenextlink',
      title: expect.any(String),
      parameters: { 'x-ms-apimTemplate-operationName': pageableOperationIds(definition), 'x-ms-apimTemplateParameter.nextLinkPropertyName': '@odata.nextLink' },
    },
  ]);
  expect([...pageableOperationIds(definition)].sort()).toEqual(pageable);
});

test('CC-12: every call goes to the gatewayHost each connection type asks for, defaulting to the generated host', () => {
  expect(policy('dynamichosturl')).toEqual([
    {
      templateId: 'dynamichosturl',
      title: expect.any(String),
      parameters: { 'x-ms-apimTemplateParameter.urlTemplate': "https://@connectionParameters('gatewayHost')/odata" },
    },
  ]);
  for (const set of properties.properties.connectionParameterSets.values) {
    expect(set.parameters.gatewayHost).toMatchObject({ type: 'string', defaultValue: 'odata.example.com', uiDefinition: { constraints: { required: 'true' } } });
  }
  // A gateway under a path prefix: the prefix is part of the host a connection gives.
  const prefixed = { ...options, basePath: '/bitbucket/odata' };
  const prefixedProperties = buildApiProperties(prefixed, buildApiDefinition(buildEdmModel(), prefixed));
  expect(prefixedProperties.properties.connectionParameterSets.values[0].parameters.gatewayHost).toMatchObject({ defaultValue: 'odata.example.com/bitbucket' });
});

test('CC-13: brand colour #da3b01, capabilities, publisher, stackOwner, and x-ms-connector-metadata', () => {
  expect(properties.properties).toMatchObject({ iconBrandColor: '#da3b01', capabilities: ['actions', 'triggers'], publisher: expect.any(String), stackOwner: expect.any(String) });
  expect(properties.properties.publisher).not.toBe('');
  expect(definition['x-ms-connector-metadata']).toEqual([
    { propertyName: 'Website', propertyValue: 'https://odata.example.com/odata/' },
    { propertyName: 'Privacy policy', propertyValue: 'https://odata.example.com/odata/' },
    { propertyName: 'Categories', propertyValue: 'IT Operations;Data' },
  ]);
  const custom = buildApiDefinition(buildEdmModel(), { ...options, website: 'https://example.com/', privacyPolicyUrl: 'https://example.com/privacy' });
  expect(custom['x-ms-connector-metadata'].slice(0, 2).map((entry) => entry.propertyValue)).toEqual(['https://example.com/', 'https://example.com/privacy']);
});

test('OA-03: a Basic connection type (email and API token) beside OAuth, both in the definition', () => {
  expect(properties.properties.connectionParameterSets.values.map((set) => [set.name, Object.keys(set.parameters).sort()])).toEqual([
    ['oauth', ['gatewayHost', 'token']],
    ['basic', ['gatewayHost', 'password', 'username']],
  ]);
  expect(setNamed('basic')?.parameters).toMatchObject({ username: { type: 'string' }, password: { type: 'securestring' } });
  expect(definition.securityDefinitions.basic_auth).toEqual({ type: 'basic', description: expect.any(String) });
  expect(definition.security).toEqual([{ oauth2_auth: [] }, { basic_auth: [] }]);
});

describe('checkApiProperties finds what breaks a rule', () => {
  type Mutation = (file: ApiProperties, document: SwaggerDocument) => void;
  const instance = (file: ApiProperties, templateId: string) => file.properties.policyTemplateInstances.find((p) => p.templateId === templateId)!;
  const cases: Array<[string, string, Mutation]> = [
    ['CC-07', 'add one updatenextlink instance', (f) => (f.properties.policyTemplateInstances = f.properties.policyTemplateInstances.filter((p) => p.templateId !== 'updatenextlink'))],
    ['CC-07', 'must list the pageable operations', (f) => (instance(f, 'updatenextlink').parameters['x-ms-apimTemplate-operationName'] = ['ListRepositories'])],
    ['CC-07', 'not pageable: GetMe', (f) => (instance(f, 'updatenextlink').parameters['x-ms-apimTemplate-operationName'] = [...pageableOperationIds(definition), 'GetMe'])],
    ['CC-07', "nextLinkPropertyName 'nextLink'", (f) => (instance(f, 'updatenextlink').parameters['x-ms-apimTemplateParameter.nextLinkPropertyName'] = 'nextLink')],
    ['CC-12', 'add one dynamichosturl instance', (f) => (f.properties.policyTemplateInstances = f.properties.policyTemplateInstances.filter((p) => p.templateId !== 'dynamichosturl'))],
    ['CC-12', 'takes nothing from the connection', (f) => (instance(f, 'dynamichosturl').parameters['x-ms-apimTemplateParameter.urlTemplate'] = 'https://odata.example.com/odata')],
    ['CC-12', 'declare the connection parameter gatewayHost', (f) => delete f.properties.connectionParameterSets.values[1].parameters.gatewayHost],
    ['CC-12', 'leaves out', (f) => (instance(f, 'dynamichosturl').parameters['x-ms-apimTemplate-operationName'] = ['ListRepositories'])],
    ['CC-13', 'brand colour', (f) => (f.properties.iconBrandColor = '#007ee5')],
    ['CC-13', 'name the publisher', (f) => (f.properties.publisher = '')],
    ['CC-13', 'name the stackOwner', (f) => (f.properties.stackOwner = '')],
    ['CC-13', 'Privacy policy as an http(s) URL', (_f, d) => (d['x-ms-connector-metadata'] = d['x-ms-connector-metadata'].filter((e) => e.propertyName !== 'Privacy policy'))],
    ['CC-13', 'not Source Control', (_f, d) => (d['x-ms-connector-metadata'][2].propertyValue = 'Source Control')],
    ['OA-03', 'offer a Basic connection type', (f) => f.properties.connectionParameterSets.values.pop()],
    ['OA-03', 'a basic security scheme', (_f, d) => delete d.securityDefinitions.basic_auth],
    ['OA-01', 'offer one OAuth connection type', (f) => f.properties.connectionParameterSets.values.shift()],
  ];

  test.each(cases)('%s: "%s"', (rule, message, mutate) => {
    const document = structuredClone(definition);
    const file = structuredClone(properties);
    expect(checkApiProperties(document, file)).toEqual([]);
    mutate(file, document);
    const violations = checkApiProperties(document, file);
    expect(violations.map((v) => `${v.rule} ${v.at}: ${v.message}`).join('\n')).toContain(message);
    expect(violations.map((v) => v.rule)).toContain(rule);
  });
});

describe('a connection as Power Platform makes one (Basic, dynamic host, nextLinks)', () => {
  let gateway: ListeningGateway;
  let dir: string;
  let generated: { definition: SwaggerDocument; properties: ApiProperties };

  beforeAll(async () => {
    gateway = await startListeningGateway({ maxPageSize: 4 });
    dir = mkdtempSync(join(tmpdir(), 'connector-connection-'));
    // Generated for a host that does not exist: only the connection's gatewayHost can make calls work.
    const code = await runCli(['connector', '--out', dir, '--public-url', 'http://generated-for.invalid'], { env: {}, stdout: () => undefined, stderr: () => undefined });
    expect(code).toBe(0);
    generated = {
      definition: JSON.parse(readFileSync(join(dir, 'apiDefinition.swagger.json'), 'utf8')) as SwaggerDocument,
      properties: JSON.parse(readFileSync(join(dir, 'apiProperties.json'), 'utf8')) as ApiProperties,
    };
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('CC-12 and OA-03: a Basic connection whose gatewayHost is this gateway lists every tag, page by page', async () => {
    const gatewayHost = new URL(gateway.serviceRoot).host;
    const template = String(
      generated.properties.properties.policyTemplateInstances.find((p) => p.templateId === 'dynamichosturl')?.parameters['x-ms-apimTemplateParameter.urlTemplate'],
    );
    // What APIM does with the policy: the connection's parameter in place of @connectionParameters('gatewayHost').
    const base = template.replace("@connectionParameters('gatewayHost')", gatewayHost);
    expect(base).toBe(`http://${gatewayHost}/odata`);
    const authorization = `Basic ${Buffer.from(`${DEMO_USER.email}:${DEMO_USER.apiToken}`).toString('base64')}`;
    const operationPath = Object.keys(generated.definition.paths).find((path) => generated.definition.paths[path].get?.operationId === 'ListTags')!;
    const names: string[] = [];
    let url: string | undefined = `${base}${operationPath}`;
    let pages = 0;
    while (url !== undefined) {
      const response = await fetch(url, { headers: { Authorization: authorization } });
      expect(response.status).toBe(200);
      const page = (await response.json()) as { value: Array<{ Name: string }>; '@odata.nextLink'?: string };
      names.push(...page.value.map((row) => row.Name));
      url = page['@odata.nextLink'];
      // updatenextlink swaps the backend base for the connector's: the nextLink must start with the base called.
      if (url !== undefined) expect(url.startsWith(`${base}/`)).toBe(true);
      pages += 1;
    }
    const count = Number(await (await fetch(`${base}/Tags/$count`, { headers: { Authorization: authorization } })).text());
    expect(pages).toBeGreaterThan(1);
    expect(names).toHaveLength(count);
  });
});
