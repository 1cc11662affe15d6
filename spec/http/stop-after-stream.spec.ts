/**
 * Rule stopAfterStream (issue #15, `src/plan/read-strategy.ts`): sets Bitbucket does not order by our key (refs sort
 * "naturally", pipelines and comments not by their key) read repositories in turn, each whole, and stop once `$skip` +
 * `$top` rows are in hand. The page must be the slice of the whole answer (`$count=true` reads every stream).
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const get = (url: string) => stack.request.get(url).set('Authorization', DEMO_BEARER);

test.each([
  ['Branches', '$select=Workspace,RepositorySlug,Name', 0, 50],
  ['Branches', "$select=RepositorySlug,Name&$filter=startswith(Name,'feature/')", 7, 9],
  ['Tags', '$select=RepositorySlug,Name&$orderby=Workspace desc,RepositorySlug desc,Name', 3, 12],
  ['Pipelines', '$select=RepositorySlug,Uuid,BuildNumber', 2, 5],
])('%s?%s $skip=%d $top=%d is the slice of the whole answer, in fewer calls', async (set, options, skip, top) => {
  const whole = await get(`/odata/${set}?${options}&$count=true`);
  const page = await get(`/odata/${set}?${options}&$skip=${skip}&$top=${top}`);
  expect(whole.status).toBe(200);
  expect(page.status).toBe(200);
  expect(page.body.value.length).toBeGreaterThan(0);
  expect(page.body.value).toEqual(whole.body.value.slice(skip, skip + top));
  expect(Number(page.headers['x-upstream-requests'])).toBeLessThan(Number(whole.headers['x-upstream-requests']));
});
