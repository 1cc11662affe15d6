/**
 * The connector served by the gateway (`/connector/…`), and proof that it describes the gateway truthfully: every
 * read operation of the definition, called the way Power Platform calls it (host + basePath + path, path parameters
 * filled in and encoded as x-ms-url-encoding says, Bearer token), answers with what its response schema declares, and
 * following `@odata.nextLink` (x-ms-pageable) walks a whole set once.
 */
import Ajv from 'ajv';
import type { ApiProperties, OAuthConnectionParameter, SwaggerDocument } from '../../src/connector';
import type { SwaggerPrimitiveParameter, SwaggerSchema } from '../../src/connector/swagger-types';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let definition: SwaggerDocument;

beforeAll(async () => {
  // A small page size so that paging happens with the seeded data; gw.test is a host this gateway answers to.
  stack = await startStack({ config: { maxPageSize: 7 }, env: { ALLOWED_HOSTS: 'gw.test' } });
  definition = (await stack.request.get('/connector/apiDefinition.swagger.json').set('Host', 'gw.test:8080')).body;
});
afterAll(() => stack.close());

const get = (url: string) => stack.request.get(url).set('Authorization', DEMO_BEARER);

/** Fill a path template the way Power Platform does: single encoding = encodeURIComponent once. */
function fillPath(path: string, parameters: SwaggerPrimitiveParameter[], row: Record<string, unknown>): string {
  return parameters
    .filter((p) => p.in === 'path')
    .reduce((filled, p) => filled.replace(`{${p.name}}`, encodeURIComponent(String(row[p.name]))), path);
}

/**
 * The structural properties of a response definition: those that are not navigation. The model has no complex or
 * collection-valued structural properties, so objects and arrays are exactly the navigation properties $expand fills.
 */
function structuralNames(schema: SwaggerSchema): string[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, property]) => property.type !== 'object' && property.type !== 'array')
    .map(([name]) => name);
}

/** OpenAPI 2.0 cannot say null; AutoRest's x-nullable can. As JSON Schema for ajv: `type: [type, 'null']`. */
function toJsonSchema(schema: SwaggerSchema): Record<string, unknown> {
  const { properties, items, ...rest } = schema;
  return {
    ...rest,
    ...(schema['x-nullable'] && schema.type ? { type: [schema.type, 'null'] } : {}),
    ...(properties ? { properties: Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, toJsonSchema(property)])) } : {}),
    ...(items ? { items: toJsonSchema(items) } : {}),
  };
}

/** A validator for an operation's 200 answer, its $refs resolved against the definition's definitions. */
function responseValidator(operationId: string) {
  const operation = Object.values(definition.paths).flatMap((item) => (item.get ? [item.get] : [])).find((op) => op.operationId === operationId)!;
  const definitions = Object.fromEntries(Object.entries(definition.definitions).map(([name, schema]) => [name, toJsonSchema(schema)]));
  return new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile({ ...toJsonSchema(operation.responses['200'].schema!), definitions });
}

