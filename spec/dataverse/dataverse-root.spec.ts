/**
 * The Dataverse virtual-table root (`/dataverse/`, src/dataverse/), rule by rule (client-rules §2.G, DV-01..06), from
 * what Microsoft documents for the OData v4 Data Provider:
 * learn.microsoft.com/power-apps/maker/data-platform/virtual-entity-odata-provider-requirements (one Edm.Guid ID,
 * the type mapping table, Nullable drives "Business Required", client- and server-side paging, inline count) and
 * learn.microsoft.com/power-apps/maker/data-platform/virtual-entity-walkthrough-using-odata-provider (Timeout 30,
 * Return Inline Count).
 */
import { XMLParser } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ACCESS_TOKEN } from '../../sandbox/identities';
import { DATAVERSE_KEY_NAMESPACE, DATAVERSE_TYPES } from '../../src/dataverse/dataverse-model';
import { DATAVERSE_DEADLINE_SECONDS } from '../../src/dataverse/dataverse-router';
import { nameBasedUuid } from '../../src/dataverse/name-based-uuid';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

type Row = Record<string, unknown>;
interface MetadataType {
  name: string;
  key: string[];
  properties: Array<{ name: string; type: string; nullable: boolean }>;
  navigation: number;
}

const REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
/** A narrowing the Data Provider's view would carry for each set (DV-06): none for sets bounded by workspaces. */
const NARROWING: Record<string, string | undefined> = {
  Branches: REPO,
  Tags: REPO,
  Commits: REPO,
  PullRequests: REPO,
  PullRequestComments: `${REPO} and PullRequestId eq 1`,
  Pipelines: REPO,
  Webhooks: REPO,
  PullRequestParticipants: REPO,
  PullRequestActivity: REPO,
  PullRequestCommits: `${REPO} and PullRequestId eq 7`,
  PullRequestDiffstat: `${REPO} and PullRequestId eq 7`,
  Environments: REPO,
  Deployments: REPO,
  BranchRestrictions: REPO,
  DefaultReviewers: REPO,
  // PipelineSteps and CommitStatuses need one pipeline and one commit: found in beforeAll.
};

let stack: Stack;
let types: Map<string, MetadataType>;
let setTypes: Map<string, string>;
let singletons: number;

function get(url: string) {
  return stack.request.get(url.replace(/^https?:\/\/[^/]+/, '')).set('Authorization', DEMO_BEARER).set('Accept', 'application/json;odata.metadata=minimal').set('OData-MaxVersion', '4.0');
}

function listUrl(set: string, options = ''): string {
  const narrowing = NARROWING[set];
  const filter = narrowing ? `$filter=${encodeURIComponent(narrowing)}` : '';
  return `/dataverse/${set}?${[filter, options].filter(Boolean).join('&')}`;
}

async function walk(url: string, pageSize: number): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const response: { status: number; body: { value: Row[]; "@odata.nextLink"?: string } } = await get(next).set('Prefer', `odata.maxpagesize=${pageSize}`);
    expect({ next, status: response.status }).toEqual({ next, status: 200 });
    rows.push(...response.body.value);
    next = response.body['@odata.nextLink'];
    if (next) expect(next).toMatch(/^http:\/\/[^/]+\/dataverse\//);
    pages += 1;
  }
  return { rows, pages };
}

