/**
 * Client rules PQ-01..22 (Power Query, Excel, Power BI wire protocol) and MD-01..08 ($metadata for ODataLib
 * consumers), one test per rule, named by its id. Requests carry Power Query's headers (see power-query-replay.spec.ts
 * for where they come from). Rules that cannot be tested here are listed in the README (Power BI section) with why.
 */
import { XMLParser } from 'fast-xml-parser';
import { DEMO_USER } from '../../sandbox/identities';
import { startStack, type Stack } from '../helpers/stack';
import { checkAnnotations } from './support/vocabulary-checker';

const PQ_ACCEPT =
  'application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7';
const HEADERS: Record<string, string> = {
  Accept: PQ_ACCEPT,
  'OData-MaxVersion': '4.0',
  MaxDataServiceVersion: '3.0',
  'User-Agent': 'Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)',
  Authorization: `Basic ${Buffer.from(`${DEMO_USER.email}:${DEMO_USER.apiToken}`).toString('base64')}`,
};
const PAGE_SIZE = 30;
const REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
const q = encodeURIComponent;

type Row = Record<string, unknown>;
type Node = Record<string, any>;

let stack: Stack;
let metadataXml: string;
let schema: Node;
let declared: Map<string, Map<string, { type: string; nullable: boolean }>>;

function feed(url: string, headers: Record<string, string> = {}) {
  const request = stack.request.get(url.replace(/^https?:\/\/[^/]+/, ''));
  for (const [name, value] of Object.entries({ ...HEADERS, ...headers })) request.set(name, value);
  return request;
}

async function walk(url: string, headers: Record<string, string> = {}): Promise<{ rows: Row[]; pages: number; links: string[] }> {
  const rows: Row[] = [];
  const links: string[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const response: { status: number; body: { value: Row[]; '@odata.nextLink'?: string } } = await feed(next, headers);
    expect({ next, status: response.status }).toEqual({ next, status: 200 });
    rows.push(...response.body.value);
    next = response.body['@odata.nextLink'];
    if (next) links.push(next);
    pages += 1;
  }
  return { rows, pages, links };
}

const dataKeys = (row: Row) => Object.keys(row).filter((key) => !key.includes('@'));

beforeAll(async () => {
  stack = await startStack({ config: { maxPageSize: PAGE_SIZE } });
  metadataXml = (await feed('/odata/$metadata')).text;
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (_n, _p, _l, isAttribute) => !isAttribute }).parse(metadataXml);
  schema = doc['edmx:Edmx'][0]['edmx:DataServices'][0].Schema.find((s: Node) => s['@_Namespace'] === 'Bitbucket');
  const types = new Map<string, Map<string, { type: string; nullable: boolean }>>(
    schema.EntityType.map((type: Node) => [`Bitbucket.${type['@_Name']}`, new Map(type.Property.map((p: Node) => [p['@_Name'], { type: p['@_Type'], nullable: p['@_Nullable'] !== 'false' }]))]),
  );
  const container = schema.EntityContainer[0];
  declared = new Map([...(container.EntitySet ?? []), ...(container.Singleton ?? [])].map((m: Node) => [m['@_Name'], types.get(m['@_EntityType'] ?? m['@_Type']) ?? new Map()]));
});
afterAll(() => stack.close());

