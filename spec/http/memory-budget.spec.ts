/**
 * One row budget for the process (MAX_ROWS_IN_MEMORY, issue #11.3): answers read whole to be sorted here and paging
 * snapshots count against it. A request that cannot get its share is refused with 503 MemoryBusy and Retry-After
 * before anything is sent; one that alone needs more than the whole budget gets 400 naming what to narrow. Snapshots
 * not being walked are reclaimed for a request; a snapshot whose walk is under way is not.
 */
import { RowBudget } from '../../src/memory/memory-budget';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');
const BY_TITLE = '/odata/PullRequests?$orderby=Title&$select=Workspace,RepositorySlug,Id,Title';
const BY_TITLE_DESC = '/odata/PullRequests?$orderby=Title desc&$select=Id,Title';
const PAGE = 40;

function get(on: Stack, url: string, pageSize?: number) {
  const request = on.request.get(local(url)).set('Authorization', DEMO_BEARER);
  return pageSize === undefined ? request : request.set('Prefer', `odata.maxpagesize=${pageSize}`);
}

describe('RowBudget', () => {
  test('a lease takes rows as they come and gives them all back; beyond the free rows it throws 503 with Retry-After', () => {
    const budget = new RowBudget(1000);
    const a = budget.lease();
    for (let i = 0; i < 700; i++) a.hold(1);
    expect(budget.held).toBeGreaterThanOrEqual(700);
    const b = budget.lease();
    let thrown: unknown;
    try {
      for (let i = 0; i < 400; i++) b.hold(1);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toEqual(expect.objectContaining({ code: 'MemoryBusy', status: 503, headers: { 'Retry-After': '10' } }));
    a.release();
    b.release();
    expect(budget.held).toBe(0);
  });

  test('more than the whole budget is 400: retrying cannot help', () => {
    const lease = new RowBudget(10).lease();
    expect(() => lease.hold(11)).toThrow(expect.objectContaining({ code: 'TooManyRowsInMemory', status: 400 }));
  });
});

describe('over HTTP', () => {
  let stack: Stack;
  let total: number;

  beforeAll(async () => {
    stack = await startStack({ env: { MAX_ROWS_IN_MEMORY: '500' } });
    total = (await get(stack, BY_TITLE, 1000)).body.value.length;
  });
  afterAll(() => stack.close());

  test('the set fits the budget alone', () => {
    // The numbers below assume the default seed: 400 pull requests, more than the 140 rows left beside a walk's 360.
    expect(total).toBe(400);
  });

  test('a whole-set read that does not fit beside a walk under way is 503 MemoryBusy with Retry-After, then served once the walk ends', async () => {
    const first = await get(stack, BY_TITLE, PAGE);
    const second = await get(stack, first.body['@odata.nextLink'], PAGE);
    expect(second.status).toBe(200);
    // 360 rows are held by the walk's snapshot, and it is being walked: the other read cannot have 400.
    const refused = await get(stack, BY_TITLE_DESC, 1000);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('MemoryBusy');
    expect(refused.body.error.message).toContain('MAX_ROWS_IN_MEMORY = 500');
    expect(refused.headers['retry-after']).toBe('10');
    expect(refused.body.value).toBeUndefined();
    // The walk goes on to its end (its last page frees the snapshot's rows); then the read is served.
    let next: string | undefined = second.body['@odata.nextLink'];
    while (next) {
      const page = await get(stack, next, PAGE);
      expect(page.status).toBe(200);
      next = page.body['@odata.nextLink'];
    }
    const served = await get(stack, BY_TITLE_DESC, 1000);
    expect(served.status).toBe(200);
    expect(served.body.value).toHaveLength(400);
  });

  test('a snapshot nobody walks is reclaimed for a request that needs its rows', async () => {
    const first = await get(stack, BY_TITLE, PAGE);
    expect(first.body['@odata.nextLink']).toBeDefined();
    const served = await get(stack, BY_TITLE_DESC, 1000);
    expect(served.status).toBe(200);
    // Its walk still gets every row, by cursor.
    const second = await get(stack, first.body['@odata.nextLink'], PAGE);
    expect(second.status).toBe(200);
    expect(second.body.value).toHaveLength(PAGE);
  });

  test('a read that alone needs more than the budget is 400 TooManyRowsInMemory', async () => {
    const small = await startStack({ env: { MAX_ROWS_IN_MEMORY: '100' } });
    try {
      const response = await get(small, BY_TITLE_DESC, 1000);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('TooManyRowsInMemory');
      expect(response.body.error.message).toContain('MAX_ROWS_IN_MEMORY');
    } finally {
      await small.close();
    }
  });
});
