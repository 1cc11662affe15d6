/**
 * Key-order `$top` reads over the fan-out spend what reading in turn spends (issue #15, `src/plan/read-ahead.ts`,
 * `src/plan/streams-in-key-order.ts`): a later workspace's repositories are listed only when the read reaches them,
 * and the streams read (ahead or not) are exactly the key-order prefix that holds the answer's rows. The answers are
 * the slice of the whole answer (`$count=true` reads every stream's size, so it lists every parent).
 */
import { DEMO_BEARER, startStack, type Stack, type UpstreamCall } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

type Rows = Array<Record<string, unknown>>;
const get = async (url: string): Promise<{ status: number; rows: Rows; calls: number }> => {
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  return { status: response.status, rows: response.body.value as Rows, calls: Number(response.headers['x-upstream-requests']) };
};
/** The upstream calls `url` makes, and its answer. */
const callsOf = async (url: string): Promise<{ rows: Rows; calls: UpstreamCall[]; counted: number }> => {
  await stack.clearUpstreamCalls();
  const answer = await get(url);
  expect(answer.status).toBe(200);
  return { rows: answer.rows, calls: await stack.upstreamCalls(), counted: answer.calls };
};
const repositoryLists = (calls: UpstreamCall[]) => calls.filter((call) => /^\/2\.0\/repositories\/[^/]+$/.test(call.path)).map((call) => call.path);

const FIRST = "Workspace eq 'acme-dev' and RepositorySlug eq 'auth-service'";

test.each([
  // The reference: the first repository's own rows (it holds 5 of each), or the whole answer's slice ($count=true
  // reads every stream's size, so it lists every parent).
  ['PullRequests', '$select=Workspace,RepositorySlug,Id', 5, `$filter=${FIRST}&$top=5`],
  ['PullRequests', '$select=Workspace,RepositorySlug,Id&$expand=Repository($select=Name)', 30, '$top=30&$count=true'],
  ['Commits', '$select=Workspace,RepositorySlug,Hash', 5, `$filter=${FIRST}&$top=5`],
])("%s?%s&$top=%d lists only the first workspace's repositories, and answers what %s answers", async (set, options, top, reference) => {
  const whole = await get(`/odata/${set}?${options}&${reference}`);
  const { rows, calls, counted } = await callsOf(`/odata/${set}?${options}&$top=${top}`);
  expect(rows).toEqual(whole.rows);
  expect(rows.length).toBe(top);
  expect(new Set(rows.map((row) => row.Workspace))).toEqual(new Set(['acme-dev']));
  expect(new Set(repositoryLists(calls))).toEqual(new Set(['/2.0/repositories/acme-dev']));
  expect(counted).toBe(calls.length);
});

/** The streams a read reads, each once (by its list path), in the order first asked. */
const streamsRead = (calls: UpstreamCall[], pattern: RegExp) => calls.map((call) => pattern.exec(call.path)?.[1]).filter((path): path is string => path !== undefined);

test("Pipelines $top=N reads the repositories in key order up to the one that fills N, and none past it", async () => {
  const whole = await get("/odata/Pipelines?$filter=Workspace eq 'acme-dev'&$select=RepositorySlug,Uuid&$count=true");
  const repositories = (await get("/odata/Repositories?$filter=Workspace eq 'acme-dev'&$select=Slug")).rows.map((row) => String(row.Slug));
  const perRepository = repositories.map((slug) => whole.rows.filter((row) => row.RepositorySlug === slug).length);
  // A $top the 5th repository with pipelines fills: reading one, then two, then four at a time read 7.
  const filled = perRepository.map((_, at) => perRepository.slice(0, at + 1).filter((count) => count > 0).length).indexOf(5);
  expect(filled).toBeGreaterThan(4);
  const top = perRepository.slice(0, filled).reduce((a, b) => a + b, 0) + 1;
  const { rows, calls } = await callsOf(`/odata/Pipelines?$select=Workspace,RepositorySlug,Uuid&$top=${top}`);
  expect(rows.map((row) => [row.RepositorySlug, row.Uuid])).toEqual(whole.rows.slice(0, top).map((row) => [row.RepositorySlug, row.Uuid]));
  expect(streamsRead(calls, /^\/2\.0\/repositories\/acme-dev\/([^/]+)\/pipelines$/)).toEqual(repositories.slice(0, filled + 1));
  expect(new Set(repositoryLists(calls))).toEqual(new Set(['/2.0/repositories/acme-dev']));
});

test('PullRequestComments $top=5 reads the comments of the pull requests that hold the 5, and no others', async () => {
  const { rows, calls } = await callsOf('/odata/PullRequestComments?$select=Workspace,RepositorySlug,PullRequestId,Id&$top=5');
  expect(rows.length).toBe(5);
  const read = streamsRead(calls, /^\/2\.0\/repositories\/acme-dev\/[^/]+\/pullrequests\/(\d+)\/comments$/);
  const last = rows[rows.length - 1];
  // Every pull request from the first up to the one that holds the last row, in key order; nothing after it.
  expect(read.map(Number)).toEqual(Array.from({ length: Number(last.PullRequestId) }, (_, at) => at + 1));
  expect(new Set(rows.map((row) => row.RepositorySlug))).toEqual(new Set([last.RepositorySlug]));
});