beforeAll(async () => {
  stack = await startStack();
  // A pipeline of the repository and a commit that has statuses (one of pull request 1's), as the Data Provider's
  // view filter would name them.
  const pipeline = await get(`/odata/Pipelines?$filter=${encodeURIComponent(REPO)}&$top=1&$select=Uuid`);
  NARROWING.PipelineSteps = `${REPO} and PipelineUuid eq '${pipeline.body.value[0].Uuid as string}'`;
  const statuses = (await (await fetch(`${stack.apiUrl}/repositories/acme-dev/platform-api/pullrequests/1/statuses`, { headers: { Authorization: DEMO_BEARER } })).json()) as {
    values: Array<{ commit: { hash: string } }>;
  };
  NARROWING.CommitStatuses = `${REPO} and CommitHash eq '${statuses.values[0].commit.hash}'`;
  const metadata = await get('/dataverse/$metadata').set('Accept', 'application/xml');
  expect(metadata.status).toBe(200);
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (_name, _path, _leaf, isAttribute) => !isAttribute }).parse(metadata.text);
  const schema = doc['edmx:Edmx'][0]['edmx:DataServices'][0].Schema.find((s: Record<string, string>) => s['@_Namespace'] === 'Bitbucket');
  types = new Map(
    schema.EntityType.map((type: Record<string, any>) => [
      `Bitbucket.${type['@_Name']}`,
      {
        name: type['@_Name'],
        key: type.Key[0].PropertyRef.map((ref: Record<string, string>) => ref['@_Name']),
        properties: type.Property.map((p: Record<string, string>) => ({ name: p['@_Name'], type: p['@_Type'], nullable: p['@_Nullable'] !== 'false' })),
        navigation: (type.NavigationProperty ?? []).length,
      },
    ]),
  );
  expect(schema.ComplexType).toBeUndefined();
  const container = schema.EntityContainer[0];
  singletons = (container.Singleton ?? []).length;
  setTypes = new Map(container.EntitySet.map((set: Record<string, string>) => [set['@_Name'], set['@_EntityType']]));
});
afterAll(() => stack.close());

