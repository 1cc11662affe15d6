/**
 * `openStream` (src/plan/row-stream.ts, issue #15.3): a row already read from its Bitbucket page is handed out without
 * awaiting anything more. `next` is called for every row of a read; it used to await the stream's parent check on
 * each call although the check is asked once (a microtask and an async hook per row, ~3 % of the gateway's CPU on
 * a 100,000-row walk). The rows themselves are those of the list, in Bitbucket's order, one call per page.
 */
import { BitbucketClient } from '../../src/bitbucket';
import { findDefinition } from '../../src/entity-sets/registry';
import { parseQueryOptions } from '../../src/odata/parse/parse-query-options';
import type { ExecutionContext } from '../../src/plan/execution-context';
import { planQuery } from '../../src/plan/plan-query';
import type { ParentLister } from '../../src/plan/resolve-streams';
import { openStream } from '../../src/plan/row-stream';
import { DEMO_USER } from '../../sandbox/identities';
import { startSandbox } from '../../sandbox/app';

/** Microtask turns until `promise` settles (at most 20). */
async function turnsUntil(promise: Promise<unknown>): Promise<number> {
  let settled = false;
  void promise.then(() => (settled = true));
  let turns = 0;
  while (!settled && turns < 20) {
    await Promise.resolve();
    turns++;
  }
  return turns;
}

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimitPerHour: 1_000_000 }, 0);
});
afterAll(() => sandbox.close());

test.each([
  { name: 'the repository named by the filter (its parent checked once)', query: "$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'" },
  { name: 'no filter (no parent check)', query: '' },
])('$name: buffered rows come in two turns each, the rows of the list in order', async ({ query }) => {
  const def = findDefinition('Commits')!;
  const plan = planQuery(def, parseQueryOptions(query));
  const client = new BitbucketClient({ baseUrl: sandbox.apiUrl });
  const ctx: ExecutionContext = {
    client,
    credential: { kind: 'bearer', token: DEMO_USER.bearerToken },
    limits: { maxFanOut: 1000, fanOutConcurrency: 4 },
    now: new Date(),
  };
  const parents: ParentLister = async () => {
    throw new Error('no parent list is needed');
  };
  try {
    const params = { workspace: 'acme-dev', repo_slug: 'platform-api' };
    const stream = openStream(def, plan.list!, plan, params, () => true, ctx, { pagelen: 30, startPage: 1 }, parents);
    const hashes: unknown[] = [(await stream.next())?.Hash];
    const turns: number[] = [];
    for (let read = 1; read < 30; read++) {
      const row = stream.next();
      turns.push(await turnsUntil(row));
      hashes.push((await row)?.Hash);
    }
    // The rest of the page is buffered: each row settles in the two turns of `next` awaiting `peek` (3 while `peek`
    // still awaited the parent check for every row).
    expect(Math.max(...turns)).toBeLessThanOrEqual(2);
    const page = (await client.get<{ values: { hash: string }[] }>('/repositories/acme-dev/platform-api/commits', { pagelen: 30 }, ctx.credential)).values;
    expect(hashes).toEqual(page.map((item) => item.hash));
  } finally {
    client.close();
  }
});
