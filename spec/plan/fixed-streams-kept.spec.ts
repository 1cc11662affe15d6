/**
 * A kept plan whose filter fixes every route parameter has its streams worked out once (issue #15: CPU per answer
 * page). These rows state that `resolveStreams` answers as it did: the same streams in the same order as for a plan
 * that is not kept (an unfrozen copy goes through the loop); UUID values dropped; the same FanOutTooWide, naming the
 * same parameter and count, and abandoning the request's work; and a caller may change the array it gets.
 */
import { findDefinition } from '../../src/entity-sets/registry';
import { ODataError } from '../../src/odata/errors';
import { parseQueryOptions } from '../../src/odata/parse';
import type { ExecutionContext } from '../../src/plan/execution-context';
import { planQuery } from '../../src/plan/plan-query';
import { resolveStreams, type ParentLister } from '../../src/plan/resolve-streams';

const commits = findDefinition('Commits')!;
const noParents: ParentLister = async () => {
  throw new Error('every parameter is fixed: no parent list is read');
};
const contextOf = (maxFanOut: number, abandoned: unknown[] = []) => ({ limits: { maxFanOut, fanOutConcurrency: 4 }, abandon: (reason: unknown) => abandoned.push(reason) }) as unknown as ExecutionContext;

async function both(filter: string, maxFanOut: number) {
  const kept = planQuery(commits, parseQueryOptions(`$filter=${encodeURIComponent(filter)}`));
  expect(Object.isFrozen(kept)).toBe(true);
  const fresh = { ...kept };
  const run = async (plan: typeof kept) => {
    const abandoned: unknown[] = [];
    try {
      return { streams: await resolveStreams(plan, plan.list!.params, contextOf(maxFanOut, abandoned), noParents), abandoned: abandoned.length };
    } catch (error) {
      return { error: error instanceof ODataError ? error.message : String(error), abandoned: abandoned.length };
    }
  };
  return { kept: await run(kept), again: await run(kept), fresh: await run(fresh) };
}

describe('streams of a plan that fixes every parameter, kept', () => {
  test.each([
    ["Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'", 100],
    ["Workspace in ('acme-ops','acme-dev') and RepositorySlug in ('b','a','c')", 100],
    ["Workspace in ('acme-dev','{6a1f}') and RepositorySlug eq 'platform-api'", 100],
    ["Workspace in ('w1','w2','w3') and RepositorySlug in ('a','b')", 2],
    ["Workspace in ('w1','w2') and RepositorySlug in ('a','b')", 3],
  ])('%s (at most %d streams): as the loop answers', async (filter, maxFanOut) => {
    const { kept, again, fresh } = await both(filter, maxFanOut);
    expect(kept).toEqual(fresh);
    expect(again).toEqual(fresh);
  });

  test('the caller gets an array of its own', async () => {
    const plan = planQuery(commits, parseQueryOptions(`$filter=${encodeURIComponent("Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'")}`));
    const first = await resolveStreams(plan, plan.list!.params, contextOf(100), noParents);
    first.push({ workspace: 'other' });
    expect(await resolveStreams(plan, plan.list!.params, contextOf(100), noParents)).toHaveLength(1);
  });
});