describe('DV-01: one Edm.Guid key per set; native uuids where Bitbucket has them; an unknown Guid is 404', () => {
  test('DV-01: every entity type has exactly one key property, Edm.Guid and not nullable; no singletons, no navigation', () => {
    expect(setTypes.size).toBeGreaterThanOrEqual(11);
    expect(singletons).toBe(0);
    for (const [set, typeName] of setTypes) {
      const type = types.get(typeName) as MetadataType;
      expect({ set, key: type.key }).toEqual({ set, key: [`${type.name}Guid`] });
      expect(type.properties.find((p) => p.name === type.key[0])).toEqual({ name: type.key[0], type: 'Edm.Guid', nullable: false });
      expect(type.navigation).toBe(0);
    }
  });

  test("DV-01: a native key is Bitbucket's uuid without braces (Workspaces, Projects, Repositories, Pipelines, Webhooks)", async () => {
    for (const [set, guidName] of [['Workspaces', 'WorkspaceGuid'], ['Projects', 'ProjectGuid'], ['Repositories', 'RepositoryGuid'], ['Pipelines', 'PipelineGuid'], ['Webhooks', 'WebhookGuid']]) {
      const response = await get(listUrl(set, '$top=5'));
      expect({ set, status: response.status }).toEqual({ set, status: 200 });
      expect(response.body.value.length).toBeGreaterThan(0);
      for (const row of response.body.value) expect(`{${row[guidName]}}`).toBe(row.Uuid);
    }
  });

  test('DV-01: a name-based key is the documented UUIDv5 of the canonical /odata/ key predicate', async () => {
    const response = await get(listUrl('PullRequests', '$top=3&$select=PullRequestGuid,Title'));
    expect(response.status).toBe(200);
    // $select without the key columns: the Guid is still right (the key columns are read for it, not served).
    expect(Object.keys(response.body.value[0])).toEqual(['PullRequestGuid', 'Title']);
    const full = await get(listUrl('PullRequests', '$top=3'));
    for (const [index, row] of full.body.value.entries()) {
      const expected = nameBasedUuid(DATAVERSE_KEY_NAMESPACE, `PullRequests(Workspace='${row.Workspace}',RepositorySlug='${row.RepositorySlug}',Id=${row.Id})`);
      expect(row.PullRequestGuid).toBe(expected);
      expect(response.body.value[index].PullRequestGuid).toBe(expected);
    }
    // A branch name with '/' is percent-encoded in the key predicate, exactly as /odata/ writes it in @odata.id.
    const branches = await get(`/dataverse/Branches?$filter=${encodeURIComponent(`${REPO} and Name eq 'feature/login-page'`)}`);
    expect(branches.body.value.map((row: Row) => row.BranchGuid)).toEqual([
      nameBasedUuid(DATAVERSE_KEY_NAMESPACE, "Branches(Workspace='acme-dev',RepositorySlug='platform-api',Name='feature%2Flogin-page')"),
    ]);
  });

  test('DV-01: every set serves rows, and each row read back by its Guid is the same row, for what /odata/ pays by composite key', async () => {
    for (const set of setTypes.keys()) {
      const keyName = (types.get(setTypes.get(set) as string) as MetadataType).key[0];
      const list = await get(listUrl(set, '$top=2'));
      expect({ set, status: list.status }).toEqual({ set, status: 200 });
      expect({ set, rows: list.body.value.length > 0 }).toEqual({ set, rows: true });
      const row = list.body.value[0] as Row;
      const one = await get(`/dataverse/${set}(${row[keyName]})`);
      expect({ set, status: one.status }).toEqual({ set, status: 200 });
      expect(one.body['@odata.context']).toMatch(new RegExp(`/dataverse/\\$metadata#${set}/\\$entity$`));
      const { ['@odata.context']: _context, ['@odata.etag']: _etag, ...entity } = one.body;
      const { ['@odata.etag']: _rowEtag, ...listed } = row;
      expect({ set, entity }).toEqual({ set, entity: listed });
    }
  });

  test('DV-01: a by-key read costs what /odata/ pays for the same entity by its composite key', async () => {
    const list = await get(listUrl('PullRequests', '$top=1'));
    const row = list.body.value[0] as Row;
    const byGuid = await get(`/dataverse/PullRequests(${row.PullRequestGuid})`);
    const byKey = await get(`/odata/PullRequests(Workspace='${row.Workspace}',RepositorySlug='${row.RepositorySlug}',Id=${row.Id})`);
    expect(byGuid.status).toBe(200);
    expect(byGuid.headers['x-upstream-requests']).toBe(byKey.headers['x-upstream-requests']);
    expect(Number(byGuid.headers['x-upstream-requests'])).toBe(1);
  });

  test('DV-01: an unknown Guid is 404, in a set with native keys and in one with name-based keys', async () => {
    for (const set of ['Repositories', 'Workspaces', 'Pipelines', 'PullRequests', 'Commits']) {
      const response = await get(`/dataverse/${set}(00000000-0000-4000-8000-000000000000)`);
      expect({ set, status: response.status }).toEqual({ set, status: 404 });
      expect(response.body.error.message).toEqual(expect.any(String));
    }
  });

  test('DV-01: a native Guid never served by this gateway is still found where the search is bounded (Repositories)', async () => {
    const fresh = await startStack();
    try {
      const listed = await get(listUrl('Repositories', "$top=1&$filter=Name eq 'platform-api'"));
      const guid = listed.body.value[0].RepositoryGuid;
      const response = await fresh.request.get(`/dataverse/Repositories(${guid})`).set('Authorization', DEMO_BEARER);
      expect(response.status).toBe(200);
      expect(response.body.RepositoryGuid).toBe(guid);
    } finally {
      await fresh.close();
    }
  });

  test('DV-01: a name-based Guid this gateway has not served is 404 saying why and what to do (the documented limit)', async () => {
    const fresh = await startStack();
    try {
      const listed = await get(listUrl('PullRequests', '$top=1'));
      const response = await fresh.request.get(`/dataverse/PullRequests(${listed.body.value[0].PullRequestGuid})`).set('Authorization', DEMO_BEARER);
      expect(response.status).toBe(404);
      expect(response.body.error.message).toMatch(/name-based UUID of Workspace, RepositorySlug, Id/);
      expect(response.body.error.message).toMatch(/list the set/);
    } finally {
      await fresh.close();
    }
  });

  test('DV-01: $filter on the Guid key: eq works (native and name-based); other operators are a 400 that says what works', async () => {
    const list = await get(listUrl('PullRequests', '$top=2'));
    const row = list.body.value[1] as Row;
    const filtered = await get(`/dataverse/PullRequests?$filter=${encodeURIComponent(`PullRequestGuid eq ${row.PullRequestGuid}`)}`);
    expect(filtered.status).toBe(200);
    expect(filtered.body.value.map((r: Row) => r.Id)).toEqual([row.Id]);
    const repos = await get('/dataverse/Repositories?$top=1');
    const repo = repos.body.value[0] as Row;
    const byRepoGuid = await get(`/dataverse/Repositories?$filter=${encodeURIComponent(`RepositoryGuid eq ${repo.RepositoryGuid} and IsPrivate eq ${repo.IsPrivate}`)}`);
    expect(byRepoGuid.body.value.map((r: Row) => r.RepositoryGuid)).toEqual([repo.RepositoryGuid]);
    const refused = await get(`/dataverse/PullRequests?$filter=${encodeURIComponent(`${REPO} and PullRequestGuid ne ${row.PullRequestGuid}`)}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/PullRequestGuid can only be compared with eq/);
    // Inside a string literal the name is text, not the key.
    const literal = await get(`/dataverse/PullRequests?$filter=${encodeURIComponent(`${REPO} and Title eq 'PullRequestGuid eq ${row.PullRequestGuid}'`)}`);
    expect(literal.status).toBe(200);
    expect(literal.body.value).toEqual([]);
  });

  test('DV-01: the Data Provider is read-only here: a write is 405 with Allow', async () => {
    const response = await stack.request.post('/dataverse/Projects').set('Authorization', DEMO_BEARER).send({ Workspace: 'acme-dev', Key: 'X', Name: 'X' });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });
});

describe('DV-02: only the types the Data Provider maps', () => {
  test('DV-02: every property is Boolean, DateTimeOffset, Decimal, Double, Guid, Int32, Int64 or String; no complex types or collections', () => {
    for (const type of types.values()) {
      for (const property of type.properties) expect({ type: type.name, property: property.name, allowed: DATAVERSE_TYPES.includes(property.type as never) }).toEqual({ type: type.name, property: property.name, allowed: true });
    }
    expect([...DATAVERSE_TYPES].sort()).toEqual(['Edm.Boolean', 'Edm.DateTimeOffset', 'Edm.Decimal', 'Edm.Double', 'Edm.Guid', 'Edm.Int32', 'Edm.Int64', 'Edm.String']);
  });
});

describe('DV-03: Nullable is accurate', () => {
  test('DV-03: in a walk of every set, no Nullable="false" property is ever null, and each value has its declared JSON type', async () => {
    const jsonType: Record<string, string> = { 'Edm.Boolean': 'boolean', 'Edm.DateTimeOffset': 'string', 'Edm.Guid': 'string', 'Edm.String': 'string', 'Edm.Int32': 'number', 'Edm.Int64': 'number', 'Edm.Double': 'number', 'Edm.Decimal': 'number' };
    const problems = new Set<string>();
    for (const [set, typeName] of setTypes) {
      const type = types.get(typeName) as MetadataType;
      const { rows } = await walk(listUrl(set), 100);
      for (const row of rows) {
        for (const property of type.properties) {
          const value = row[property.name];
          if (value === undefined) problems.add(`${set}.${property.name} is missing`);
          else if (value === null && !property.nullable) problems.add(`${set}.${property.name} is null but Nullable="false"`);
          else if (value !== null && typeof value !== jsonType[property.type]) problems.add(`${set}.${property.name} is a ${typeof value}`);
        }
      }
    }
    expect([...problems]).toEqual([]);
  });
});

describe('DV-04: client paging, server paging and the count', () => {
  test('DV-04: $top/$skip (client-side paging) slice the ordered set', async () => {
    const whole = (await walk(listUrl('PullRequests', '$orderby=Id'), 1000)).rows.map((row) => row.Id);
    expect(whole.length).toBeGreaterThan(10);
    const slice = await get(listUrl('PullRequests', '$orderby=Id&$skip=3&$top=4'));
    expect(slice.body.value.map((row: Row) => row.Id)).toEqual(whole.slice(3, 7));
  });

  test('DV-04: server-side paging: $skiptoken nextLinks on this root walk exactly the unpaged answer, with $select kept', async () => {
    const options = `$select=PullRequestGuid,Title&$orderby=${encodeURIComponent('CreatedOn desc')}`;
    const whole = (await walk(listUrl('PullRequests', options), 1000)).rows;
    const { rows, pages } = await walk(listUrl('PullRequests', options), 4);
    expect(pages).toBe(Math.ceil(whole.length / 4));
    expect(rows).toEqual(whole);
    for (const row of rows) expect(Object.keys(row)).toEqual(['PullRequestGuid', 'Title']);
    expect(new Set(rows.map((row) => row.PullRequestGuid)).size).toBe(rows.length);
  });

  test('DV-04: $count=true gives @odata.count, and $inlinecount=allpages is the same', async () => {
    const count = await get(listUrl('PullRequests', '$count=true&$top=2'));
    const inline = await get(listUrl('PullRequests', '$inlinecount=allpages&$top=2'));
    const none = await get(listUrl('PullRequests', '$inlinecount=none&$top=2'));
    const text = await get(`/dataverse/PullRequests/$count?$filter=${encodeURIComponent(REPO)}`);
    expect(count.body['@odata.count']).toBeGreaterThan(2);
    expect(inline.body['@odata.count']).toBe(count.body['@odata.count']);
    expect(none.body['@odata.count']).toBeUndefined();
    expect(Number(text.text)).toBe(count.body['@odata.count']);
    const bad = await get(listUrl('PullRequests', '$inlinecount=some'));
    expect(bad.status).toBe(400);
  });

  test('DV-04: the count stays with every page of a server-paged walk that asked for it with $inlinecount', async () => {
    const first = await get(listUrl('PullRequests', '$inlinecount=allpages')).set('Prefer', 'odata.maxpagesize=5');
    expect(first.body['@odata.nextLink']).toContain('%24inlinecount=allpages'.replace('%24', '$'));
    const second = await get(first.body['@odata.nextLink']);
    expect(second.status).toBe(200);
    expect(second.body['@odata.count']).toBe(first.body['@odata.count']);
  });
});

describe('DV-05: static-header authentication', () => {
  test('DV-05: a static Authorization header (a workspace access token) is the identity of every request', async () => {
    const response = await stack.request.get(`/dataverse/Repositories?$filter=${encodeURIComponent("Workspace eq 'acme-dev'")}&$top=3`).set('Authorization', `Bearer ${WORKSPACE_ACCESS_TOKEN.token}`);
    expect(response.status).toBe(200);
    expect(response.body.value.length).toBeGreaterThan(0);
    for (const row of response.body.value) expect(row.Workspace).toBe('acme-dev');
  });

  test('DV-05: without a credential the root answers 401 (nothing is anonymous unless service mode is on)', async () => {
    const response = await stack.request.get('/dataverse/Repositories?$top=1');
    expect(response.status).toBe(401);
  });

  test('DV-05: the README states that every Dataverse user shares the identity of the configured header', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Dataverse virtual tables'));
    expect(section).toMatch(/every Dataverse user[^.]*shares that one Bitbucket identity/);
  });
});

describe('DV-06: bounded answers', () => {
  test('DV-06: a set listed per repository without a repository is 400 naming the filter to add, before any Bitbucket call', async () => {
    for (const [set, needs] of [['PullRequests', /RepositorySlug eq/], ['Commits', /RepositorySlug eq/], ['PullRequestComments', /PullRequestId eq/]] as const) {
      await stack.clearUpstreamCalls();
      const response = await get(`/dataverse/${set}?$top=5`);
      expect({ set, status: response.status }).toEqual({ set, status: 400 });
      expect(response.body.error.message).toMatch(needs);
      expect(await stack.upstreamCalls()).toEqual([]);
    }
  });

  test('DV-06: $metadata publishes what each set requires (Capabilities.FilterRestrictions/RequiredProperties)', async () => {
    const metadata = await get('/dataverse/$metadata').set('Accept', 'application/xml');
    const pullRequests = /<EntitySet Name="PullRequests"[\s\S]*?<\/EntitySet>/.exec(metadata.text)?.[0] ?? '';
    expect(pullRequests).toMatch(/RequiredProperties[\s\S]*?<PropertyPath>RepositorySlug<\/PropertyPath>/);
  });

  test('DV-06: a narrowed read costs a bounded number of Bitbucket calls, and the deadline is under the 30 s timeout', async () => {
    const response = await get(listUrl('PullRequests', '$top=50&$count=true'));
    expect(response.status).toBe(200);
    expect(Number(response.headers['x-upstream-requests'])).toBeLessThanOrEqual(4);
    expect(DATAVERSE_DEADLINE_SECONDS).toBeLessThan(30);
  });
});
