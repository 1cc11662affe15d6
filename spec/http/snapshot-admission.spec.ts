/**
 * Concurrent walks larger than the snapshot total (issue #11.7). Before, each new snapshot evicted the least recently
 * read one, so walks in step evicted each other on every page and each page read the whole set again. Now a snapshot
 * whose walk is under way is never evicted for another: the walks admitted cost one read of the set (plus at most one
 * more, when their first page's snapshot was taken before any page of it was read), and the walk left out continues
 * by cursor until one of them ends. Walks advance one page each in turn, as concurrent clients do; every figure is an
 * upstream call count the sandbox recorded.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

const base = "/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$orderby=Title";
const URLS = [`${base}&$select=Id`, `${base}&$select=Title`, `${base}&$select=State`];
const PAGE = 40;
const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');

let stack: Stack;
let rows: number;
/** Upstream calls of one read of the set. */
let oneRead: number;

async function page(url: string): Promise<{ rows: unknown[]; next?: string; calls: number }> {
  await stack.clearUpstreamCalls();
  const response = await stack.request.get(local(url)).set('Authorization', DEMO_BEARER).set('Prefer', `odata.maxpagesize=${PAGE}`);
  if (response.status !== 200) throw new Error(`${url} → ${response.status} ${response.text}`);
  return { rows: response.body.value, next: response.body['@odata.nextLink'], calls: (await stack.upstreamCalls()).length };
}

beforeAll(async () => {
  const probe = await startStack({ config: { maxPageSize: 100_000 } });
  try {
    await probe.clearUpstreamCalls();
    const whole = await probe.request.get(local(URLS[0])).set('Authorization', DEMO_BEARER);
    rows = whole.body.value.length;
    oneRead = (await probe.upstreamCalls()).length;
  } finally {
    await probe.close();
  }
  // Room for the snapshots of two of the three walks.
  const kept = rows - PAGE;
  stack = await startStack({ config: { maxPageSize: 100_000, pagingSnapshots: { ttlSeconds: 300, maxRows: kept, maxTotalRows: 2 * kept } } });
});
afterAll(() => stack.close());

test('three walks in step, room for two: two cost one or two reads, none re-reads every page', async () => {
  const pagesPerWalk = Math.ceil(rows / PAGE);
  expect(pagesPerWalk).toBeGreaterThan(4);
  const next: (string | undefined)[] = [...URLS];
  const calls = URLS.map(() => [] as number[]);
  const served = URLS.map(() => [] as unknown[]);
  while (next.some((link) => link !== undefined)) {
    for (let walk = 0; walk < URLS.length; walk++) {
      const link = next[walk];
      if (link === undefined) continue;
      const result = await page(link);
      calls[walk].push(result.calls);
      served[walk].push(...result.rows);
      next[walk] = result.next;
    }
  }
  for (const walk of served) expect(walk).toHaveLength(rows);
  const totals = calls.map((walk) => walk.reduce((a, b) => a + b, 0));
  // Before: 3 walks × every page a whole read (the first ones evict each other in turn). Now: two walks are
  // protected once under way; the third pays by cursor until there is room.
  const admitted = totals.filter((total) => total <= 2 * oneRead);
  expect(admitted.length).toBeGreaterThanOrEqual(2);
  for (const [walk, perPage] of calls.entries()) {
    if (totals[walk] > 2 * oneRead) continue;
    // Once its snapshot is kept by a page of its walk, no later page of an admitted walk reads upstream.
    expect(perPage.slice(2).every((count) => count === 0)).toBe(true);
  }
  expect(totals.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual((4 + pagesPerWalk) * oneRead);
});