describe('served files', () => {
  test('the definition takes host and base path from the request when PUBLIC_URL is not set', () => {
    expect([definition.swagger, definition.host, definition.basePath, definition.schemes]).toEqual(['2.0', 'gw.test:8080', '/odata', ['http']]);
  });

  test('PUBLIC_URL and BITBUCKET_OAUTH_URL configure host, base path and the OAuth endpoints', async () => {
    const configured = await startStack({ env: { PUBLIC_URL: 'https://data.example.com/bitbucket', BITBUCKET_OAUTH_URL: 'https://bitbucket.example' } });
    try {
      const served = await configured.request.get('/connector/apiDefinition.swagger.json');
      expect(served.status).toBe(200);
      expect([served.body.host, served.body.basePath, served.body.schemes]).toEqual(['data.example.com', '/bitbucket/odata', ['https']]);
      expect(served.body.securityDefinitions.oauth2_auth.authorizationUrl).toBe('https://bitbucket.example/site/oauth2/authorize');
      const properties = await configured.request.get('/connector/apiProperties.json');
      expect(properties.status).toBe(200);
      const oauth = (properties.body as ApiProperties).properties.connectionParameterSets.values.find((set) => set.name === 'oauth');
      expect((oauth?.parameters.token as OAuthConnectionParameter).oAuthSettings.customParameters.tokenUrl.value).toBe(
        'https://bitbucket.example/site/oauth2/access_token',
      );
    } finally {
      await configured.close();
    }
  });

  test('no credentials are needed to fetch them', async () => {
    const response = await stack.request.get('/connector/apiProperties.json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('every read operation works against the gateway', () => {
  const operations = () =>
    Object.entries(definition.paths).flatMap(([path, item]) => (item.get ? [{ path, operation: item.get }] : []));

  test('lists answer a page whose rows have exactly the properties of the response schema', async () => {
    const lists = operations().filter(({ operation }) => operation['x-ms-pageable']);
    expect(lists.length).toBeGreaterThan(5);
    for (const { path, operation } of lists) {
      // A set listed per commit is refused over every repository (FanOutTooWide, more commits than MAX_FAN_OUT):
      // its page is read within one repository.
      const scope = operation.operationId === 'ListCommitStatuses' ? `&$filter=${encodeURIComponent("Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'")}` : '';
      const response = await get(`${definition.basePath}${path}?$top=3${scope}`);
      expect({ operation: operation.operationId, status: response.status }).toEqual({ operation: operation.operationId, status: 200 });
      const typeName = operation.responses['200'].schema?.properties?.value.items?.$ref?.split('/').pop() ?? '';
      // Without $expand, a row has the structural properties only; navigation properties appear when expanded.
      const declared = structuralNames(definition.definitions[typeName]);
      for (const row of response.body.value) expect(Object.keys(row).filter((k) => !k.startsWith('@'))).toEqual(declared);
    }
  });

  test('by-key reads, with the key of a listed row filled into the path, answer that row', async () => {
    const gets = operations().filter(({ path }) => path.includes('('));
    const failures: string[] = [];
    let checked = 0;
    for (const { path, operation } of gets) {
      const setPath = path.slice(0, path.indexOf('('));
      const listed = await get(`${definition.basePath}${setPath}?$top=1`);
      const row = listed.body.value?.[0];
      if (!row) continue; // the seed has none of this set for the demo user
      const url = `${definition.basePath}${fillPath(path, operation.parameters as SwaggerPrimitiveParameter[], row)}`;
      const response = await get(url);
      const keysMatch = operation.parameters.filter((p) => p.in === 'path').every((p) => response.body[p.name] === row[p.name]);
      if (response.status !== 200 || !keysMatch) failures.push(`${operation.operationId}: GET ${url} answered ${response.status} ${response.body?.error?.code ?? ''}`);
      checked += 1;
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(5);
  });

  test('a branch name with / is addressed through its once-encoded key', async () => {
    const branches = await get(`${definition.basePath}/Branches?$filter=contains(Name,'/')&$top=1`);
    const row = branches.body.value?.[0];
    expect(row).toBeDefined();
    const { path, operation } = operations().find(({ operation }) => operation.operationId === 'GetBranch')!;
    const response = await get(`${definition.basePath}${fillPath(path, operation.parameters as SwaggerPrimitiveParameter[], row)}`);
    expect(response.status).toBe(200);
    expect(response.body.Name).toBe(row.Name);
  });

  test('a list with $expand of a single-valued navigation answers the related entity as the schema describes it', async () => {
    const { path, operation } = operations().find(({ operation }) => operation.operationId === 'ListPullRequests')!;
    expect(operation.parameters.map((p) => p.name)).toContain('$expand');
    // Power Platform sends query parameter values encoded once.
    const expand = encodeURIComponent('Repository($select=Name,Slug)');
    const response = await get(`${definition.basePath}${path}?$top=3&$expand=${expand}`);
    expect(response.status).toBe(200);
    const rows = response.body.value as Array<Record<string, unknown>>;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const related = row.Repository as Record<string, unknown>;
      expect(Object.keys(related).filter((k) => !k.startsWith('@'))).toEqual(['Name', 'Slug']);
      expect(related.Slug).toBe(row.RepositorySlug);
    }
    const validate = responseValidator('ListPullRequests');
    expect(validate(response.body) ? [] : validate.errors).toEqual([]);
    // The validator does look inside the expansion: a repository that is not an object fails.
    expect(validate({ value: [{ ...rows[0], Repository: 'acme/app' }] })).toBe(false);
  });

  test('a by-key read with $expand of a collection answers an array of related entities as the schema describes them', async () => {
    const { path, operation } = operations().find(({ operation }) => operation.operationId === 'GetRepository')!;
    expect(operation.parameters.map((p) => p.name)).toContain('$expand');
    // A repository that has pull requests: the one of the first listed pull request.
    const listed = await get(`${definition.basePath}/PullRequests?$top=1&$select=Workspace,RepositorySlug`);
    const pullRequest = listed.body.value[0] as { Workspace: string; RepositorySlug: string };
    const filled = fillPath(path, operation.parameters as SwaggerPrimitiveParameter[], { Workspace: pullRequest.Workspace, Slug: pullRequest.RepositorySlug });
    const response = await get(`${definition.basePath}${filled}?$expand=${encodeURIComponent('PullRequests($top=2)')}`);
    expect(response.status).toBe(200);
    const related = response.body.PullRequests as Array<Record<string, unknown>>;
    expect(related.length).toBeGreaterThan(0);
    expect(related.length).toBeLessThanOrEqual(2);
    const itemSchema = definition.definitions.Repository.properties?.PullRequests.items ?? {};
    for (const item of related) {
      expect(Object.keys(item).filter((k) => !k.startsWith('@'))).toEqual(Object.keys(itemSchema.properties ?? {}));
      expect([item.Workspace, item.RepositorySlug]).toEqual([pullRequest.Workspace, pullRequest.RepositorySlug]);
    }
    const validate = responseValidator('GetRepository');
    expect(validate(response.body) ? [] : validate.errors).toEqual([]);
  });

  test('the connection test operation answers with a credential', async () => {
    const id = definition['x-ms-capabilities']?.testConnection.operationId;
    const { path } = operations().find(({ operation }) => operation.operationId === id)!;
    expect((await get(`${definition.basePath}${path}`)).status).toBe(200);
  });

  test('following @odata.nextLink (x-ms-pageable) walks a whole set once, as Power Automate pagination does', async () => {
    const list = definition.paths['/Repositories'].get!;
    const nextLinkName = list['x-ms-pageable']!.nextLinkName;
    const total = Number((await get(`${definition.basePath}/Repositories/$count`)).text);
    const seen: string[] = [];
    let url: string | undefined = `${definition.basePath}/Repositories?$select=Workspace,Slug`;
    let pages = 0;
    while (url) {
      const response = await get(url.replace(/^https?:\/\/[^/]+/, ''));
      expect(response.status).toBe(200);
      seen.push(...response.body.value.map((r: { Workspace: string; Slug: string }) => `${r.Workspace}/${r.Slug}`));
      url = response.body[nextLinkName];
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(total / 7));
    expect(new Set(seen).size).toBe(total);
  });
});
