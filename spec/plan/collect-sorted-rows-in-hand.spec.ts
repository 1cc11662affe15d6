/**
 * `collectSorted` (src/plan/collect-rows.ts, issue #15: latency added per upstream page) takes the rows of a
 * Bitbucket page already read without an await per row (`RowStream.nextInHand`): through `guard` (replan.ts), `next`
 * and `peek` were two or three async frames each for every row. The rows are the list's, in Bitbucket's order, one
 * call for the page; once a replan is decided, a row in hand is refused like every read. `feedInTurn` (an answer's rows
 * handed over as read) and `drain` (a stream read whole: `readStreamsInTurn`, the executor) take them the same way, and a
 * guarded read of a row in hand is one `then` on the stream's own promise, not an async frame around it.
 */
import { promiseHooks } from 'node:v8';
import { BitbucketClient } from '../../src/bitbucket';
import { findDefinition } from '../../src/entity-sets/registry';
import { parseQueryOptions } from '../../src/odata/parse/parse-query-options';
import { collectSorted, drain, feedInTurn } from '../../src/plan/collect-rows';
import type { ExecutionContext } from '../../src/plan/execution-context';
import { planQuery } from '../../src/plan/plan-query';
import { guard, Replan } from '../../src/plan/replan';
import type { ParentLister } from '../../src/plan/resolve-streams';
import { openStream } from '../../src/plan/row-stream';
import { readStreamsInTurn } from '../../src/plan/read-streams-in-turn';
import { compareUpstreamPositions } from '../../src/plan/upstream-position';
import type { Row } from '../../src/odata/ast';
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

test('a stream read whole takes the rows of a page read already in a few microtask turns, not several per row; the rows are the page', async () => {
  const stream = await readStream({ failed: async (error) => error });
  // The page's 30 rows, then the next page: read whole, the stream's 30 first rows are taken before the second call.
  const into: Row[] = [];
  const taking = drain(stream, into);
  // 2 turns until the first page's rows are taken now; 120 before (`next` through `guard`, four async frames a row).
  let turns = 0;
  while (into.length < 30 && turns < 1000) {
    await Promise.resolve();
    turns++;
  }
  expect(turns).toBeLessThanOrEqual(20);
  await taking;
  const hashes: string[] = [];
  for await (const page of client.pages<{ hash: string }>('/repositories/acme-dev/platform-api/commits', { pagelen: 100 }, ctx.credential)) hashes.push(...page.values.map((item) => item.hash));
  expect(into.map((row) => row.Hash)).toEqual(hashes);
});

test('read in turn with a listener, the rows of each page are told once its last row is taken, in order, and every row once', async () => {
  const stream = await readStream({ failed: async (error) => error });
  const told: number[] = [];
  const { rows } = await readStreamsInTurn([stream], Infinity, ctx, { onRowsRead: (page) => told.push(page.length) });
  expect(told.reduce((sum, each) => sum + each, 0)).toBe(rows.length);
  // Pages of 30 rows (the last one the rest).
  expect(told.slice(0, -1).every((each) => each === 30)).toBe(true);
  expect(told[told.length - 1]).toBe(rows.length - 30 * (told.length - 1));
});

test('a guarded read of a row in hand makes one promise more than the stream\'s own read, not an async frame and its await', async () => {
  const stream = await readStream({ failed: async (error) => error });
  const raw = openStream(def, plan.list!, plan, params, () => true, ctx, { pagelen: 30, startPage: 1 }, parents);
  await raw.peek();
  /** Promises made while `read` runs to its first await (`v8.promiseHooks`: those async hooks see). */
  const promisesOf = (read: () => Promise<unknown>): { made: number; done: Promise<unknown> } => {
    let made = 0;
    const stop = promiseHooks.onInit(() => void (made += 1));
    const done = read();
    stop();
    return { made, done };
  };
  const own = promisesOf(() => raw.peek());
  const guarded = promisesOf(() => stream.peek());
  await Promise.all([own.done, guarded.done]);
  // 2 more before: the async frame's promise and its await's (made while a promise hook is on).
  expect(guarded.made - own.made).toBe(1);
});

test('a failed read goes through the refusal handler once, and its answer is what the read rejects with', async () => {
  const decided = new Replan(new ODataError('Internal', { reference: 'test replan' }));
  const seen: unknown[] = [];
  const refusal = {
    failed: async (error: unknown) => {
      seen.push(error);
      return decided;
    },
  };
  const failing = new Error('page failed');
  const raw = openStream(def, plan.list!, plan, params, () => true, ctx, { pagelen: 30, startPage: 1 }, parents);
  raw.peek = () => Promise.reject(failing);
  const stream = guard(raw, refusal);
  await expect(stream.peek()).rejects.toBe(decided);
  expect(seen).toEqual([failing]);
});
