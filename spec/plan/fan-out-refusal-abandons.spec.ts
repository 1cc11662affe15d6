/**
 * A `400 FanOutTooWide` found while other parent lists are still being read (resolve-streams.ts): the refusal is the
 * answer whatever they bring, so it stops the request's upstream work (`ctx.abandon`, which aborts the calls in
 * flight: on CommitStatuses over the default seed they read on to 24 calls instead of 22), and it is thrown only
 * once those lists have settled, so the answer's X-Upstream-Requests and log line count their calls
 * (spec/http/error-answer-counted.spec.ts proves the counts over HTTP).
 */
import { parseQueryOptions } from '../../src/odata/parse/parse-query-options';
import { findDefinition } from '../../src/entity-sets/registry';
import type { ExecutionContext } from '../../src/plan/execution-context';
import { planQuery } from '../../src/plan/plan-query';
import { resolveStreams, type ParentLister } from '../../src/plan/resolve-streams';
import { ODataError } from '../../src/odata/errors';

test('CommitStatuses: the first commit list passes MAX_FAN_OUT while three others are in flight: abandoned, then awaited, then refused', async () => {
  const def = findDefinition('CommitStatuses');
  if (!def) throw new Error('CommitStatuses is not declared');
  const plan = planQuery(def, parseQueryOptions(''));
  const route = plan.list ?? def.list;
  if (!route) throw new Error('CommitStatuses has no list route');
  const params = route.params;
  const limit = 10;
  /** The commit lists still waiting for Bitbucket: each settles (rejects, as an aborted call does) a while after the abort. */
  const inFlight: Array<() => void> = [];
  let settled = 0;
  let abandonedWith: unknown;
  const ctx = {
    limits: { maxFanOut: limit, fanOutConcurrency: 4 },
    now: new Date('2026-01-01T00:00:00Z'),
    abandon: (reason: unknown) => {
      abandonedWith ??= reason;
      for (const abort of inFlight.splice(0)) abort();
    },
  } as Partial<ExecutionContext> as ExecutionContext;
  const list: ParentLister = async (entitySet, filter) => {
    if (entitySet === 'Workspaces') return ['acme-dev'];
    if (entitySet === 'Repositories') return Array.from({ length: 8 }, (_, index) => `repo-${index}`);
    // The first repository's commits arrive at once and pass the limit; the others' are still on their way.
    if (JSON.stringify(filter).includes('"repo-0"')) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return Array.from({ length: limit + 1 }, (_, index) => `hash-${index}`);
    }
    // Unless abandoned, a list reads on (more pages) and ends later with its commits.
    return new Promise<string[]>((resolve, reject) => {
      const readOn = setTimeout(() => {
        settled += 1;
        resolve(['hash-x']);
      }, 300);
      inFlight.push(() => {
        clearTimeout(readOn);
        setTimeout(() => {
          settled += 1;
          reject(new Error('aborted'));
        }, 10);
      });
    });
  };
  let settledAtAnswer: number | undefined;
  const started = performance.now();
  const answer = await resolveStreams(plan, params, ctx, list).catch((error: unknown) => {
    settledAtAnswer = settled;
    return error;
  });
  const took = performance.now() - started;
  expect(answer).toBeInstanceOf(ODataError);
  expect((answer as ODataError).code).toBe('FanOutTooWide');
  // Abandoned with the refusal itself (the request's abort reason is the answer), and the three lists in flight were
  // awaited before it was thrown; no list was started after it (8 repositories, 4 at a time).
  expect(abandonedWith).toBe(answer);
  expect(settledAtAnswer).toBe(3);
  expect(took).toBeLessThan(250);
});
