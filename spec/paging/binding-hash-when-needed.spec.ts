/**
 * A page's binding hash (`bindingHash`: two HMACs over the resource, query and credential) is computed only when the
 * page needs it (issue #15, latency added per upstream page): a page that is the whole answer reads no token, issues
 * none and keeps no snapshot, so it signs nothing; a page with a next page signs its token, and that token continues
 * the walk as before. Paging without HTTP, against a fake executor, as in skip-token-handler.spec.ts.
 */
import type { ODataQuery, Row } from '../../src/odata/ast';
import { compareRows } from '../../src/odata/evaluate';
import { parseQueryOptions } from '../../src/odata/parse';
import { findDefinition } from '../../src/entity-sets/registry';
import { edmOf } from '../../src/entity-sets/to-edm-model';
import type { ExecuteOptions, QueryResult } from '../../src/plan/execute-query';
import { RowBudget } from '../../src/memory/memory-budget';
import { CredentialLiveness } from '../../src/paging/credential-liveness';
import { PageSnapshots } from '../../src/paging/page-snapshots';
import { SkipTokenHandler, type PageReader } from '../../src/paging/skip-token-handler';
import { queryBinding } from '../../src/paging/skiptoken';

// The module object itself (not an import namespace of getters), so that a spy on it sees every HMAC skiptoken.ts makes.
const crypto = require('node:crypto') as typeof import('node:crypto');

const def = findDefinition('PullRequests');
if (!def) throw new Error('PullRequests is not declared');
const edm = edmOf(def);

const rows: Row[] = Array.from({ length: 30 }, (_, index) => ({ Workspace: 'acme', RepositorySlug: 'api', Id: index + 1, Title: `pr ${index + 1}` }));

const reader: PageReader = {
  credential: { kind: 'bearer', token: 'secret-token' },
  client: { get: async <T>(): Promise<T> => ({}) as T },
  async execute(query: ODataQuery, options: ExecuteOptions): Promise<QueryResult> {
    const order = compareRows(query.orderby, (def as NonNullable<typeof def>).key, edm);
    const after = options.after;
    const matching = rows.filter((row) => after === undefined || order(row, after) > 0).sort(order);
    return { rows: matching.slice(query.skip ?? 0, query.top === undefined ? undefined : (query.skip ?? 0) + query.top) };
  },
};

function handler(maxPageSize: number) {
  const budget = new RowBudget(1_000_000);
  const snapshots = new PageSnapshots({ ttlSeconds: 300, maxRows: 1000, maxTotalRows: 1000 }, () => 0, budget);
  const paging = new SkipTokenHandler({ secret: Buffer.alloc(32, 7), maxPageSize, snapshots, liveness: new CredentialLiveness(60, () => 0) });
  /** One page as the router reads it: its rows, and the token of the next page when there is one. */
  return async (raw: string): Promise<{ rows: Row[]; token?: string }> => {
    const query = parseQueryOptions(raw);
    const page = paging.servePage({ def: def as NonNullable<typeof def>, query, fetched: query, binding: { resource: '/PullRequests', query: queryBinding(raw), credential: 'bearer:secret-token' }, reader, lease: budget.lease() });
    const first = await page.next();
    const served = first.slice(0, page.pageSize);
    const token = first.length > page.pageSize ? paging.nextToken(page, served[served.length - 1]) : undefined;
    if (token === undefined) paging.endWalk(page);
    return { rows: served, ...(token !== undefined ? { token } : {}) };
  };
}

describe('a page computes its binding hash only when it needs it', () => {
  let hmacs: jest.SpyInstance;
  beforeEach(() => {
    hmacs = jest.spyOn(crypto, 'createHmac');
  });
  afterEach(() => hmacs.mockRestore());

  it('a page that is the whole answer ($top within the page size) signs nothing', async () => {
    const page = handler(100);
    const { rows: served, token } = await page('$top=20');
    expect([served.length, token, hmacs.mock.calls.length]).toEqual([20, undefined, 0]);
  });

  it('a page with a next page signs its token (the binding hash and the token), and the token continues the walk', async () => {
    const page = handler(10);
    const first = await page('$top=25');
    expect([first.rows.length, typeof first.token]).toEqual([10, 'string']);
    expect(hmacs.mock.calls.length).toBeGreaterThan(0);
    const second = await page(`$top=25&$skiptoken=${encodeURIComponent(first.token as string)}`);
    expect(second.rows.map((row) => row.Id)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });
});
