/**
 * `collectSorted` (src/plan/collect-rows.ts, issue #15: latency added per upstream page) takes the rows of a
 * Bitbucket page already read without an await per row (`RowStream.nextInHand`): through `guard` (replan.ts), `next`
 * and `peek` were two or three async frames each for every row. The rows are the list's, in Bitbucket's order, one
 * call for the page; once a replan is decided, a row in hand is refused like every read. `feedInTurn` (an answer's rows
 * handed over as read) takes them the same way.
 */
import { BitbucketClient } from '../../src/bitbucket';
import { findDefinition } from '../../src/entity-sets/registry';
import { parseQueryOptions } from '../../src/odata/parse/parse-query-options';
import { collectSorted, feedInTurn } from '../../src/plan/collect-rows';
import type { ExecutionContext } from '../../src/plan/execution-context';
import { planQuery } from '../../src/plan/plan-query';
import { guard, Replan } from '../../src/plan/replan';
import type { ParentLister } from '../../src/plan/resolve-streams';
import { openStream } from '../../src/plan/row-stream';
import { compareUpstreamPositions } from '../../src/plan/upstream-position';
import { ODataError } from '../../src/odata/errors';
import { DEMO_USER } from '../../sandbox/identities';
import { startSandbox } from '../../sandbox/app';

/** Microtask turns until `promise` settles (at most `cap`). */
async function turnsUntil(promise: Promise<unknown>, cap: number): Promise<number> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  let turns = 0;
  while (!settled && turns < cap) {
    await Promise.resolve();
    turns++;
  }
  return turns;
}

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let client: BitbucketClient;
let ctx: ExecutionContext;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimitPerHour: 1_000_000 }, 0);
  client = new BitbucketClient({ baseUrl: sandbox.apiUrl });
  ctx = { client, credential: { kind: 'bearer', token: DEMO_USER.bearerToken }, limits: { maxFanOut: 1000, fanOutConcurrency: 4 }, now: new Date() };
});
afterAll(async () => {
  client.close();
  await sandbox.close();
});

const def = findDefinition('Commits')!;
const plan = planQuery(def, parseQueryOptions("$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'"));
const parents: ParentLister = async () => {
  throw new Error('no parent list is needed');
};
const params = { workspace: 'acme-dev', repo_slug: 'platform-api' };

/** A stream of the repository's commits in pages of 30, guarded as the executor guards it, with its first page read. */
async function readStream(refusal: { decided?: Replan; failed(error: unknown): Promise<unknown> }) {
  const stream = guard(openStream(def, plan.list!, plan, params, () => true, ctx, { pagelen: 30, startPage: 1 }, parents), refusal);
  await stream.peek();
  return stream;
}

test('the rows of a page read already are collected in a few microtask turns, not several per row; the rows are the page', async () => {
  const stream = await readStream({ failed: async (error) => error });
  const collecting = collectSorted([stream], compareUpstreamPositions, 30, ctx, true);
  // 6 turns in all now (the heads' `peek` and the return); 6 per row before, 180 in all (`next` and `peek` through `guard`).
  expect(await turnsUntil(collecting, 1000)).toBeLessThanOrEqual(30);
  const page = (await client.get<{ values: { hash: string }[] }>('/repositories/acme-dev/platform-api/commits', { pagelen: 30 }, ctx.credential)).values;
  expect((await collecting).map((row) => row.Hash)).toEqual(page.map((item) => item.hash));
});

test('the feed hands over the rows of a page read already in a few microtask turns, not several per row; the rows are the page', async () => {
  const stream = await readStream({ failed: async (error) => error });
  const feed = feedInTurn([stream], compareUpstreamPositions, compareUpstreamPositions, { skip: 0, need: Infinity }, true);
  const handing = feed.next(100);
  // 12 turns now (the step's awaits of the read ahead, `peek` and the last row's `next`); 244 before, 8 per row.
  expect(await turnsUntil(handing, 1000)).toBeLessThanOrEqual(40);
  const page = (await client.get<{ values: { hash: string }[] }>('/repositories/acme-dev/platform-api/commits', { pagelen: 30 }, ctx.credential)).values;
  expect((await handing).map((row) => row.Hash)).toEqual(page.map((item) => item.hash));
});

test('once a replan is decided, a row in hand is refused like every read', async () => {
  const refusal: { decided?: Replan; failed(error: unknown): Promise<unknown> } = { failed: async (error) => error };
  const stream = await readStream(refusal);
  refusal.decided = new Replan(new ODataError('Internal', { reference: 'test replan' }));
  expect(() => stream.nextInHand?.()).toThrow(refusal.decided);
  await expect(collectSorted([stream], compareUpstreamPositions, 30, ctx, true)).rejects.toBe(refusal.decided);
});
