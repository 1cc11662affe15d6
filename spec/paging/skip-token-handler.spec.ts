/**
 * Paging without HTTP (`src/paging/skip-token-handler.ts`): a walk of pages against a fake executor that holds a set
 * in memory (sorted by the answer's total order, rows after a cursor, `$skip`/`$top`/`$count`; optionally reporting
 * the whole ordered set, as a read sorted here does). The HTTP specs (paging-*, page-snapshots, commits-walk,
 * credential-liveness, snapshot-admission) hold the end-to-end behaviour; this one states the component's rules in
 * milliseconds: every row once, the calls each page costs, tokens bound to their query and credential, snapshots.
 */
import { UpstreamError } from '../../src/bitbucket';
import type { ODataQuery, Row } from '../../src/odata/ast';
import { ODataError } from '../../src/odata/errors';
import { compareRows } from '../../src/odata/evaluate';
import { parseQueryOptions } from '../../src/odata/parse';
import { findDefinition } from '../../src/entity-sets/registry';
import { edmOf } from '../../src/entity-sets/to-edm-model';
import type { ExecuteOptions, QueryResult } from '../../src/plan/execute-query';
import { RowBudget } from '../../src/memory/memory-budget';
import { CredentialLiveness } from '../../src/paging/credential-liveness';
import { PageSnapshots } from '../../src/paging/page-snapshots';
import { CHUNK_ROWS, SkipTokenHandler, type Page, type PageReader } from '../../src/paging/skip-token-handler';
import { queryBinding, type SkiptokenBinding } from '../../src/paging/skiptoken';

const def = findDefinition('PullRequests');
if (!def) throw new Error('PullRequests is not declared');
const edm = edmOf(def);
const SECRET = Buffer.alloc(32, 7);

/** `count` pull requests over two repositories, in no particular order. */
function pullRequests(count: number): Row[] {
  return Array.from({ length: count }, (_, index) => ({
    Workspace: 'acme',
    RepositorySlug: index % 2 === 0 ? 'api' : 'web',
    Id: Math.floor(index / 2) + 1,
    Title: `pr ${(index * 7919) % count}`,
    UpdatedOn: `2024-01-01T00:00:${String(index % 60).padStart(2, '0')}Z`,
  })).reverse();
}

interface Fake {
  reader: PageReader;
  /** One entry per `execute`: whether it continued after a cursor, and its `$top`. */
  executions: { after: boolean; top?: number }[];
  userCalls: number;
}

/** The executor over `rows`; `sortsWhole`: it reads every row and reports them ordered (an order sorted here). */
function fakeReader(rows: Row[], options: { sortsWhole?: boolean; credentialRevoked?: () => boolean } = {}): Fake {
  const fake: Fake = {
    executions: [],
    userCalls: 0,
    reader: {
      credential: { kind: 'bearer', token: 'secret-token' },
      client: {
        get: async <T>(): Promise<T> => {
          fake.userCalls += 1;
          if (options.credentialRevoked?.()) throw new UpstreamError({ kind: 'unauthorized', method: 'GET', url: 'https://api.bitbucket.org/2.0/user', attempts: 1, status: 401 });
          return {} as T;
        },
      },
      async execute(query: ODataQuery, executeOptions: ExecuteOptions): Promise<QueryResult> {
        fake.executions.push({ after: executeOptions.after !== undefined, ...(query.top !== undefined ? { top: query.top } : {}) });
        const order = compareRows(query.orderby, (def as NonNullable<typeof def>).key, edm);
        const after = executeOptions.after;
        const matching = rows.filter((row) => after === undefined || order(row, after) > 0).sort(order);
        const skip = query.skip ?? 0;
        const page = matching.slice(skip, query.top === undefined ? undefined : skip + query.top);
        return {
          rows: page,
          ...(query.count ? { count: matching.length } : {}),
          ...(options.sortsWhole && executeOptions.reportOrdered ? { ordered: matching } : {}),
        };
      },
    },
  };
  return fake;
}

interface Walk {
  pages: Row[][];
  firstPage: Page;
  lastPage: Page;
}

