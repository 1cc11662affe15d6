/**
 * An order Bitbucket sorts within each repository (`sort=id`) and the gateway merges across repositories: rows tied
 * on the sorted prefix come from different streams (`Id` 1 in every repository), and a later order item
 * (`RepositorySlug desc`) decides between them. Cutting at `$top` as soon as enough rows are in hand would keep the
 * first streams' rows instead of the right ones. Each query is compared with the in-process oracle (`evaluateQuery`
 * over the full set, as spec/http/differential.spec.ts does), on one response and on a walk of keyset continuation
 * pages; the upstream calls show that taking the tied heads costs no extra page.
 */
import type { Row } from '../../src/odata/ast';
import { evaluateQuery } from '../../src/odata/evaluate';
import { parseQueryOptions } from '../../src/odata/parse';
import { findDefinition } from '../../src/entity-sets/registry';
import { edmOf } from '../../src/entity-sets/to-edm-model';
import type { EntitySetDefinition } from '../../src/entity-sets/model';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
const fullSets = new Map<string, Row[]>();

const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');
const withoutControl = (row: Row): Row => Object.fromEntries(Object.entries(row).filter(([name]) => !name.startsWith('@')));

async function readAll(url: string, pageSize: number): Promise<{ rows: Row[]; pages: number; count?: number }> {
  const rows: Row[] = [];
  let next: string | undefined = url;
  let pages = 0;
  let count: number | undefined;
  while (next) {
    const response: { status: number; text: string; body: Record<string, unknown> & { value: Row[] } } = await stack.request.get(local(next)).set('Authorization', DEMO_BEARER).set('Prefer', `odata.maxpagesize=${pageSize}`);
    if (response.status !== 200) throw new Error(`${next} → ${response.status} ${response.text}`);
    rows.push(...response.body.value.map(withoutControl));
    if (pages === 0) count = response.body['@odata.count'] as number | undefined;
    next = response.body['@odata.nextLink'] as string | undefined;
    pages += 1;
    if (pages > 500) throw new Error('nextLink loop');
  }
  return { rows, pages, count };
}

beforeAll(async () => {
  // Snapshots off: continuation pages must go through the keyset cursor (`after`), not a kept answer.
  stack = await startStack({ env: { PAGING_SNAPSHOT_MAX_ROWS: '0' } });
  for (const name of ['PullRequests', 'Repositories']) fullSets.set(name, (await readAll(`/odata/${name}`, 1000)).rows);
}, 60_000);
afterAll(() => stack.close());

function oracle(setName: string, raw: string): { rows: Row[]; count?: number } {
  const def = findDefinition(setName) as EntitySetDefinition;
  return evaluateQuery(fullSets.get(setName) as Row[], parseQueryOptions(raw), edmOf(def), { now: new Date() });
}

const CASES: Array<[string, string]> = [
  ['PullRequests', '$orderby=Id,RepositorySlug desc&$top=3'],
  ['PullRequests', '$orderby=Id,RepositorySlug desc&$top=3&$select=RepositorySlug,Id'],
  ['PullRequests', '$orderby=Id desc,RepositorySlug&$top=4'],
  ['PullRequests', '$orderby=Id,Workspace desc,RepositorySlug desc&$top=5&$skip=2'],
  ['PullRequests', '$orderby=Id,RepositorySlug desc&$top=7&$count=true'],
  ['PullRequests', "$filter=State eq 'MERGED'&$orderby=Id,RepositorySlug desc&$top=3"],
  ['PullRequests', "$filter=Workspace eq 'blue-harbor'&$orderby=Id,RepositorySlug desc&$top=5"],
  ['PullRequests', '$orderby=CreatedOn desc,RepositorySlug desc&$top=5'],
  ['Repositories', '$orderby=UpdatedOn desc,Slug desc&$top=3'],
];

describe('an order merged across repositories: ties on the sorted prefix are all read before $top cuts', () => {
  test('the issue #10 query answers widget, web-frontend, tide-tables, reading one page of 3 per repository', async () => {
    await stack.clearUpstreamCalls();
    const response = await stack.request.get('/odata/PullRequests?$orderby=Id,RepositorySlug desc&$top=3&$select=RepositorySlug,Id').set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(200);
    expect(response.body.value.map((row: Row) => row.RepositorySlug)).toEqual(['widget', 'web-frontend', 'tide-tables']);
    const prCalls = (await stack.upstreamCalls()).filter((call) => call.path.endsWith('/pullrequests'));
    const repositories = new Set(prCalls.map((call) => call.path));
    // One call per repository, each with sort=id and pagelen=3: no stream reads ahead for the ties.
    expect(prCalls).toHaveLength(repositories.size);
    for (const call of prCalls) expect(call.query).toMatchObject({ sort: 'id', pagelen: '3' });
  });

  test.each(CASES)('%s?%s equals the oracle in one response', async (setName, raw) => {
    const expected = oracle(setName, raw);
    const actual = await readAll(`/odata/${setName}?${raw}`, 1000);
    expect(actual.rows).toEqual(expected.rows);
    if (expected.count !== undefined) expect(actual.count).toBe(expected.count);
  });

  test.each(CASES)('%s?%s equals the oracle walked 2 rows a page (keyset continuation)', async (setName, raw) => {
    const expected = oracle(setName, raw);
    const actual = await readAll(`/odata/${setName}?${raw}`, 2);
    expect(actual.rows).toEqual(expected.rows);
    expect(actual.pages).toBeGreaterThan(1);
  });
});
