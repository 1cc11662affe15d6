/**
 * `resolveStreamsAfter` (src/plan/resolve-streams.ts, issue #15.3): a continuation page read in the order of its
 * streams' route values gets exactly the streams, in exactly the order, that `resolveStreams` with the cursor's `keep`
 * followed by `inTurnParamsOrder` gives, while testing the cursor's place on a handful of streams instead of every one
 * (a 100-row walk over 225 repositories built, tested and sorted all of them on each of its 1,000 pages).
 */
import type { Row } from '../../src/odata/ast';
import { parseQueryOptions } from '../../src/odata/parse/parse-query-options';
import { findDefinition } from '../../src/entity-sets/registry';
import { edmOf } from '../../src/entity-sets/to-edm-model';
import { inTurnParamsOrder } from '../../src/plan/collect-rows';
import type { ExecutionContext } from '../../src/plan/execution-context';
import { planQuery } from '../../src/plan/plan-query';
import { positionAfterCursor } from '../../src/plan/position-after-cursor';
import { firstKept, ordersByStreamValues, resolveStreams, resolveStreamsAfter, streamConstants, type ParentLister, type StreamParams } from '../../src/plan/resolve-streams';

/** Workspaces and their repositories as a parent list gives them: not in key order, mixed case (code-point order). */
const WORKSPACES = ['acme-ops', 'Zeta', 'acme-dev'];
const REPOSITORIES: Record<string, string[]> = {
  'acme-ops': ['infra', 'Alpha', 'deploy', 'zz-last', 'beta'],
  Zeta: ['one'],
  'acme-dev': Array.from({ length: 60 }, (_, index) => `repo-${String((index * 37) % 60).padStart(2, '0')}`),
};
/** Pull requests of each repository (PullRequestComments fans out over them too): numbers, compared as numbers. */
const PULL_REQUESTS = ['10', '9', '100', '2'];

/** A parent lister over the lists above, each list the same array on every call (as `parent-list-memo.ts` hands a kept list again). */
function lister(): { list: ParentLister; calls: string[] } {
  const calls: string[] = [];
  const lists = new Map<string, string[]>();
  const list: ParentLister = async (entitySet, filter) => {
    const key = `${entitySet} ${JSON.stringify(filter ?? null)}`;
    calls.push(key);
    let values = lists.get(key);
    if (!values) {
      const named = (property: string) => (JSON.stringify(filter ?? null).match(new RegExp(`"name":"${property}"\\},"right":\\{"kind":"literal","type":"[^"]+","value":"([^"]+)"`)) ?? [])[1];
      if (entitySet === 'Workspaces') values = [...WORKSPACES];
      else if (entitySet === 'Repositories') values = [...(REPOSITORIES[named('Workspace') as string] ?? [])];
      else if (entitySet === 'PullRequests') values = [...PULL_REQUESTS];
      else throw new Error(`no list of ${entitySet}`);
      lists.set(key, values);
    }
    return values;
  };
  return { list, calls };
}

const ctx = { limits: { maxFanOut: 1000, fanOutConcurrency: 4 }, now: new Date('2026-01-01T00:00:00Z') } as Partial<ExecutionContext> as ExecutionContext;

interface Case {
  set: string;
  query: string;
  /** Cursor rows: the order's properties of the last row of the previous page. */
  cursors: Row[];
}

/** A cursor in each stream, between streams (a repository deleted since) and past the last one. */
function cursorsOver(varying: Row, extra: StreamParams[] = []): Row[] {
  const streams: StreamParams[] = [];
  for (const workspace of WORKSPACES) for (const slug of REPOSITORIES[workspace]) streams.push({ Workspace: workspace, RepositorySlug: slug });
  return [...streams, ...extra, { Workspace: 'acme-dev', RepositorySlug: 'repo-305' }, { Workspace: 'acme-ops', RepositorySlug: 'c' }, { Workspace: 'zzz', RepositorySlug: 'a' }, { Workspace: 'A', RepositorySlug: 'a' }].map((stream) => ({ ...stream, ...varying }));
}

