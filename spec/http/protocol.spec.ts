/**
 * Protocol: service document, $metadata, headers, entity by key, navigation, $count, server-driven paging, and
 * the shape and status of every error the read path answers.
 */
import { XMLParser } from 'fast-xml-parser';
import type { Response } from 'supertest';
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let ws: string;
let repo: string;

const get = (url: string) => stack.request.get(url).set('Authorization', DEMO_BEARER);

beforeAll(async () => {
  stack = await startStack();
  const repos = await get(`/odata/Repositories?$filter=Workspace eq 'acme-dev'&$orderby=Slug&$select=Workspace,Slug`);
  ws = repos.body.value[0].Workspace;
  repo = repos.body.value[0].Slug;
});
afterAll(() => stack.close());

describe('service document and $metadata', () => {
  test('the service document lists every entity set and the singleton', async () => {
    const response = await get('/odata/');
    expect(response.status).toBe(200);
    expect(response.headers['odata-version']).toBe('4.0');
    expect(response.headers['content-type']).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(response.body['@odata.context']).toMatch(/\/odata\/\$metadata$/);
    const names = response.body.value.map((entry: { name: string }) => entry.name).sort();
    expect(names).toEqual(ENTITY_SETS.map((set) => set.name).sort());
    expect(response.body.value.find((entry: { name: string }) => entry.name === 'Me').kind).toBe('Singleton');
  });

  test('$metadata is well-formed CSDL naming every set, key and property', async () => {
    const response = await get('/odata/$metadata');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/xml/);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (_name, _path, _leaf, isAttribute) => !isAttribute }).parse(response.text);
    const schemas = doc['edmx:Edmx'][0]['edmx:DataServices'][0].Schema;
    const schema = schemas.find((s: Record<string, string>) => s['@_Namespace'] === 'Bitbucket');
    const types = new Map<string, { Key: Array<{ PropertyRef: Array<Record<string, string>> }>; Property: Array<Record<string, string>> }>(
      schema.EntityType.map((t: Record<string, never>) => [t['@_Name'], t]),
    );
    for (const def of ENTITY_SETS) {
      const type = types.get(def.typeName);
      expect(type).toBeDefined();
      expect(type?.Key[0].PropertyRef.map((ref) => ref['@_Name'])).toEqual(def.key);
      expect(type?.Property.map((p) => p['@_Name'])).toEqual(def.properties.map((p) => p.name));
    }
    expect(response.text).toMatch(/Capabilities(\.V1)?\.CountRestrictions/);
  });

  test('$metadata answers CSDL JSON when asked with $format=json', async () => {
    const response = await get('/odata/$metadata?$format=json');
    expect(response.status).toBe(200);
    expect(response.body.$Version).toBeDefined();
  });

  test('the app without credentials answers 401 with a challenge for both schemes', async () => {
    const response = await stack.request.get('/odata/Repositories');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Basic realm="Bitbucket", Bearer');
    expect(response.body.error.code).toBe('Unauthorized');
  });
});

