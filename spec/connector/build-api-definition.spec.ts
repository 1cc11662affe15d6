/**
 * The custom connector definition generated from the EdmModel: valid OpenAPI 2.0 (swagger-parser), our Power
 * Platform rules, the size limit, one operation per read (and per write and action the model declares), response
 * schemas from the entity types, OAuth 2.0 against Bitbucket.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import {
  buildApiDefinition,
  buildApiProperties,
  checkConnectorRules,
  MAX_DEFINITION_BYTES,
  operationsFor,
  type ConnectorOptions,
  type OAuthConnectionParameter,
  type SwaggerDocument,
} from '../../src/connector';
import { buildEdmModel } from '../../src/entity-sets/to-edm-model';
import type { EdmModel } from '../../src/odata/edm';
import { fixtureModel } from '../odata/metadata/edm-model-fixture';
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import { writeSchema } from '../../src/entity-sets/write-schema';
import { webhookTriggers } from '../../src/entity-sets/to-webhook-triggers';
import type { WebhookTrigger } from '../../src/connector';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const options: ConnectorOptions = {
  host: 'odata.example.com',
  basePath: '/odata',
  servicePath: '/odata',
  scheme: 'https',
  oauthBaseUrl: 'https://bitbucket.org',
  version: '1.2.3',
};

const realModel = buildEdmModel();

async function validate(document: SwaggerDocument): Promise<void> {
  // swagger-parser dereferences in place: give it a copy.
  await SwaggerParser.validate(structuredClone(document) as unknown as OpenAPI.Document);
}

describe.each([
  ['the gateway model with its webhook trigger', realModel, webhookTriggers()],
  ['the metadata fixture (writes and actions)', fixtureModel, []],
] as Array<[string, EdmModel, WebhookTrigger[]]>)('%s', (_name, model, triggers) => {
  const definition = buildApiDefinition(model, options, triggers);

  test('is valid OpenAPI 2.0 for swagger-parser', async () => {
    await expect(validate(definition)).resolves.toBeUndefined();
  });

  test('keeps the Power Platform rules', () => {
    expect(checkConnectorRules(definition, buildApiProperties(options, definition))).toEqual([]);
  });

  test(`stays under the ${MAX_DEFINITION_BYTES}-byte definition limit`, () => {
    expect(Buffer.byteLength(JSON.stringify(definition))).toBeLessThan(MAX_DEFINITION_BYTES);
  });

  test('has one operation per read, and one per write, action and trigger the model declares', () => {
    const expected = model.entitySets.flatMap((set) => {
      const key = `(${set.key.map((name) => (set.properties.find((p) => p.name === name)?.type === 'Edm.String' ? `${name}='{${name}}'` : `${name}={${name}}`)).join(',')})`;
      if (set.singleton) return [`GET /${set.name} Get${set.name}`];
      return [
        `GET /${set.name} List${set.name}`,
        `GET /${set.name}${key} Get${set.typeName}`,
        ...(set.capabilities.insertable ? [`POST /${set.name} Create${set.typeName}`] : []),
        ...(set.capabilities.updatable ? [`PATCH /${set.name}${key} Update${set.typeName}`] : []),
        ...(set.capabilities.deletable ? [`DELETE /${set.name}${key} Delete${set.typeName}`] : []),
        ...set.actions.map((action) => `POST /${set.name}${key}/${model.namespace}.${action.name} ${action.name}${set.typeName}`),
      ];
    });
    // Triggers subscribe by creating their entity through the navigation that leads to its set.
    for (const trigger of triggers) {
      const parent = model.entitySets.find((set) => set.navigation.some((nav) => nav.target === trigger.entitySet));
      const nav = parent?.navigation.find((n) => n.target === trigger.entitySet);
      const key = `(${parent?.key.map((name) => `${name}='{${name}}'`).join(',')})`;
      expected.push(`POST /${parent?.name}${key}/${nav?.name} ${trigger.name}`);
    }
    const actual = Object.entries(definition.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`),
    );
    expect(actual.sort()).toEqual(expected.sort());
  });

  test('lists take the query options, are pageable by @odata.nextLink, and answer the entity type', () => {
    for (const set of model.entitySets.filter((s) => !s.singleton)) {
      const list = definition.paths[`/${set.name}`]?.get;
      expect(list?.parameters.map((p) => p.name)).toEqual(
        expect.arrayContaining(['$filter', '$select', '$orderby', '$top', '$skip']),
      );
      expect(list?.['x-ms-pageable']).toEqual({ nextLinkName: '@odata.nextLink' });
      expect(list?.responses['200'].schema?.properties?.value.items).toEqual({ $ref: `#/definitions/${set.typeName}` });
    }
  });

  test('every entity type is a definition with its properties, Edm types mapped to OpenAPI types', () => {
    const mapped: Record<string, { type: string; format?: string }> = {
      'Edm.String': { type: 'string' },
      'Edm.Int32': { type: 'integer', format: 'int32' },
      'Edm.Int64': { type: 'integer', format: 'int64' },
      'Edm.Double': { type: 'number', format: 'double' },
      'Edm.Decimal': { type: 'number' },
      'Edm.Boolean': { type: 'boolean' },
      'Edm.DateTimeOffset': { type: 'string', format: 'date-time' },
      'Edm.Date': { type: 'string', format: 'date' },
      'Edm.Guid': { type: 'string', format: 'uuid' },
    };
    for (const set of model.entitySets) {
      const schema = definition.definitions[set.typeName];
      // Structural properties first, then the navigation properties $expand may fill in.
      expect(Object.keys(schema.properties ?? {})).toEqual([...set.properties.map((p) => p.name), ...set.navigation.map((n) => n.name)]);
      for (const property of set.properties) {
        const { type, format } = schema.properties?.[property.name] ?? {};
        expect({ type, format }).toEqual({ format: undefined, ...mapped[property.type] });
        expect(schema.properties?.[property.name]['x-nullable']).toBe(property.nullable ? true : undefined);
      }
    }
  });

  test('lists and by-key reads of sets with navigation offer $expand, naming their own navigation properties', () => {
    const withNavigation = model.entitySets.filter((set) => !set.singleton && set.navigation.length > 0);
    expect(withNavigation.length).toBeGreaterThan(0);
    for (const set of model.entitySets.filter((s) => !s.singleton)) {
      const reads = Object.values(definition.paths).flatMap((item) =>
        item.get && [`List${set.name}`, `Get${set.typeName}`].includes(item.get.operationId) ? [item.get] : [],
      );
      expect(reads).toHaveLength(2);
      for (const read of reads) {
        const expand = read.parameters.find((p) => p.name === '$expand');
        if (set.navigation.length === 0) {
          expect(expand).toBeUndefined();
          continue;
        }
        expect(expand).toMatchObject({ in: 'query', required: false, type: 'string', 'x-ms-summary': 'Expand Query', 'x-ms-visibility': 'advanced' });
        // The example and the list of what can be expanded come from this set's navigation.
        expect(expand?.description).toContain(`e.g. ${set.navigation[0].name}(`);
        for (const navigation of set.navigation) expect(expand?.description).toContain(navigation.name);
      }
    }
  });

  test('navigation properties are the related entity inline (single) or an array of them (collection), one level deep', () => {
    for (const set of model.entitySets) {
      const properties = definition.definitions[set.typeName].properties ?? {};
      for (const navigation of set.navigation) {
        const target = model.entitySets.find((candidate) => candidate.name === navigation.target)!;
        const schema = properties[navigation.name];
        expect(schema.description).toContain('Present when $expand names it.');
        expect(schema['x-ms-summary']).toBeTruthy();
        const entity = navigation.collection ? schema.items : schema;
        expect([schema.type, schema['x-nullable']]).toEqual(navigation.collection ? ['array', undefined] : ['object', true]);
        expect(entity?.type).toBe('object');
        expect(entity?.$ref).toBeUndefined();
        // Only the target's structural properties: no navigation inside, so no cycle.
        expect(Object.keys(entity?.properties ?? {})).toEqual(target.properties.map((p) => p.name));
        for (const property of target.properties) {
          expect(entity?.properties?.[property.name]).toMatchObject({ description: property.description, 'x-ms-summary': expect.any(String) });
        }
      }
    }
  });

  test('write bodies carry no navigation properties', () => {
    for (const set of model.entitySets) {
      for (const suffix of ['CreateInput', 'UpdateInput']) {
        const input = definition.definitions[`${set.typeName}${suffix}`];
        if (!input) continue;
        expect(Object.keys(input.properties ?? {}).filter((name) => set.navigation.some((n) => n.name === name))).toEqual([]);
      }
    }
  });

  test('the connection test reads the singleton', () => {
    const singleton = model.entitySets.find((set) => set.singleton);
    expect(definition['x-ms-capabilities']?.testConnection.operationId).toBe(`Get${singleton?.name}`);
  });
});

describe('configuration reaches the definition', () => {
  test('host, base path, scheme and version', () => {
    const definition = buildApiDefinition(realModel, { ...options, host: 'gw.example:8443', basePath: '/bb/odata', scheme: 'http' });
    expect([definition.host, definition.basePath, definition.schemes, definition.info.version]).toEqual(['gw.example:8443', '/bb/odata', ['http'], '1.2.3']);
  });

  test("OA-01: OAuth 2.0 against Bitbucket's authorize and access_token endpoints, in both files", () => {
    const custom = { ...options, oauthBaseUrl: 'http://127.0.0.1:7990/' , oauthClientId: 'consumer-key' };
    const definition = buildApiDefinition(realModel, custom);
    expect(definition.securityDefinitions).toEqual({
      oauth2_auth: {
        type: 'oauth2',
        flow: 'accessCode',
        authorizationUrl: 'http://127.0.0.1:7990/site/oauth2/authorize',
        tokenUrl: 'http://127.0.0.1:7990/site/oauth2/access_token',
        scopes: {},
      },
      basic_auth: { type: 'basic', description: expect.any(String) },
    });
    expect(definition.security).toEqual([{ oauth2_auth: [] }, { basic_auth: [] }]);
    const oauth = buildApiProperties(custom, definition).properties.connectionParameterSets.values.find((set) => set.name === 'oauth');
    const token = oauth?.parameters.token as OAuthConnectionParameter;
    expect(token.type).toBe('oauthSetting');
    expect(token.oAuthSettings).toMatchObject({
      identityProvider: 'oauth2',
      clientId: 'consumer-key',
      redirectMode: 'GlobalPerConnector',
      customParameters: {
        authorizationUrl: { value: 'http://127.0.0.1:7990/site/oauth2/authorize' },
        tokenUrl: { value: 'http://127.0.0.1:7990/site/oauth2/access_token' },
        refreshUrl: { value: 'http://127.0.0.1:7990/site/oauth2/access_token' },
      },
    });
  });
});

describe('string keys and bound actions', () => {
  const operations = operationsFor(fixtureModel);

  test('string key segments are quoted, numeric ones bare; every key is sent once-encoded (CC-04)', () => {
    const get = operations.find((op) => op.operation.operationId === 'GetPullRequest');
    expect(get?.path).toBe("/PullRequests(Workspace='{Workspace}',RepositorySlug='{RepositorySlug}',Id={Id})");
    const encodings = Object.fromEntries((get?.operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, 'x-ms-url-encoding' in p ? p['x-ms-url-encoding'] : undefined]));
    expect(encodings).toEqual({ Workspace: 'single', RepositorySlug: 'single', Id: 'single' });
  });

  test("an action's parameters form its body; one returning the entity answers 200 with it, another 204", () => {
    const merge = operations.find((op) => op.operation.operationId === 'MergePullRequest')?.operation;
    const body = merge?.parameters.find((p) => p.in === 'body');
    expect(body && 'schema' in body ? Object.keys(body.schema.properties ?? {}) : []).toEqual(['MergeStrategy', 'Message', 'CloseSourceBranch']);
    expect(merge?.responses['200'].schema).toEqual({ $ref: '#/definitions/PullRequest' });
    const decline = operations.find((op) => op.operation.operationId === 'DeclinePullRequest')?.operation;
    expect(Object.keys(decline?.responses ?? {})).toEqual(['204', 'default']);
  });

  test('updates ask for the updated entity with an internal Prefer header that has its default', () => {
    const update = operations.find((op) => op.operation.operationId === 'UpdatePullRequest')?.operation;
    expect(update?.parameters.find((p) => p.name === 'Prefer')).toMatchObject({ in: 'header', 'x-ms-visibility': 'internal', default: 'return=representation' });
  });
});

describe('checkConnectorRules finds what Power Platform would refuse', () => {
  type Mutation = (document: SwaggerDocument) => void;
  const listOf = (document: SwaggerDocument) => document.paths['/PullRequests'].get!;
  const pathParameterOf = (document: SwaggerDocument) => {
    const parameters = Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((op) => op?.parameters ?? []));
    const found = parameters.find((p) => p.in === 'path');
    if (!found || found.in !== 'path') throw new Error('the fixture model has no path parameter');
    return found;
  };
  const cases: Array<[string, Mutation, string]> = [
    ['OpenAPI 3', (d) => Object.assign(d, { swagger: '3.0' }), "set swagger: '2.0'"],
    ['a long title', (d) => (d.info.title = 'Bitbucket OData gateway for everyone'), 'title of 1 to 30'],
    ['"API" in the title', (d) => (d.info.title = 'Bitbucket API'), 'must not contain'],
    ['a scheme in host', (d) => (d.host = 'https://odata.example.com'), 'without scheme or path'],
    ['a relative basePath', (d) => (d.basePath = 'odata'), "start with '/'"],
    ['a duplicate operationId', (d) => (d.paths['/Repositories'].get!.operationId = 'ListPullRequests'), 'already used'],
    ['an operationId with a space', (d) => (listOf(d).operationId = 'List PRs'), 'letters, digits and underscores'],
    ['a summary with a period', (d) => (listOf(d).summary = 'List pull requests.'), 'drop the final period'],
    ['a summary over 80 characters', (d) => (listOf(d).summary = 'x'.repeat(81)), 'at most 80'],
    ['a summary with a hyphen', (d) => (listOf(d).summary = 'List signed-in pull requests'), 'letters, digits, spaces and parentheses'],
    ['a summary ending in a parenthesis', (d) => (listOf(d).summary = 'List pull requests (all)'), 'ending with a letter or digit'],
    ['an operation without x-ms-visibility', (d) => delete listOf(d)['x-ms-visibility'], 'give the operation x-ms-visibility'],
    ['a parameter named connectionId', (d) => (listOf(d).parameters[0].name = 'connectionId'), 'connectionId is reserved'],
    ['a path parameter without x-ms-url-encoding', (d) => delete pathParameterOf(d)['x-ms-url-encoding'], "x-ms-url-encoding: 'single'"],
    ['the description equal to the summary', (d) => (listOf(d).description = listOf(d).summary), 'say more than the summary'],
    ['a parameter without x-ms-summary', (d) => (listOf(d).parameters[0]['x-ms-summary'] = ''), 'add x-ms-summary'],
    ['an unknown x-ms-visibility', (d) => Object.assign(listOf(d).parameters[0], { 'x-ms-visibility': 'hidden' }), 'important, advanced or internal'],
    ['a required internal parameter without default', (d) => Object.assign(listOf(d).parameters[0], { required: true, 'x-ms-visibility': 'internal' }), 'needs a default'],
    ['a path placeholder without a parameter', (d) => (d.paths['/Me/{x}'] = { get: { ...d.paths['/Me'].get!, operationId: 'GetMeX' } }), 'declare a path parameter for {x}'],
    ['a nextLinkName the response lacks', (d) => (listOf(d)['x-ms-pageable'] = { nextLinkName: 'next' }), "'next' is not a property"],
    ['a response property without x-ms-summary', (d) => delete d.definitions.PullRequest.properties!.Title['x-ms-summary'], 'definitions.PullRequest.properties.Title'],
    ['basic authentication', (d) => Object.assign(d.securityDefinitions.oauth2_auth, { flow: 'implicit' }), 'flow accessCode'],
    ['a testConnection operation that does not exist', (d) => (d['x-ms-capabilities'] = { testConnection: { operationId: 'Nope', parameters: {} } }), 'operation Nope does not exist'],
    ['a definition over the size limit', (d) => (d.info.description = 'x'.repeat(MAX_DEFINITION_BYTES)), 'Power Platform accepts less than'],
  ];

  test.each(cases)('%s', (_name, mutate, message) => {
    const document = buildApiDefinition(fixtureModel, options);
    expect(checkConnectorRules(document)).toEqual([]);
    mutate(document);
    const violations = checkConnectorRules(document).map((v) => `${v.at}: ${v.message}`);
    expect(violations.join('\n')).toContain(message);
  });

  test('OA-01: apiProperties must name the same OAuth endpoints', () => {
    const definition = buildApiDefinition(fixtureModel, options);
    const properties = buildApiProperties({ ...options, oauthBaseUrl: 'https://elsewhere.example' }, definition);
    expect(checkConnectorRules(definition, properties).map((v) => v.message)).toEqual([
      'authorizationUrl and tokenUrl must equal those of securityDefinitions',
    ]);
  });
});

describe('write bodies say what Bitbucket needs, as the gateway validates it', () => {
  const definition = buildApiDefinition(realModel, options);
  const bodyOf = (operationId: string) => {
    const operation = operationsFor(realModel).find((op) => op.operation.operationId === operationId)?.operation;
    const body = operation?.parameters.find((p) => p.in === 'body');
    const ref = body && 'schema' in body ? body.schema.$ref : undefined;
    return ref === undefined ? undefined : definition.definitions[ref.replace('#/definitions/', '')];
  };

  // The gateway's own JSON Schemas (schemas/*.json) are the rules a write must pass; the connector repeats them.
  test.each(ENTITY_SETS.filter((def) => def.writes?.insert).map((def) => [def.name, def] as const))('create %s', (_name, def) => {
    const gateway = writeSchema(def, 'create');
    const connector = bodyOf(`Create${def.typeName}`);
    expect(Object.keys(connector?.properties ?? {})).toEqual(Object.keys(gateway.properties as object));
    expect(connector?.required ?? []).toEqual(gateway.required);
    for (const name of connector?.required ?? []) expect(connector?.properties?.[name]['x-ms-visibility']).toBe('important');
  });

  test.each(ENTITY_SETS.filter((def) => def.writes?.update).map((def) => [def.name, def] as const))('update %s', (_name, def) => {
    const connector = bodyOf(`Update${def.typeName}`);
    expect(Object.keys(connector?.properties ?? {})).toEqual(Object.keys(writeSchema(def, 'update').properties as object));
    expect(connector?.required).toBeUndefined();
  });

  test('a pull request needs its repository, title and source branch; its source branch cannot change later', () => {
    expect(bodyOf('CreatePullRequest')?.required).toEqual(['Workspace', 'RepositorySlug', 'Title', 'SourceBranch']);
    expect(Object.keys(bodyOf('UpdatePullRequest')?.properties ?? {})).not.toContain('SourceBranch');
  });

  test('closed value lists become drop-downs (enum), for properties and action parameters', () => {
    const merge = operationsFor(realModel).find((op) => op.operation.operationId === 'MergePullRequest')?.operation;
    const body = merge?.parameters.find((p) => p.in === 'body');
    const strategy = body && 'schema' in body ? body.schema.properties?.MergeStrategy : undefined;
    expect(strategy?.enum).toEqual(['merge_commit', 'squash', 'fast_forward']);
  });
});

describe('the webhook trigger', () => {
  const triggers = webhookTriggers();
  const definition = buildApiDefinition(realModel, options, triggers);
  const [registration] = Object.entries(definition.paths).flatMap(([where, item]) => Object.values(item).filter((op) => op['x-ms-trigger']).map((op) => ({ where, op })));
  const body = registration.op.parameters.find((p) => p.in === 'body');
  const schema = body && 'schema' in body ? body.schema : {};

  test('subscribes through the navigation from the repository, beside the plain Create', () => {
    expect(registration.where).toBe("/Repositories(Workspace='{Workspace}',Slug='{Slug}')/Webhooks");
    expect(registration.op).toMatchObject({ operationId: 'WhenRepositoryEventOccurs', 'x-ms-trigger': 'single', summary: 'When a repository event occurs' });
    expect(definition.paths['/Webhooks'].post?.operationId).toBe('CreateWebhook');
  });

  test('the callback URL is hidden and filled by the platform; the event is a drop-down; the rest are fixed', () => {
    expect(schema.properties?.Url).toMatchObject({ type: 'string', 'x-ms-notification-url': true, 'x-ms-visibility': 'internal' });
    expect(schema.properties?.Events).toMatchObject({ default: 'pullrequest:created', 'x-ms-visibility': 'important' });
    expect(schema.properties?.Active).toMatchObject({ default: true, 'x-ms-visibility': 'internal' });
    expect(schema.required).toEqual(['Url', 'Events', 'Active', 'Description']);
  });

  test("offers only events Bitbucket's webhook_subscription knows, and none of the retired issue tracker", () => {
    const reference = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/reference/bitbucket-cloud-openapi.json'), 'utf8')) as {
      definitions: Record<string, { allOf: Array<{ properties?: { events?: { items: { enum: string[] } } } }> }>;
    };
    const known = reference.definitions.webhook_subscription.allOf.find((part) => part.properties?.events)?.properties?.events?.items.enum ?? [];
    const offered = schema.properties?.Events.enum ?? [];
    expect(offered.length).toBeGreaterThan(10);
    expect(offered.filter((event) => !known.includes(event))).toEqual([]);
    expect(offered.filter((event) => event.startsWith('issue:'))).toEqual([]);
  });

  test('the 201 schema is the event payload, nested as Bitbucket posts it', () => {
    const payload = registration.op.responses['201'].schema;
    expect(payload?.properties?.pullrequest.properties?.source.properties?.branch.properties?.name).toMatchObject({ type: 'string' });
    expect(payload?.properties?.push.properties?.changes).toMatchObject({ type: 'array', items: { type: 'object' } });
    expect(payload?.properties?.push.properties?.changes.items?.properties?.new.properties?.target.properties?.hash).toMatchObject({ type: 'string' });
  });

  const triggerCases: Array<[string, (body: SwaggerSchemaLike) => void, string]> = [
    ['no notification URL property', (b) => delete b.properties.Url['x-ms-notification-url'], 'exactly one body property with x-ms-notification-url'],
    ['a visible notification URL', (b) => (b.properties.Url['x-ms-visibility'] = 'advanced'), 'hide the notification URL property'],
    ['a hidden required property without default', (b) => delete b.properties.Active.default, 'needs a default value'],
  ];
  type SwaggerSchemaLike = { properties: Record<string, Record<string, unknown>> };
  test.each(triggerCases)('checkConnectorRules refuses %s', (_name, mutate, message) => {
    const document = structuredClone(definition);
    const op = Object.values(document.paths).flatMap((item) => Object.values(item)).find((candidate) => candidate['x-ms-trigger']);
    const parameter = op?.parameters.find((p) => p.in === 'body');
    mutate((parameter && 'schema' in parameter ? parameter.schema : {}) as SwaggerSchemaLike);
    expect(checkConnectorRules(document).map((v) => v.message).join('\n')).toContain(message);
  });
});

/**
 * Client rules CC-01, CC-03..CC-06, CC-08 and CC-10 (from Microsoft's
 * certification-swagger-validator-rules, github.com/microsoft/PowerPlatformConnectors, and the custom connector FAQ,
 * learn.microsoft.com/connectors/custom-connectors/faq), checked on the definition the gateway serves
 * (its model and webhook trigger).
 */