describe('2.A Power Query wire protocol', () => {
  test("PQ-01: Power Query's Accept gets exactly minimal/streaming/IEEE754Compatible=false JSON; q-values are honoured", async () => {
    const response = await feed(`/odata/PullRequests?$top=1`);
    expect(response.headers['content-type']).toMatch(/^application\/json;odata\.metadata=minimal;odata\.streaming=true;IEEE754Compatible=false(;charset=utf-8)?$/);
    // Order does not matter, the highest q wins (NLstn/go-odata#913): XML first but at a lower q still gives JSON.
    const reordered = await feed('/odata/PullRequests?$top=1', { Accept: 'application/xml;q=0.5,application/json;odata.metadata=none;q=0.9' });
    expect(reordered.headers['content-type']).toMatch(/^application\/json;odata\.metadata=none/);
    // q=0 means "not acceptable": JSON refused is 406, never JSON anyway.
    const refused = await feed('/odata/PullRequests?$top=1', { Accept: 'application/json;q=0' });
    expect(refused.status).toBe(406);
  });

  test('PQ-02: exactly one OData-Version: 4.0 on data, $metadata, the service document, $count and errors', async () => {
    for (const url of ['/odata/', '/odata/$metadata', '/odata/PullRequests?$top=1', '/odata/PullRequests/$count', '/odata/NoSuchSet', "/odata/PullRequests?$filter=Nope eq 1"]) {
      const response = await feed(url);
      const raw = (response as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders.filter((_value: string, index: number) => index % 2 === 0).filter((name: string) => name.toLowerCase() === 'odata-version');
      expect({ url, count: raw.length, value: response.headers['odata-version'] }).toEqual({ url, count: 1, value: '4.0' });
    }
  });

  test('PQ-03: MaxDataServiceVersion: 3.0 together with OData-MaxVersion: 4.0 is answered as v4', async () => {
    const response = await feed('/odata/Repositories?$top=1');
    expect(response.status).toBe(200);
    expect(response.headers['odata-version']).toBe('4.0');
    expect(response.body['@odata.context']).toMatch(/\$metadata#Repositories$/);
  });

  test("PQ-04: $metadata is application/xml for Power Query's Accept and without one; CSDL JSON only when JSON alone is asked for", async () => {
    expect((await feed('/odata/$metadata')).headers['content-type']).toMatch(/^application\/xml/);
    expect((await stack.request.get('/odata/$metadata').set('Authorization', HEADERS.Authorization)).headers['content-type']).toMatch(/^application\/xml/);
    expect((await feed('/odata/$metadata', { Accept: 'application/json' })).headers['content-type']).toMatch(/^application\/json/);
  });

  test('PQ-05: the service document has an absolute context and {name, kind, url} entries with non-empty names', async () => {
    const response = await feed('/odata/');
    expect(response.body['@odata.context']).toMatch(/^http:\/\/[^/]+\/odata\/\$metadata$/);
    expect(response.body.value.length).toBeGreaterThan(0);
    for (const entry of response.body.value) {
      expect(Object.keys(entry).sort()).toEqual(['kind', 'name', 'url']);
      expect(entry.name).toMatch(/^\w+$/);
    }
    expect(response.body.value.filter((entry: Row) => entry.kind === 'EntitySet').length).toBeGreaterThan(10);
  });

  test('PQ-06: context URLs are absolute, in the form of each query shape, never Nav()', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/odata/Repositories?$top=1', /#Repositories$/],
      ['/odata/Repositories?$top=1&$select=Slug,Name', /#Repositories\(Slug,Name\)$/],
      [`/odata/PullRequests?$top=1&$select=Id&$expand=${q('Repository($select=Name)')}`, /#PullRequests\(Id,Repository\(Name\)\)$/],
      ["/odata/Repositories(Workspace='acme-dev',Slug='platform-api')", /#Repositories\/\$entity$/],
    ];
    for (const [url, form] of cases) {
      const context = (await feed(url)).body['@odata.context'] as string;
      expect({ url, context }).toEqual({ url, context: expect.stringMatching(/^http:\/\/[^/]+\/odata\/\$metadata#/) });
      expect({ url, context }).toEqual({ url, context: expect.stringMatching(form) });
      expect(context).not.toMatch(/\(\)/);
    }
  });

  // `Nav()` is the form ODataLib readers fail on (OData/odata.net#2081).
  test('PQ-06: an expansion without nested options is Nav or Nav(*) in the context URL, never Nav()', async () => {
    const context = (await feed('/odata/PullRequests?$top=1&$select=Id,Repository&$expand=Repository')).body['@odata.context'] as string;
    expect(context).toMatch(/#PullRequests\(Id,Repository(\(\*\))?\)$/);
  });

  test('PQ-07: every selected declared property is present, null as JSON null, unless omit-values=nulls was applied', async () => {
    const properties = [...(declared.get('PullRequests') ?? new Map()).keys()];
    const all = await feed(`/odata/PullRequests?$filter=${q(REPO)}`);
    for (const row of all.body.value) expect(dataKeys(row)).toEqual(properties);
    expect(all.body.value.some((row: Row) => Object.values(row).includes(null))).toBe(true);
    const selected = await feed(`/odata/PullRequests?$filter=${q(REPO)}&$select=Id,MergeCommitHash`);
    for (const row of selected.body.value) expect(dataKeys(row)).toEqual(['Id', 'MergeCommitHash']);
    const omitted = await feed(`/odata/PullRequests?$filter=${q(REPO)}`, { Prefer: 'omit-values=nulls' });
    const applied = /omit-values=nulls/.test(omitted.headers['preference-applied'] ?? '');
    for (const row of omitted.body.value) {
      if (applied) expect(Object.values(row)).not.toContain(null);
      else expect(dataKeys(row)).toEqual(properties);
    }
  });

  test('PQ-08: no undeclared properties and no instance annotations beyond control information', async () => {
    const control = new Set(['@odata.context', '@odata.nextLink', '@odata.count', '@odata.etag']);
    for (const set of ['Repositories', 'PullRequests', 'Branches', 'Pipelines', 'Workspaces', 'Projects']) {
      const response = await feed(`/odata/${set}?$top=5`);
      for (const key of Object.keys(response.body)) if (key !== 'value') expect({ set, key, control: control.has(key) }).toEqual({ set, key, control: true });
      for (const row of response.body.value as Row[]) {
        for (const key of Object.keys(row)) {
          const ok = key.startsWith('@') ? control.has(key) : declared.get(set)?.has(key) === true;
          expect({ set, key, ok }).toEqual({ set, key, ok: true });
        }
      }
    }
  });

  test('PQ-09: an empty result is 200 with value [] and the same context as a full one', async () => {
    const empty = await feed(`/odata/PullRequests?$filter=${q(`${REPO} and Id eq -1`)}&$select=Id,Title`);
    const full = await feed(`/odata/PullRequests?$filter=${q(REPO)}&$select=Id,Title&$top=1`);
    expect(empty.status).toBe(200);
    expect(empty.body.value).toEqual([]);
    const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
    expect(local(empty.body['@odata.context'])).toBe(local(full.body['@odata.context']));
  });

  test('PQ-10: absolute nextLinks keep $filter, $select and $orderby, and the walk equals the unpaged answer at any page size', async () => {
    const url = `/odata/PullRequests?$filter=${q("State ne 'DECLINED'")}&$select=Workspace,RepositorySlug,Id,Title&$orderby=${q('Title desc')}`;
    const whole = await walk(url, { Prefer: 'odata.maxpagesize=1000' });
    for (const size of [7, 25]) {
      const paged = await walk(url, { Prefer: `odata.maxpagesize=${size}` });
      expect(paged.pages).toBe(Math.ceil(whole.rows.length / size));
      expect(paged.rows).toEqual(whole.rows);
      for (const link of paged.links) {
        expect(link).toMatch(/^http:\/\/[^/]+\/odata\/PullRequests\?/);
        for (const option of ['$filter=', '$select=', '$orderby=']) expect(link).toContain(option);
      }
    }
  });

  test('PQ-11: Prefer odata.maxpagesize is honoured with Preference-Applied; without it MAX_PAGE_SIZE applies', async () => {
    const preferred = await feed('/odata/PullRequests', { Prefer: 'odata.maxpagesize=5' });
    expect(preferred.body.value).toHaveLength(5);
    expect(preferred.headers['preference-applied']).toBe('odata.maxpagesize=5');
    const capped = await feed('/odata/PullRequests', { Prefer: `odata.maxpagesize=${PAGE_SIZE * 10}` });
    expect(capped.body.value).toHaveLength(PAGE_SIZE);
    expect(capped.headers['preference-applied']).toBe(`odata.maxpagesize=${PAGE_SIZE}`);
    const plain = await feed('/odata/PullRequests');
    expect(plain.body.value).toHaveLength(PAGE_SIZE);
    expect(plain.body['@odata.nextLink']).toBeDefined();
  });

  test('PQ-12: /$count is a text/plain integer equal to the rows, and a cheap count does not walk the pages', async () => {
    const { rows } = await walk(`/odata/PullRequests?$filter=${q(REPO)}`);
    await stack.clearUpstreamCalls();
    const count = await feed(`/odata/PullRequests/$count?$filter=${q(REPO)}`);
    expect(count.headers['content-type']).toMatch(/^text\/plain/);
    expect(count.text).toMatch(/^\d+$/);
    expect(Number(count.text)).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(PAGE_SIZE / 3);
    // Bitbucket's `size` answers it: one call, whatever the number of pages.
    expect((await stack.upstreamCalls()).length).toBe(1);
  });

  test('PQ-13: $skip/$top slice the stable order, with a multi-key $orderby asc/desc and without $orderby', async () => {
    for (const order of [`&$orderby=${q('State asc,CreatedOn desc')}`, '']) {
      const base = `/odata/PullRequests?$select=Workspace,RepositorySlug,Id,State,CreatedOn${order}`;
      const whole = (await walk(base)).rows;
      const slice = (await feed(`${base}&$skip=4&$top=9`)).body.value;
      expect(slice).toEqual(whole.slice(4, 13));
    }
  });

  test('PQ-14: the filters Power Query folds are exact; an unsupported construct is 400/501 with an OData error, never 200 or 5xx', async () => {
    const all = (await walk('/odata/PullRequests?$select=Workspace,RepositorySlug,Id,Title,CommentCount,State,CreatedOn')).rows;
    const cases: Array<[string, (row: Row) => boolean]> = [
      ['CommentCount eq 2', (r) => r.CommentCount === 2],
      ['CommentCount ne 2', (r) => r.CommentCount !== 2],
      ['CommentCount gt 2', (r) => Number(r.CommentCount) > 2],
      ['CommentCount ge 2', (r) => Number(r.CommentCount) >= 2],
      ['CommentCount lt 2', (r) => Number(r.CommentCount) < 2],
      ['CommentCount le 2', (r) => Number(r.CommentCount) <= 2],
      ["State eq 'OPEN' or not (CommentCount gt 1)", (r) => r.State === 'OPEN' || !(Number(r.CommentCount) > 1)],
      ["contains(Title,'e') and startswith(Title,'U')", (r) => String(r.Title).includes('e') && String(r.Title).startsWith('U')],
      ["endswith(Title,'s')", (r) => String(r.Title).endsWith('s')],
      ['CreatedOn lt 2024-01-01T00:00:00+01:00', (r) => Date.parse(String(r.CreatedOn)) < Date.parse('2024-01-01T00:00:00+01:00')],
      ['date(CreatedOn) ge 2024-01-01', (r) => String(r.CreatedOn) >= '2024-01-01'],
    ];
    for (const [filter, predicate] of cases) {
      const rows = (await walk(`/odata/PullRequests?$select=Workspace,RepositorySlug,Id&$filter=${q(filter)}`)).rows;
      expect({ filter, ids: rows.map((r) => `${r.RepositorySlug}#${r.Id}`).sort() }).toEqual({ filter, ids: all.filter(predicate).map((r) => `${r.RepositorySlug}#${r.Id}`).sort() });
    }
    for (const filter of ['geo.distance(Title, 1) lt 2', 'Title has Bitbucket.X', 'CommentCount div 0 eq 1 and isof(Title, Edm.String)', "Reviewers/any(r: r eq 'x')"]) {
      const response = await feed(`/odata/PullRequests?$filter=${q(filter)}`);
      expect({ filter, status: [400, 501].includes(response.status) }).toEqual({ filter, status: true });
      expect(response.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    }
  });

  test('PQ-15: a 2048-character request URI is answered; a URI beyond the limit is 414, not a truncated result', async () => {
    const url = `/odata/PullRequests?$select=Id&$filter=${q(`Title ne '${'a'.repeat(2000)}'`)}`;
    expect(url.length).toBeGreaterThanOrEqual(2048);
    const ok = await feed(url);
    expect(ok.status).toBe(200);
    // Only the credential: Node's own 16 KiB header limit (431) must not be what answers.
    const tooLong = await stack.request.get(`/odata/PullRequests?$filter=${q(`Title ne '${'a'.repeat(15_990)}'`)}`).set('Authorization', HEADERS.Authorization);
    expect(tooLong.status).toBe(414);
  });

  test('PQ-16: every Edm.DateTimeOffset value carries Z or an offset; filter literals in both forms are accepted', async () => {
    for (const set of ['PullRequests', 'Repositories', 'Pipelines', 'Commits']) {
      const properties = [...(declared.get(set) ?? new Map()).entries()].filter(([, p]) => p.type === 'Edm.DateTimeOffset').map(([name]) => name);
      const { rows } = await walk(`/odata/${set}?$top=60`);
      for (const row of rows) for (const name of properties) if (row[name] !== null) expect(String(row[name])).toMatch(/(Z|[+-]\d\d:\d\d)$/);
    }
    const utc = await feed(`/odata/PullRequests/$count?$filter=${q('CreatedOn ge 2024-01-01T01:00:00Z')}`);
    const offset = await feed(`/odata/PullRequests/$count?$filter=${q('CreatedOn ge 2024-01-01T02:00:00+01:00')}`);
    expect(offset.status).toBe(200);
    expect(offset.text).toBe(utc.text);
  });

  test('PQ-17: incremental-refresh windows on UpdatedOn go to Bitbucket as updated_on, and adjacent windows partition the set', async () => {
    const total = Number((await feed('/odata/PullRequests/$count')).text);
    const bounds = ['2000-01-01T00:00:00Z', '2023-06-01T00:00:00Z', '2024-06-01T00:00:00Z', '2100-01-01T00:00:00Z'];
    const seen: string[] = [];
    for (let i = 0; i + 1 < bounds.length; i += 1) {
      await stack.clearUpstreamCalls();
      const { rows } = await walk(`/odata/PullRequests?$select=Workspace,RepositorySlug,Id&$filter=${q(`UpdatedOn ge ${bounds[i]} and UpdatedOn lt ${bounds[i + 1]}`)}`);
      seen.push(...rows.map((r) => `${r.Workspace}/${r.RepositorySlug}#${r.Id}`));
      const listCalls = (await stack.upstreamCalls()).filter((call) => /\/pullrequests$/.test(call.path));
      expect(listCalls.length).toBeGreaterThan(0);
      for (const call of listCalls) expect(String(call.query.q)).toMatch(/updated_on >= .* AND updated_on < /);
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
  });

  test('PQ-18: $expand=Nav($select=…) returns the nested data inline', async () => {
    const response = await feed(`/odata/PullRequests?$filter=${q(REPO)}&$top=3&$select=Id,Repository&$expand=${q('Repository($select=Name)')}`);
    expect(response.status).toBe(200);
    for (const row of response.body.value) expect(row.Repository).toEqual({ Name: 'platform-api' });
  });

  test('PQ-19: $metadata does not declare Capabilities.AsynchronousRequestsSupported true', () => {
    expect(metadataXml).not.toMatch(/Capabilities\.AsynchronousRequestsSupported"\s+Bool="true"/);
  });

  test('PQ-20: a read is cut off well inside Power Query 600 s limit (REQUEST_DEADLINE_SECONDS, 504 with a hint)', () => {
    // Partial pages under latency are not served (README says why); the deadline bounds the wait instead.
    expect(stack.config.requestDeadlineSeconds).toBeLessThanOrEqual(120);
  });

  test('PQ-21: the service root answers 200 to a credentialed GET with no query options (the service credential test)', async () => {
    const response = await feed('/odata/');
    expect(response.status).toBe(200);
    expect(response.body.value.length).toBeGreaterThan(0);
  });
});

describe('2.B $metadata for ODataLib consumers', () => {
  test('MD-01: every annotation type-checks against the Core and Capabilities vocabularies (OASIS XML kept as test data)', () => {
    const { problems, checked, terms } = checkAnnotations(metadataXml);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
    expect([...terms]).toEqual(expect.arrayContaining(['Org.OData.Capabilities.V1.FilterRestrictions', 'Org.OData.Core.V1.Computed']));
  });

  test('MD-01: the checker catches what ODataLib rejects (a wrong value form, an unknown record member, an unknown enum member)', () => {
    const broken = metadataXml
      .replace(/(<Annotation Term="Capabilities\.TopSupported") Bool="true"/, '$1 String="true"')
      .replace('<PropertyValue Property="Countable"', '<PropertyValue Property="Countible"')
      .replace(/ConformanceLevelType\/Intermediate/, 'ConformanceLevelType/Expert');
    const { problems } = checkAnnotations(broken);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/TopSupported.*needs Bool, not String/), expect.stringMatching(/has no property Countible/), expect.stringMatching(/Expert is not a member/)]),
    );
  });

  // The gateway's own vocabulary (ODataGateway.V1: Gateway.PushdownFilterable/PushdownSortable) is served only on
  // the opt-in `$metadata?annotations=gateway` (src/odata/metadata/metadata-annotations-option.ts).
  test('MD-02: the default $metadata uses only the Core and Capabilities vocabularies', () => {
    const { terms } = checkAnnotations(metadataXml);
    expect([...terms].filter((term) => !/^Org\.OData\.(Core|Capabilities)\.V1\./.test(term))).toEqual([]);
    expect(metadataXml).not.toMatch(/ODataGateway|Gateway\./);
  });

  test('MD-02: the pushdown terms stay available on the opt-in $metadata?annotations=gateway (XML and JSON); an unknown value is 400', async () => {
    const xml = await feed('/odata/$metadata?annotations=gateway');
    expect(xml.status).toBe(200);
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    const { problems, terms, checked } = checkAnnotations(xml.text);
    expect(problems).toEqual([]);
    expect([...terms]).toEqual(expect.arrayContaining(['ODataGateway.V1.PushdownFilterable', 'ODataGateway.V1.PushdownSortable']));
    expect(xml.text).toContain('<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="ODataGateway.V1" Alias="Gateway">');
    // The opt-in only adds: two terms per entity set (and their two declarations' descriptions), nothing else changes.
    const sets = [...declared.keys()].filter((name) => name !== 'Me').length;
    expect(checked).toBe(checkAnnotations(metadataXml).checked + 2 * sets + 2);
    const json = await feed('/odata/$metadata?annotations=gateway&$format=json');
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text)['ODataGateway.V1']).toMatchObject({ $Alias: 'Gateway' });
    expect(JSON.parse(json.text).Bitbucket.Container.PullRequests['@Gateway.PushdownFilterable']).toEqual(expect.arrayContaining(['Id', 'State', 'UpdatedOn']));
    const defaultJson = await feed('/odata/$metadata?$format=json');
    expect(defaultJson.text).not.toMatch(/ODataGateway|Gateway\./);
    const unknown = await feed('/odata/$metadata?annotations=sap');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/annotations.*gateway/);
  });

  test('MD-03: no NavigationProperty inside a ComplexType', () => {
    for (const complex of schema.ComplexType ?? []) expect(complex.NavigationProperty).toBeUndefined();
  });

  test('MD-04: type, set, property and key names are SimpleIdentifiers, unique case-insensitively within a type', () => {
    const identifier = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
    for (const type of schema.EntityType) {
      const names = [...type.Property, ...(type.NavigationProperty ?? [])].map((p: Node) => p['@_Name'] as string);
      for (const name of [type['@_Name'], ...names]) expect({ name, ok: identifier.test(name) }).toEqual({ name, ok: true });
      expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length);
    }
    for (const set of [...(schema.EntityContainer[0].EntitySet ?? []), ...(schema.EntityContainer[0].Singleton ?? [])]) expect(set['@_Name']).toMatch(identifier);
  });

  test('MD-05: every EntityType has a Key, and key properties are Nullable="false"', () => {
    for (const type of schema.EntityType) {
      const keys = (type.Key?.[0]?.PropertyRef ?? []).map((ref: Node) => ref['@_Name']);
      expect({ type: type['@_Name'], hasKey: keys.length > 0 }).toEqual({ type: type['@_Name'], hasKey: true });
      for (const key of keys) expect(type.Property.find((p: Node) => p['@_Name'] === key)?.['@_Nullable']).toBe('false');
    }
  });

  test('MD-06: only String, Int32, Int64, Boolean, DateTimeOffset, Decimal, Double, Guid (and Date); no EnumType, no open types', () => {
    const allowed = new Set(['Edm.String', 'Edm.Int32', 'Edm.Int64', 'Edm.Boolean', 'Edm.DateTimeOffset', 'Edm.Decimal', 'Edm.Double', 'Edm.Guid', 'Edm.Date']);
    for (const [set, properties] of declared) for (const [name, p] of properties) expect({ set, name, allowed: allowed.has(p.type) }).toEqual({ set, name, allowed: true });
    expect(schema.EnumType).toBeUndefined();
    for (const type of schema.EntityType) expect(type['@_OpenType']).not.toBe('true');
  });

  test('MD-07: no FunctionImports (bound actions may stay: Power Query never invokes them)', () => {
    expect(schema.EntityContainer[0].FunctionImport).toBeUndefined();
    expect(metadataXml).not.toMatch(/<FunctionImport\b/);
  });

  // Fails today: `/odata/` serves the singleton `Me` (the connector's connection test). The rule is unverified (U):
  // no report of a Power BI failure on singletons was found; a real Power BI Desktop check decides (README).
  test.failing('MD-08: no Singletons and no containment in the main root', () => {
    expect(schema.EntityContainer[0].Singleton).toBeUndefined();
    expect(metadataXml).not.toMatch(/ContainsTarget="true"/);
  });

  test('MD-08: no containment navigation in the main root (the part that holds today)', () => {
    expect(metadataXml).not.toMatch(/ContainsTarget="true"/);
  });
});
