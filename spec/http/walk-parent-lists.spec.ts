/**
 * A walk's continuation pages take the parent lists its first page read (issue #15, `src/plan/parent-list-memo.ts`):
 * no nextLink lists the workspaces and repositories again, and a repository deleted mid-walk is no rows, not an error.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

type Page = { status: number; body: { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string }; headers: Record<string, string> };
const get = (url: string, pageSize = 10): Promise<Page> =>
  stack.request.get(url.replace(/^https?:\/\/[^/]+/, '')).set('Authorization', DEMO_BEARER).set('Prefer', `odata.maxpagesize=${pageSize}`) as unknown as Promise<Page>;
const isParentList = (path: string) => path === '/2.0/user/workspaces' || /^\/2\.0\/repositories\/[^/]+$/.test(path);

const URL = '/odata/PullRequests?$select=Workspace,RepositorySlug,Id&$top=60';

test('following the nextLinks lists the workspaces and each repository list once over the walk; the rows are the whole answer', async () => {
  const whole = await get(URL, 1000);
  await stack.clearUpstreamCalls();
  const walked: unknown[] = [];
  let next: string | undefined = URL;
  let pages = 0;
  for (; next && pages < 20; pages++) {
    const page = await get(next);
    expect(page.status).toBe(200);
    walked.push(...page.body.value);
    next = page.body['@odata.nextLink'];
  }
  expect(pages).toBe(6);
  // The first page lists the workspaces and the first workspace's repositories; a later workspace's repositories are
  // listed by the page that reaches them (streams resolved in key order, `streams-in-key-order.ts`), and never twice.
  const lists = (await stack.upstreamCalls()).filter((call) => isParentList(call.path)).map((call) => `${call.path} page ${String(call.query.page ?? 1)}`);
  expect(lists.length).toBeGreaterThan(0);
  expect(lists).toEqual([...new Set(lists)]);
  expect(walked).toEqual(whole.body.value);
});

test('a repository deleted between two pages of a walk is no rows on the next page, not an error', async () => {
  const first = await get(URL);
  expect(first.status).toBe(200);
  const rows = first.body.value;
  const last = rows[rows.length - 1];
  // The next repository of the walk after the first page's last row.
  const after = (await get(`/odata/Repositories?$filter=Workspace eq '${last.Workspace}' and Slug gt '${last.RepositorySlug}'&$orderby=Slug&$top=1&$select=Slug`)).body.value[0];
  expect(after).toBeDefined();
  const removed = await stack.request.delete(`/odata/Repositories(Workspace='${last.Workspace}',Slug='${after.Slug}')`).set('Authorization', DEMO_BEARER);
  expect(removed.status).toBe(204);
  const next = await get(first.body['@odata.nextLink'] as string);
  expect(next.status).toBe(200);
  expect(next.body.value.some((row) => row.RepositorySlug === after.Slug)).toBe(false);
  await stack.resetSandbox();
});