function harness(settings: { maxPageSize?: number; now?: () => number; recheckSeconds?: number; snapshotRows?: number } = {}) {
  const now = settings.now ?? (() => 0);
  const budget = new RowBudget(1_000_000);
  const snapshots = new PageSnapshots({ ttlSeconds: 300, maxRows: settings.snapshotRows ?? 200_000, maxTotalRows: settings.snapshotRows ?? 400_000 }, now, budget);
  const liveness = new CredentialLiveness(settings.recheckSeconds ?? 60, now);
  const paging = new SkipTokenHandler({ secret: SECRET, maxPageSize: settings.maxPageSize ?? 1000, snapshots, liveness });
  const binding = (raw: string, credential = 'bearer:secret-token'): SkiptokenBinding => ({ resource: '/PullRequests', query: queryBinding(raw), credential });

  /** One page of `raw` (its `$skiptoken` included): its rows, read chunk by chunk as the router does. */
  async function page(raw: string, fake: Fake, preferredPageSize?: number, credential?: string): Promise<{ page: Page; rows: Row[]; token?: string }> {
    const query = parseQueryOptions(raw);
    const prefer = preferredPageSize === undefined ? undefined : `odata.maxpagesize=${preferredPageSize}`;
    const served = paging.servePage({ def: def as NonNullable<typeof def>, query, fetched: query, binding: binding(raw, credential), ...(prefer ? { prefer } : {}), reader: fake.reader, lease: budget.lease() });
    const rows: Row[] = [];
    let more = false;
    do {
      const chunk = await served.next();
      const take = chunk.slice(0, served.pageSize - rows.length);
      rows.push(...take);
      more = chunk.length > take.length;
    } while (!served.done && !more);
    const token = more ? paging.nextToken(served, rows[rows.length - 1]) : undefined;
    if (!token) paging.endWalk(served);
    return { page: served, rows, ...(token ? { token } : {}) };
  }

  /** Every page of `raw`, following each token as a client follows nextLinks. */
  async function walk(raw: string, fake: Fake, preferredPageSize?: number): Promise<Walk> {
    const pages: Row[][] = [];
    let first: Page | undefined;
    let current = await page(raw, fake, preferredPageSize);
    first = current.page;
    pages.push(current.rows);
    while (current.token) {
      current = await page(`${raw}${raw ? '&' : ''}$skiptoken=${encodeURIComponent(current.token)}`, fake);
      pages.push(current.rows);
    }
    return { pages, firstPage: first, lastPage: current.page };
  }
  return { paging, snapshots, page, walk };
}

const keyOf = (row: Row) => `${row.RepositorySlug}#${row.Id}`;

