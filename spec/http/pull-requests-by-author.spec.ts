/**
 * Pull requests by author (issue #15): `AuthorUuid eq …` reads Bitbucket's
 * `/workspaces/{workspace}/pullrequests/{selected_user}` (one stream per workspace) instead of every repository's
 * list. The answer must be the one the fan-out over repositories gives: the same filter spelled so that it cannot fix
 * the author (`tolower(AuthorUuid) eq …`, evaluated here) is the reference.
 */
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { AUTHOR } from './support/pushdown-cases';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const get = (url: string, prefer?: string) => {
  const request = stack.request.get(url).set('Authorization', DEMO_BEARER);
  return prefer ? request.set('Prefer', prefer) : request;
};

const byRoute = `AuthorUuid eq '${AUTHOR}'`;
const byFanOut = `tolower(AuthorUuid) eq '${AUTHOR.toLowerCase()}'`;

test.each([
  ['every state, with $count', '$count=true'],
  ['merged only, newest first, $top=3', "$filter=State eq 'MERGED'&$orderby=CreatedOn desc&$top=3"],
  ['in one workspace, $skip=2&$top=4', "$filter=Workspace eq 'acme-dev'&$skip=2&$top=4&$count=true"],
])('%s: the same answer as the fan-out over repositories, in fewer calls', async (_name, options) => {
  const withFilter = (author: string) => {
    const filter = /\$filter=([^&]*)/.exec(options);
    const rest = options.replace(/\$filter=[^&]*&?/, '');
    return `/odata/PullRequests?$filter=${author}${filter ? ` and ${filter[1]}` : ''}${rest ? `&${rest}` : ''}`;
  };
  const reference = await get(withFilter(byFanOut));
  const answer = await get(withFilter(byRoute));
  expect(reference.status).toBe(200);
  expect(answer.status).toBe(200);
  expect(answer.body.value.length).toBeGreaterThan(0);
  expect(answer.body.value).toEqual(reference.body.value);
  expect(answer.body['@odata.count']).toEqual(reference.body['@odata.count']);
  expect(Number(answer.headers['x-upstream-requests'])).toBeLessThan(Number(reference.headers['x-upstream-requests']));
});

test('following every nextLink of 4-row pages gives the whole answer once', async () => {
  const whole = await get(`/odata/PullRequests?$filter=${byRoute}&$select=Workspace,RepositorySlug,Id`);
  const walked: unknown[] = [];
  let next: string | undefined = `/odata/PullRequests?$filter=${byRoute}&$select=Workspace,RepositorySlug,Id`;
  for (let pages = 0; next && pages < 50; pages++) {
    const page = await get(next.replace(/^https?:\/\/[^/]+/, ''), 'odata.maxpagesize=4');
    expect(page.status).toBe(200);
    walked.push(...page.body.value);
    next = page.body['@odata.nextLink'];
  }
  expect(walked.length).toBeGreaterThan(4);
  expect(walked).toEqual(whole.body.value);
});