describe('addressing', () => {
  test('entity by composite key', async () => {
    const response = await get(`/odata/Repositories(Workspace='${ws}',Slug='${repo}')`);
    expect(response.status).toBe(200);
    expect(response.body['@odata.context']).toMatch(/\$metadata#Repositories\/\$entity$/);
    expect(response.body.Slug).toBe(repo);
  });

  test('a missing entity is 404 with an OData error', async () => {
    const response = await get(`/odata/Repositories(Workspace='${ws}',Slug='no-such-repo')`);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('EntityNotFound');
  });

  test('navigation from a repository to its pull requests, and to one of them by key', async () => {
    const list = await get(`/odata/Repositories(Workspace='${ws}',Slug='${repo}')/PullRequests?$select=Id,Workspace,RepositorySlug`);
    expect(list.status).toBe(200);
    expect(list.body.value.length).toBeGreaterThan(0);
    for (const row of list.body.value) expect([row.Workspace, row.RepositorySlug]).toEqual([ws, repo]);
    const id = list.body.value[0].Id;
    const one = await get(`/odata/Repositories(Workspace='${ws}',Slug='${repo}')/PullRequests(Id=${id})`);
    expect(one.status).toBe(200);
    expect(one.body.Id).toBe(id);
  });

  test('navigation from a missing parent is 404, not an empty list', async () => {
    const response = await get(`/odata/Repositories(Workspace='${ws}',Slug='nope')/PullRequests`);
    expect(response.status).toBe(404);
  });

  test('a property and its raw $value', async () => {
    const json = await get(`/odata/Repositories(Workspace='${ws}',Slug='${repo}')/Slug`);
    expect(json.status).toBe(200);
    expect(json.body.value).toBe(repo);
    const raw = await get(`/odata/Repositories(Workspace='${ws}',Slug='${repo}')/Slug/$value`);
    expect(raw.status).toBe(200);
    expect(raw.text).toBe(repo);
  });

  test('the Me singleton', async () => {
    const response = await get('/odata/Me');
    expect(response.status).toBe(200);
    expect(response.body.DisplayName).toBe('Demo User');
  });

  test('/$count and $count=true agree', async () => {
    const count = await get(`/odata/PullRequests/$count?$filter=Workspace eq '${ws}'`);
    expect(count.status).toBe(200);
    expect(count.headers['content-type']).toMatch(/^text\/plain/);
    const inline = await get(`/odata/PullRequests?$filter=Workspace eq '${ws}'&$count=true&$top=0`);
    expect(inline.body['@odata.count']).toBe(Number(count.text));
    expect(inline.body.value).toEqual([]);
  });
});

describe('server-driven paging', () => {
  test('nextLink paging walks the whole set exactly once, honouring odata.maxpagesize', async () => {
    const all = await get(`/odata/PullRequests?$filter=Workspace eq '${ws}'&$select=Workspace,RepositorySlug,Id&$count=true`);
    const total = all.body['@odata.count'];
    expect(all.body.value).toHaveLength(total);
    const seen: string[] = [];
    let next: string | undefined = `/odata/PullRequests?$filter=Workspace eq '${ws}'&$select=Workspace,RepositorySlug,Id`;
    let pages = 0;
    while (next) {
      const response: Response = await get(next.replace(/^https?:\/\/[^/]+/, '')).set('Prefer', 'odata.maxpagesize=37');
      expect(response.status).toBe(200);
      expect(response.headers['preference-applied']).toBe('odata.maxpagesize=37');
      expect(response.body.value.length).toBeLessThanOrEqual(37);
      seen.push(...response.body.value.map((r: { RepositorySlug: string; Id: number }) => `${r.RepositorySlug}#${r.Id}`));
      next = response.body['@odata.nextLink'];
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(total / 37));
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual(all.body.value.map((r: { RepositorySlug: string; Id: number }) => `${r.RepositorySlug}#${r.Id}`));
  });

  test('a tampered skiptoken is refused', async () => {
    const first = await get(`/odata/PullRequests?$filter=Workspace eq '${ws}'`).set('Prefer', 'odata.maxpagesize=5');
    const next: string = first.body['@odata.nextLink'];
    const tampered = next.replace(/skiptoken=([^&]*)/, (_m, token: string) => `skiptoken=${token.slice(0, -2)}xx`);
    const response = await get(tampered.replace(/^https?:\/\/[^/]+/, ''));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidSkipToken');
  });

  test('a skiptoken replayed on another query is refused', async () => {
    const first = await get(`/odata/PullRequests?$filter=Workspace eq '${ws}'`).set('Prefer', 'odata.maxpagesize=5');
    const token = /skiptoken=([^&]*)/.exec(first.body['@odata.nextLink'])?.[1];
    const response = await get(`/odata/PullRequests?$filter=Workspace eq '${ws}' and State eq 'OPEN'&$skiptoken=${token}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidSkipToken');
  });
});

describe('errors: every bad input is a 4xx OData error that says what to fix', () => {
  const cases: Array<[string, string, number, string]> = [
    ['unknown entity set', '/odata/Issues', 404, 'EntitySetNotFound'],
    ['unknown property in $filter', "/odata/Repositories?$filter=Nope eq 'x'", 400, 'UnknownProperty'],
    ['unknown property in $select', '/odata/Repositories?$select=Nope', 400, 'UnknownProperty'],
    ['unknown property in $orderby', '/odata/Repositories?$orderby=Nope', 400, 'UnknownProperty'],
    ['type mismatch', "/odata/PullRequests?$filter=Id eq 'abc'", 400, 'TypeMismatch'],
    ['malformed filter', "/odata/Repositories?$filter=Name eq 'unterminated", 400, 'InvalidFilter'],
    ['negative $top', '/odata/Repositories?$top=-1', 400, 'InvalidQueryOption'],
    ['huge $top', '/odata/Repositories?$top=99999999999', 400, 'TopTooLarge'],
    ['unknown system query option', '/odata/Repositories?$frobnicate=1', 400, 'UnknownQueryOption'],
    ['a nested $expand is not implemented', '/odata/Repositories?$expand=PullRequests($expand=Comments)', 501, 'NotImplemented'],
    ['wrong key type', "/odata/PullRequests(Workspace='a',RepositorySlug='b',Id='x')", 400, 'InvalidKey'],
    ['missing key part', "/odata/PullRequests(Workspace='a',Id=1)", 400, 'InvalidKey'],
    ['$filter on a single entity', `/odata/Me?$filter=DisplayName eq 'x'`, 400, 'InvalidQueryOption'],
    ['an empty create body', '/odata/Repositories', 400, 'InvalidBody'],
    ['$batch', '/odata/$batch', 501, 'NotImplemented'],
    ['unsupported format', '/odata/Repositories?$format=atom', 406, 'NotAcceptable'],
  ];
  test.each(cases)('%s', async (_name, url, status, code) => {
    const response = url === '/odata/Repositories' ? await stack.request.post(url).set('Authorization', DEMO_BEARER).send({}) : url.endsWith('$batch') ? await stack.request.post(url).set('Authorization', DEMO_BEARER) : await get(url);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(typeof response.body.error.message).toBe('string');
    expect(response.body.error.message.length).toBeGreaterThan(10);
  });

  test('a 5,000-deep parenthesised $filter gets a 400, not a stack overflow', async () => {
    const deep = `${'('.repeat(5000)}Id eq 1${')'.repeat(5000)}`;
    const response = await get(`/odata/PullRequests?$filter=${encodeURIComponent(deep)}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('FilterTooDeep');
  });

  test('a 100 kB $filter gets a 400', async () => {
    const long = Array.from({ length: 5000 }, (_, i) => `Id eq ${i}`).join(' or ');
    const response = await stack.request.get(`/odata/PullRequests?$filter=${encodeURIComponent(long)}`).set('Authorization', DEMO_BEARER);
    // Node's HTTP parser answers 431 before the app for URLs over its header limit; the app answers 400/414 below it.
    expect([400, 414, 431]).toContain(response.status);
  });

  test('a query needing too wide a fan-out is refused before it starts hurting', async () => {
    const narrow = await startStack({ config: { maxFanOut: 3 } });
    try {
      const response = await narrow.request.get('/odata/PullRequests').set('Authorization', DEMO_BEARER);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('FanOutTooWide');
      expect(response.body.error.message).toContain('Workspace');
    } finally {
      await narrow.close();
    }
  });
});