describe('client rules on the generated connector (§2.E)', () => {
  const definition = buildApiDefinition(realModel, options, webhookTriggers());
  type Operation = (typeof definition.paths)[string][keyof (typeof definition.paths)[string]] & object;
  const operations = Object.entries(definition.paths).flatMap(([where, item]) =>
    Object.entries(item).map(([method, op]) => ({ where, method, op: op as NonNullable<Operation> })),
  );
  type Schema = { $ref?: string; type?: string; items?: Schema; properties?: Record<string, Schema>; allOf?: Schema[] };
  const definitions = definition.definitions as Record<string, Schema>;

  /** Schema objects reachable from `schema`, following $refs once each; `loops` collects a $ref reached from itself. */
  function countSchemas(schema: Schema | undefined, path: string[] = [], loops: string[] = []): number {
    if (!schema) return 0;
    if (schema.$ref) {
      const name = schema.$ref.replace('#/definitions/', '');
      if (path.includes(name)) {
        loops.push([...path, name].join(' → '));
        return 1;
      }
      return 1 + countSchemas(definitions[name], [...path, name], loops);
    }
    const children = [...Object.values(schema.properties ?? {}), ...(schema.items ? [schema.items] : []), ...(schema.allOf ?? [])];
    return 1 + children.reduce((sum, child) => sum + countSchemas(child, path, loops), 0);
  }
  const bodySchema = (op: NonNullable<Operation>) => {
    const body = op.parameters.find((p) => p.in === 'body');
    return body && 'schema' in body ? (body.schema as Schema) : undefined;
  };

  test('CC-01: swagger 2.0, under 1 MB, at most 256 operations, 512 schemas per body and 16,384 per operation', () => {
    expect(definition.swagger).toBe('2.0');
    expect(Buffer.byteLength(JSON.stringify(definition))).toBeLessThan(1024 * 1024);
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.length).toBeLessThanOrEqual(256);
    for (const { op } of operations) {
      const body = countSchemas(bodySchema(op));
      const all = body + Object.values(op.responses).reduce((sum, response) => sum + countSchemas((response as { schema?: Schema }).schema), 0);
      expect({ operation: op.operationId, bodyOk: body <= 512, allOk: all <= 16_384 }).toEqual({ operation: op.operationId, bodyOk: true, allOk: true });
    }
  });

  test('CC-03: unique PascalCase alphanumeric operationIds; summaries of at most 80 characters without / or a final period; full-sentence descriptions', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { op } of operations) {
      expect({ id: op.operationId, ok: /^[A-Z][A-Za-z0-9]*$/.test(op.operationId) }).toEqual({ id: op.operationId, ok: true });
      expect({ id: op.operationId, summary: op.summary.length <= 80 && !op.summary.includes('/') && !/\.$/.test(op.summary) }).toEqual({ id: op.operationId, summary: true });
      expect({ id: op.operationId, description: /^[A-Z].*[.!?]$/s.test(op.description ?? '') }).toEqual({ id: op.operationId, description: true });
    }
  });

  test('CC-03: every operation has x-ms-visibility, and its summary is letters, digits, spaces or parentheses, ending alphanumeric', () => {
    for (const { op } of operations) {
      expect({ id: op.operationId, visibility: ['important', 'advanced', 'internal'].includes(String((op as Record<string, unknown>)['x-ms-visibility'])) }).toEqual({ id: op.operationId, visibility: true });
      expect({ id: op.operationId, summary: /^[A-Za-z0-9 ()]*[A-Za-z0-9]$/.test(op.summary) }).toEqual({ id: op.operationId, summary: true });
    }
  });

  test('CC-04: every parameter has an x-ms-summary in capitals and a description; string path parameters are required and once-encoded; no connectionId; an internal parameter with a default is required', () => {
    for (const { op } of operations) {
      for (const parameter of op.parameters) {
        const p = parameter as unknown as Record<string, unknown> & { name: string; in: string; required?: boolean; type?: string };
        const where = `${op.operationId}.${p.name}`;
        expect({ where, summary: /^[A-Z$]/.test(String(p['x-ms-summary'] ?? '')), description: String(p.description ?? '').length > 0 }).toEqual({ where, summary: true, description: true });
        expect(p.name.toLowerCase()).not.toBe('connectionid');
        if (p['x-ms-visibility'] === 'internal' && p.default !== undefined) expect({ where, required: p.required }).toEqual({ where, required: true });
        if (p.in === 'path') expect({ where, required: p.required }).toEqual({ where, required: true });
        if (p.in === 'path' && p.type === 'string') expect({ where, encoding: p['x-ms-url-encoding'] }).toEqual({ where, encoding: 'single' });
      }
    }
  });

  test('CC-04: every path parameter, numeric ones too, has x-ms-url-encoding single', () => {
    for (const { op } of operations) {
      for (const p of op.parameters.filter((candidate) => candidate.in === 'path') as unknown as Array<Record<string, unknown> & { name: string }>) {
        expect({ where: `${op.operationId}.${p.name}`, encoding: p['x-ms-url-encoding'] }).toEqual({ where: `${op.operationId}.${p.name}`, encoding: 'single' });
      }
    }
  });

  test('CC-05: exactly one success response, with a non-empty schema unless it is 204; default has no schema; arrays have items; no $ref loops', () => {
    const loops: string[] = [];
    for (const { op } of operations) {
      const success = Object.keys(op.responses).filter((code) => /^2\d\d$/.test(code));
      expect({ id: op.operationId, success: success.length, known: success.every((code) => ['200', '201', '204'].includes(code)) }).toEqual({ id: op.operationId, success: 1, known: true });
      const code = success[0] as string;
      const schema = (op.responses[code] as { schema?: Schema }).schema;
      if (code === '204') expect(schema).toBeUndefined();
      else expect({ id: op.operationId, schema: schema !== undefined && (schema.$ref !== undefined || Object.keys(schema.properties ?? {}).length > 0 || schema.items !== undefined) }).toEqual({ id: op.operationId, schema: true });
      expect((op.responses.default as { schema?: Schema } | undefined)?.schema).toBeUndefined();
      countSchemas(schema, [], loops);
      countSchemas(bodySchema(op), [], loops);
    }
    expect(loops).toEqual([]);
    const arraysWithoutItems: string[] = [];
    const visit = (schema: Schema | undefined, at: string): void => {
      if (!schema) return;
      if (schema.type === 'array' && !schema.items) arraysWithoutItems.push(at);
      for (const [name, child] of Object.entries(schema.properties ?? {})) visit(child, `${at}.${name}`);
      visit(schema.items, `${at}[]`);
    };
    for (const [name, schema] of Object.entries(definitions)) visit(schema, name);
    for (const { op } of operations) {
      visit(bodySchema(op), `${op.operationId} body`);
      for (const [code, response] of Object.entries(op.responses)) visit((response as { schema?: Schema }).schema, `${op.operationId} ${code}`);
    }
    expect(arraysWithoutItems).toEqual([]);
  });

  test('CC-06: produces and consumes are application/json, and no operation says otherwise', () => {
    expect(definition.produces).toEqual(['application/json']);
    expect(definition.consumes).toEqual(['application/json']);
    for (const { op } of operations) {
      const own = op as { produces?: string[]; consumes?: string[] };
      for (const types of [own.produces, own.consumes]) if (types) expect(types).toEqual(['application/json']);
    }
  });

  test('CC-08: list operations offer $filter, $select, $orderby and $top as query parameters (never internal); $skiptoken travels in the nextLink', () => {
    const lists = operations.filter(({ op }) => op['x-ms-pageable']);
    expect(lists.length).toBeGreaterThan(10);
    for (const { op } of lists) {
      const query = new Map(op.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p as unknown as Record<string, unknown>]));
      for (const name of ['$filter', '$select', '$orderby', '$top']) {
        expect({ id: op.operationId, name, visibility: query.get(name)?.['x-ms-visibility'] }).toEqual({ id: op.operationId, name, visibility: expect.stringMatching(/^(important|advanced)$/) });
      }
      // Power Automate's pagination follows @odata.nextLink, which carries the signed $skiptoken (api-properties.spec
      // checks the updatenextlink policy, connector-route.spec walks it): no client builds a $skiptoken itself.
      expect(op['x-ms-pageable']).toEqual({ nextLinkName: '@odata.nextLink' });
    }
  });

  test('CC-10: the webhook trigger is single, has a required internal x-ms-notification-url property, a 201 payload schema, and a DELETE for the Location it answers', () => {
    const triggers = operations.filter(({ op }) => op['x-ms-trigger']);
    expect(triggers.length).toBeGreaterThan(0);
    for (const { where, method, op } of triggers) {
      expect(method).toBe('post');
      expect(op['x-ms-trigger']).toBe('single');
      const schema = bodySchema(op) as Schema & { required?: string[]; properties: Record<string, Record<string, unknown>> };
      const notification = Object.entries(schema.properties).filter(([, property]) => property['x-ms-notification-url'] === true);
      expect(notification.length).toBe(1);
      const [name, property] = notification[0] as [string, Record<string, unknown>];
      expect(property['x-ms-visibility']).toBe('internal');
      expect(schema.required).toContain(name);
      expect(countSchemas((op.responses['201'] as { schema?: Schema }).schema)).toBeGreaterThan(5);
      // The 201's Location is the created webhook's canonical URL (webhook-trigger.spec follows it to unsubscribe):
      // the set the navigation creates in must have a by-key DELETE.
      const target = /\/(\w+)$/.exec(where)?.[1];
      const byKey = Object.keys(definition.paths).find((path) => path.startsWith(`/${target}(`));
      expect(byKey && definition.paths[byKey].delete).toBeDefined();
    }
  });
});