describe('SkipTokenHandler: serve a page from a token, make the next token', () => {
  it('a walk in key order serves every row once, one read per page, each after the last page’s cursor', async () => {
    const rows = pullRequests(250);
    const fake = fakeReader(rows);
    const { walk } = harness({ maxPageSize: 100 });
    const { pages } = await walk('', fake);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    const keys = pages.flat().map(keyOf);
    expect(new Set(keys).size).toBe(250);
    expect(fake.executions).toEqual([{ after: false, top: 101 }, { after: true, top: 101 }, { after: true, top: 101 }]);
  });

  it('$top bounds the walk across pages; the first page’s @odata.count is carried, not counted again', async () => {
    const fake = fakeReader(pullRequests(250));
    const { walk } = harness({ maxPageSize: 10 });
    const { pages, lastPage } = await walk('$top=25&$count=true', fake);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(lastPage.count).toBe(250);
    expect(fake.executions.map((e) => e.top)).toEqual([11, 11, 5]);
  });

  it('Prefer: odata.maxpagesize sets the page size of the whole walk (its tokens carry it), capped by MAX_PAGE_SIZE', async () => {
    const fake = fakeReader(pullRequests(30));
    const { walk, page } = harness({ maxPageSize: 20 });
    const { pages, firstPage } = await walk('', fake, 7);
    expect(firstPage.preferenceApplied).toBe(7);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 2]);
    expect((await page('', fakeReader(pullRequests(30)), 50)).page.preferenceApplied).toBe(20);
  });

  it('an order sorted here: the first page reads the set once, later pages come from the snapshot with no read', async () => {
    const rows = pullRequests(95);
    const fake = fakeReader(rows, { sortsWhole: true });
    const { walk, snapshots } = harness({ maxPageSize: 20 });
    const { pages } = await walk('$orderby=Title', fake);
    expect(pages.map((p) => p.length)).toEqual([20, 20, 20, 20, 15]);
    expect(pages.flat().map((row) => row.Title)).toEqual([...rows].map((row) => row.Title as string).sort());
    expect(fake.executions).toHaveLength(1);
    // The first page's read confirmed the credential, so no page asked Bitbucket again; the last page freed it.
    expect(fake.userCalls).toBe(0);
    expect(snapshots.stats()).toEqual({ snapshots: 0, rows: 0 });
  });

  it('a snapshot page re-checks the credential once its confirmation is older than the recheck time; a revoked one gets 401 and no rows', async () => {
    let clock = 0;
    let revoked = false;
    const fake = fakeReader(pullRequests(60), { sortsWhole: true, credentialRevoked: () => revoked });
    const { page } = harness({ maxPageSize: 20, now: () => clock, recheckSeconds: 60 });
    const first = await page('$orderby=Title', fake);
    clock = 61_000;
    const second = await page(`$orderby=Title&$skiptoken=${encodeURIComponent(first.token as string)}`, fake);
    expect([second.rows.length, fake.executions.length, fake.userCalls]).toEqual([20, 1, 1]);
    clock = 122_000;
    revoked = true;
    const third = page(`$orderby=Title&$skiptoken=${encodeURIComponent(second.token as string)}`, fake);
    await expect(third).rejects.toMatchObject({ status: 401 });
    expect(fake.executions).toHaveLength(1);
  });

  it('without a snapshot (too large to keep) the cursor continues the walk on live data, each page reading again', async () => {
    const fake = fakeReader(pullRequests(50), { sortsWhole: true });
    const { walk } = harness({ maxPageSize: 20, snapshotRows: 5 });
    const { pages } = await walk('$orderby=Title', fake);
    expect(new Set(pages.flat().map(keyOf)).size).toBe(50);
    expect(fake.executions.map((e) => e.after)).toEqual([false, true, true]);
  });

  it('a token continues only its own query and credential', async () => {
    const fake = fakeReader(pullRequests(30));
    const { page } = harness({ maxPageSize: 10 });
    const { token } = await page('$orderby=Id', fake);
    const tokenText = encodeURIComponent(token as string);
    await expect(page(`$orderby=Title&$skiptoken=${tokenText}`, fake)).rejects.toMatchObject({ code: 'InvalidSkipToken' });
    await expect(page(`$orderby=Id&$skiptoken=${tokenText}`, fake, undefined, 'bearer:someone-else')).rejects.toBeInstanceOf(ODataError);
    await expect(page(`$orderby=Id&$skiptoken=${tokenText}x`, fake)).rejects.toMatchObject({ code: 'InvalidSkipToken' });
    expect((await page(`$orderby=Id&$skiptoken=${tokenText}`, fake)).rows[0].Id).toBe(6);
  });

  it('a token or preference that cannot be honoured is refused before anything is read', async () => {
    const fake = fakeReader(pullRequests(30));
    const { paging } = harness();
    const serve = (raw: string, prefer?: string) => () =>
      paging.servePage({ def: def as NonNullable<typeof def>, query: parseQueryOptions(raw), fetched: parseQueryOptions(raw), binding: { resource: '/PullRequests', query: queryBinding(raw), credential: 'bearer:x' }, ...(prefer ? { prefer } : {}), reader: fake.reader, lease: new RowBudget(10).lease() });
    expect(serve('$skiptoken=not-a-token')).toThrow(expect.objectContaining({ code: 'InvalidSkipToken' }));
    expect(serve('', 'odata.maxpagesize=0')).toThrow(expect.objectContaining({ code: 'InvalidPreference' }));
    expect([fake.executions.length, fake.userCalls]).toEqual([0, 0]);
  });

  it('a page larger than a chunk is read chunk after chunk, each after the last chunk’s cursor', async () => {
    const fake = fakeReader(pullRequests(2 * CHUNK_ROWS + 500));
    const { page } = harness({ maxPageSize: 100_000 });
    const { rows, token } = await page('', fake);
    expect([rows.length, token]).toEqual([2 * CHUNK_ROWS + 500, undefined]);
    expect(fake.executions).toEqual([{ after: false, top: CHUNK_ROWS }, { after: true, top: CHUNK_ROWS }, { after: true, top: CHUNK_ROWS }]);
  });
});
