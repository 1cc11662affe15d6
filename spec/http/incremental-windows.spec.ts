/**
 * Incremental refresh windows partition every time-bearing set (issue #16 item 2, client-rules PQ-17): adjacent
 * windows `P ge A and P lt B` over the set's own time range give counts that sum to the total, and rows that neither
 * overlap nor go missing (compared by key with the whole set). Sets listed below a repository are taken within one
 * repository, as the differential suite does.
 */
import type { Row } from '../../src/odata/ast';
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ config: { maxPageSize: 100_000 } });
});
afterAll(() => stack.close());

const SCOPE = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
const WINDOWS = 4;

/** [set, time property] for every DateTimeOffset named CreatedOn, UpdatedOn or Date (a nullable one adds `eq null`). */
const CASES = ENTITY_SETS.filter((def) => !def.singleton && def.list).flatMap((def) =>
  def.properties.filter((p) => p.type === 'Edm.DateTimeOffset' && ['CreatedOn', 'UpdatedOn', 'Date'].includes(p.name)).map((p) => [def.name, p.name] as const),
);

function scopeOf(setName: string): string | undefined {
  const def = ENTITY_SETS.find((candidate) => candidate.name === setName);
  const perParent = (def?.list?.params ?? []).some((param) => param.fanOut && !['Workspaces', 'Repositories'].includes(param.fanOut.entitySet));
  return perParent ? SCOPE : undefined;
}

async function read(setName: string, filter: string | undefined): Promise<{ rows: Row[]; count: number }> {
  const query = [filter ? `$filter=${encodeURIComponent(filter)}` : undefined, '$count=true'].filter(Boolean).join('&');
  const response = await stack.request.get(`/odata/${setName}?${query}`).set('Authorization', DEMO_BEARER);
  if (response.status !== 200) throw new Error(`${setName}?${query} → ${response.status} ${JSON.stringify(response.body)}`);
  expect(response.body['@odata.nextLink']).toBeUndefined();
  return { rows: response.body.value as Row[], count: response.body['@odata.count'] as number };
}

/**
 * The whole set (within its scope), read once per set and shared by its time properties' cases: the sandbox's seeded
 * data does not change under reads, so every case of a set partitions the same rows.
 */
const wholeSets = new Map<string, Promise<{ rows: Row[]; count: number }>>();
function wholeSet(setName: string): Promise<{ rows: Row[]; count: number }> {
  let whole = wholeSets.get(setName);
  if (whole === undefined) {
    whole = read(setName, scopeOf(setName));
    wholeSets.set(setName, whole);
  }
  return whole;
}

test('every time-bearing set is covered', () => {
  expect(CASES.map(([set]) => set)).toEqual(expect.arrayContaining(['PullRequests', 'Pipelines', 'PullRequestComments', 'PullRequestActivity', 'CommitStatuses']));
});

test.each(CASES)('%s: windows on %s partition the set', async (setName, property) => {
  const def = ENTITY_SETS.find((candidate) => candidate.name === setName)!;
  const scope = scopeOf(setName);
  const whole = await wholeSet(setName);
  expect(whole.count).toBe(whole.rows.length);
  const keyOf = (row: Row) => JSON.stringify(def.key.map((name) => row[name]));
  const times = whole.rows.map((row) => Date.parse(row[property] as string)).filter((t) => !Number.isNaN(t));
  const start = Math.min(...times);
  const end = Math.max(...times) + 1;
  // Boundaries: the ends of the range and interior points that fall on rows' own times (the hard case for ge/lt).
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const bounds = [start, ...Array.from({ length: WINDOWS - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / WINDOWS)]), end];
  const seen = new Map<string, number>();
  let sum = 0;
  for (let i = 0; i < WINDOWS; i++) {
    const from = new Date(bounds[i]).toISOString();
    const to = new Date(bounds[i + 1]).toISOString();
    const window = await read(setName, [scope, `${property} ge ${from} and ${property} lt ${to}`].filter(Boolean).join(' and '));
    expect(window.count).toBe(window.rows.length);
    sum += window.count;
    for (const row of window.rows) seen.set(keyOf(row), (seen.get(keyOf(row)) ?? 0) + 1);
  }
  // Rows without a time (a lightweight tag has no date) are in no window: `eq null` is the last piece of the partition.
  if (def.properties.find((p) => p.name === property)?.nullable) {
    const nulls = await read(setName, [scope, `${property} eq null`].filter(Boolean).join(' and '));
    sum += nulls.count;
    for (const row of nulls.rows) seen.set(keyOf(row), (seen.get(keyOf(row)) ?? 0) + 1);
  }
  expect(sum).toBe(whole.count);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
  expect([...seen.keys()].sort()).toEqual(whole.rows.map(keyOf).sort());
});