const CASES: Case[] = [
  { set: 'Commits', query: '', cursors: cursorsOver({}) },
  { set: 'Commits', query: '$orderby=Workspace desc,RepositorySlug desc', cursors: cursorsOver({ Hash: 'abc' }) },
  { set: 'PullRequests', query: '', cursors: [...cursorsOver({ Id: 5 }), ...cursorsOver({ Id: 0 }).slice(0, 3)] },
  { set: 'PullRequests', query: '$orderby=Workspace,RepositorySlug desc,Id desc', cursors: cursorsOver({ Id: 3 }) },
  { set: 'Pipelines', query: '', cursors: cursorsOver({ Uuid: '{b}' }) },
  {
    set: 'PullRequestComments',
    query: '',
    cursors: [
      { Workspace: 'acme-ops', RepositorySlug: 'deploy', PullRequestId: 9, Id: 4 },
      { Workspace: 'acme-ops', RepositorySlug: 'deploy', PullRequestId: 50, Id: 4 },
      { Workspace: 'acme-dev', RepositorySlug: 'repo-59', PullRequestId: 100, Id: 1 },
      { Workspace: 'Zeta', RepositorySlug: 'one', PullRequestId: 1, Id: 1 },
    ],
  },
];

describe.each(CASES)('$set?$query', ({ set, query, cursors }) => {
  const def = findDefinition(set)!;
  const edm = edmOf(def);
  const plan = planQuery(def, parseQueryOptions(query));
  const list = plan.list!;

  test('is read in the order of its route values', () => {
    expect(ordersByStreamValues(plan, list.params)).toBe(true);
  });

  test.each(cursors.map((cursor) => ({ cursor, label: JSON.stringify(cursor) })))('after $label: the streams resolveStreams keeps, in the order read, the same parent lists asked', async ({ cursor }) => {
    const position = positionAfterCursor(def, edm, plan.order, cursor, plan.byUpstreamPosition);
    let tested = 0;
    const keep = (partial: StreamParams): boolean => {
      tested += 1;
      return position(streamConstants(def, list.params, partial)).kind !== 'before';
    };
    const before = lister();
    const expected = inTurnParamsOrder(plan, list, await resolveStreams(plan, list.params, ctx, before.list, keep), edm);
    const testedBefore = tested;
    tested = 0;
    const after = lister();
    // Twice over the same lists: the second call uses the streams the first one built and sorted.
    for (let round = 0; round < 2; round++) {
      tested = 0;
      expect(await resolveStreamsAfter(plan, list.params, edm, ctx, after.list, keep)).toEqual(expected);
    }
    expect(after.calls.sort()).toEqual([...before.calls, ...before.calls].sort());
    // The cursor's place is found by bisection: a few tests per parent list, not one per stream.
    if (set !== 'PullRequestComments') {
      const parents = new Set(expected.map((stream) => stream.Workspace)).size + WORKSPACES.length;
      expect(tested).toBeLessThanOrEqual(WORKSPACES.length + parents * 7);
      if (expected.length > 30) expect(tested).toBeLessThan(testedBefore / 3);
    }
  });
});

test('firstKept finds where a kept suffix starts, at every place, in at most log2(n) + 1 tests', () => {
  for (let length = 0; length <= 40; length++) {
    for (let start = 0; start <= length; start++) {
      const streams = Array.from({ length }, (_, index) => ({ index: String(index) }));
      let tests = 0;
      const at = firstKept(streams, (stream) => {
        tests += 1;
        return Number(stream.index) >= start;
      });
      expect(at).toBe(start);
      expect(tests).toBeLessThanOrEqual(Math.ceil(Math.log2(length + 1)));
    }
  }
});

test('a continuation page over more streams than MAX_FAN_OUT is refused as resolveStreams refuses it', async () => {
  const def = findDefinition('Commits')!;
  const plan = planQuery(def, parseQueryOptions(''));
  const narrow = { ...ctx, limits: { maxFanOut: 10, fanOutConcurrency: 2 } } as ExecutionContext;
  const keep = (): boolean => true;
  const expected = await resolveStreams(plan, plan.list!.params, narrow, lister().list, keep).catch((error: unknown) => error);
  const actual = await resolveStreamsAfter(plan, plan.list!.params, edmOf(def), narrow, lister().list, keep).catch((error: unknown) => error);
  expect(actual).toEqual(expected);
  expect((actual as { code?: string }).code ?? (actual as Error).message).toMatch(/FanOutTooWide/);
});
