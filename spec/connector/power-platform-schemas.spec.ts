/**
 * CC-02: the connector files the CLI writes (what `paconn create` uploads) validate against Microsoft's JSON Schemas
 * from microsoft/PowerPlatformConnectors (copies in spec/fixtures/power-platform), and keep the written rules
 * (checkConnectorRules) and OpenAPI 2.0 (swagger-parser). The two places where the 2020 schemas lag what Power
 * Platform accepts today are named here, and a test fails when either stops being a gap or a new one appears.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { runCli } from '../../src/cli';
import { checkConnectorRules, type ApiProperties, type ConnectionParameterSet, type SwaggerDocument } from '../../src/connector';
import { compileSchema, describeErrors, SCHEMA_DIRECTORY } from './support/power-platform-schemas';

let dir: string;
let definition: SwaggerDocument;
let properties: ApiProperties;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'connector-schemas-'));
  const code = await runCli(['connector', '--out', dir, '--public-url', 'https://odata.example.com', '--client-id', 'consumer-key'], {
    env: {},
    stdout: () => undefined,
    stderr: (text) => process.stderr.write(text),
  });
  expect(code).toBe(0);
  definition = JSON.parse(readFileSync(join(dir, 'apiDefinition.swagger.json'), 'utf8')) as SwaggerDocument;
  properties = JSON.parse(readFileSync(join(dir, 'apiProperties.json'), 'utf8')) as ApiProperties;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const validateDefinition = compileSchema('apiDefinition.swagger.schema.json');
const validateProperties = compileSchema('paconn-apiProperties.schema.json');

/**
 * Gap 1: the schema has no `connectionParameterSets`. "Add multiple authentications on a custom connector" says each
 * set's `parameters` has the schema of `connectionParameters`, so each connection type is validated as the file it
 * would be alone.
 */
function asSingleConnectionType(file: ApiProperties, set: ConnectionParameterSet): unknown {
  const { connectionParameterSets: _sets, ...rest } = file.properties;
  return { properties: { ...rest, connectionParameters: set.parameters } };
}

/** Gap 2: `redirectMode: GlobalPerConnector` (per-connector redirect URL) is newer than the schema's enum. */
function withSchemaRedirectMode(file: unknown): unknown {
  return JSON.parse(JSON.stringify(file).replaceAll('"redirectMode":"GlobalPerConnector"', '"redirectMode":"Global"'));
}

test('CC-02: apiDefinition.swagger.json validates against apiDefinition.swagger.schema.json', () => {
  expect(validateDefinition(definition) ? [] : describeErrors(validateDefinition.errors)).toEqual([]);
});

test('CC-02: apiProperties.json validates against paconn-apiProperties.schema.json, each connection type on its own', () => {
  const sets = properties.properties.connectionParameterSets.values;
  expect(sets.map((set) => set.name)).toEqual(['oauth', 'basic']);
  for (const set of sets) {
    const file = withSchemaRedirectMode(asSingleConnectionType(properties, set));
    expect({ set: set.name, errors: validateProperties(file) ? [] : describeErrors(validateProperties.errors) }).toEqual({ set: set.name, errors: [] });
  }
});

test('CC-02: the schema gaps the spec works around are still gaps, and the only ones', () => {
  // The whole file: refused for connectionParameterSets alone.
  expect(validateProperties(properties)).toBe(false);
  expect(validateProperties.errors?.map((e) => [e.instancePath, e.keyword, e.params])).toEqual([
    ['/properties', 'additionalProperties', { additionalProperty: 'connectionParameterSets' }],
  ]);
  // The OAuth type as written: refused for GlobalPerConnector (and, through oneOf, by the other branches).
  const oauth = properties.properties.connectionParameterSets.values.find((set) => set.name === 'oauth')!;
  expect(validateProperties(asSingleConnectionType(properties, oauth))).toBe(false);
  const enumErrors = validateProperties.errors?.filter((e) => e.keyword === 'enum' && e.instancePath.endsWith('/redirectMode'));
  expect(enumErrors?.map((e) => e.params)).toEqual([{ allowedValues: ['Global', 'Direct'] }]);
});

test('CC-02: the schemas refuse a broken file (they are not vacuous)', () => {
  const broken = structuredClone(definition) as unknown as Record<string, unknown>;
  broken.host = 'https://odata.example.com/odata';
  expect(validateDefinition(broken)).toBe(false);
  const pageable = structuredClone(definition);
  Object.assign(pageable.paths['/Repositories'].get!, { 'x-ms-pageable': { nextLinkName: '@odata.nextLink', itemName: 'value' } });
  expect(validateDefinition(pageable)).toBe(false);
  const basic = properties.properties.connectionParameterSets.values.find((set) => set.name === 'basic')!;
  const policy = asSingleConnectionType(properties, basic) as ApiProperties;
  policy.properties.policyTemplateInstances = [{ templateId: 'updatenextlink', title: 'no property', parameters: {} }];
  expect(validateProperties(policy)).toBe(false);
});

test('CC-02: the written rules and swagger-parser pass on the same files', async () => {
  expect(checkConnectorRules(definition, properties)).toEqual([]);
  await expect(SwaggerParser.validate(structuredClone(definition) as unknown as OpenAPI.Document)).resolves.toBeDefined();
});

test('the schema copies are the files the fixtures README names (unaltered)', () => {
  const readme = readFileSync(join(SCHEMA_DIRECTORY, 'README.md'), 'utf8');
  for (const file of ['apiDefinition.swagger.schema.json', 'paconn-apiProperties.schema.json']) {
    const digest = createHash('sha256').update(readFileSync(join(SCHEMA_DIRECTORY, file))).digest('hex');
    expect(readme).toContain(`| \`${file}\` |`);
    expect(readme).toContain(digest);
  }
});
