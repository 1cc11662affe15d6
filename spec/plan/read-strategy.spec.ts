/**
 * The read strategy as data: plan + `$skip`/`$top`/`$count` + what the caller knows → how Bitbucket is read. Each
 * column names one decision (`src/plan/read-strategy.ts`); the HTTP specs (pushdown tables) assert the calls these
 * decisions cost, this table states the decisions themselves.
 */
import { parseQueryOptions } from '../../src/odata/parse';
import { findDefinition } from '../../src/entity-sets/registry';
import { planQuery } from '../../src/plan/plan-query';
import { pagelenFor, readStrategy, type ReadStrategy, type ReadStrategyOptions } from '../../src/plan/read-strategy';

interface Case {
  set: string;
  query: string;
  /** Options beyond the defaults: pushdown on, one stream, no cursor, no snapshot walk asked. */
  given?: Partial<ReadStrategyOptions>;
  orderFrom: ReadStrategy['orderFrom'];
  stopEarly: boolean;
  combine: ReadStrategy['combine'];
  pagelen: number;
  startPage: number;
  checkOrder: boolean;
  countFrom?: ReadStrategy['countFrom'];
  snapshotWalk: boolean;
}

const ONE_REPO = "$filter=Workspace eq 'w' and RepositorySlug eq 'r'";
const THREE = { streams: 3 };
const WALK = { reportOrdered: true, wholeAnswer: true };

// prettier-ignore
const cases: Case[] = [
  // set            query                                                         given                      orderFrom            stop   combine     pagelen page checkOrder countFrom  snapshotWalk
  { set: 'PullRequests', query: `${ONE_REPO}&$top=10`,                                                         orderFrom: 'upstream-sort', stopEarly: true, combine: 'one', pagelen: 10, startPage: 1, checkOrder: true, snapshotWalk: false },
  { set: 'PullRequests', query: `${ONE_REPO}&$top=10&$skip=20`,                                                orderFrom: 'upstream-sort', stopEarly: true, combine: 'one', pagelen: 30, startPage: 1, checkOrder: true, snapshotWalk: false },
  { set: 'PullRequests', query: `${ONE_REPO}&$top=10&$skip=100`,                                               orderFrom: 'upstream-sort', stopEarly: true, combine: 'one', pagelen: 50, startPage: 3, checkOrder: true, snapshotWalk: false },
  { set: 'PullRequests', query: '$top=10&$skip=100',                       given: THREE,                       orderFrom: 'upstream-sort', stopEarly: true, combine: 'in-turn', pagelen: 50, startPage: 1, checkOrder: true, snapshotWalk: false },
  { set: 'PullRequests', query: '$orderby=CreatedOn desc&$top=5',          given: THREE,                       orderFrom: 'upstream-sort', stopEarly: true, combine: 'merged', pagelen: 6, startPage: 1, checkOrder: true, snapshotWalk: false },
  { set: 'PullRequests', query: '$orderby=CreatedOn desc',                 given: { ...THREE, ...WALK },       orderFrom: 'upstream-sort', stopEarly: false, combine: 'drained', pagelen: 50, startPage: 1, checkOrder: false, snapshotWalk: true },
  { set: 'PullRequests', query: '',                                        given: { ...THREE, ...WALK },       orderFrom: 'upstream-sort', stopEarly: false, combine: 'drained', pagelen: 50, startPage: 1, checkOrder: false, snapshotWalk: false },
  { set: 'PullRequests', query: '$orderby=CreatedOn desc',                 given: WALK,                        orderFrom: 'upstream-sort', stopEarly: false, combine: 'drained', pagelen: 50, startPage: 1, checkOrder: false, snapshotWalk: false },
  { set: 'PullRequests', query: '$orderby=Title&$top=5',                                                       orderFrom: 'here', stopEarly: false, combine: 'drained', pagelen: 50, startPage: 1, checkOrder: false, snapshotWalk: false },
  { set: 'PullRequests', query: `${ONE_REPO}&$top=5&$count=true`,                                              orderFrom: 'upstream-sort', stopEarly: true, combine: 'one', pagelen: 5, startPage: 1, checkOrder: true, countFrom: 'size', snapshotWalk: false },
  { set: 'PullRequests', query: `${ONE_REPO}&$top=5&$count=true`,          given: { afterCursor: true },       orderFrom: 'upstream-sort', stopEarly: false, combine: 'drained', pagelen: 50, startPage: 1, checkOrder: false, countFrom: 'rows', snapshotWalk: false },
  { set: 'PullRequests', query: "$filter=contains(Title,'Fix')&$top=5&$count=true",                           orderFrom: 'upstream-sort', stopEarly: false, combine: 'drained', pagelen: 50, startPage: 1, checkOrder: false, countFrom: 'rows', snapshotWalk: false },
  { set: 'PullRequests', query: "$filter=contains(Title,'Fix')&$top=5",                                       orderFrom: 'upstream-sort', stopEarly: true, combine: 'one', pagelen: 50, startPage: 1, checkOrder: true, snapshotWalk: false },
  { set: 'PullRequests', query: `${ONE_REPO}&$top=10`,                     given: { pushdown: false },         orderFrom: 'here', stopEarly: false, combine: 'drained', pagelen: 50, startPage: 1, checkOrder: false, snapshotWalk: false },
  { set: 'Commits',      query: `${ONE_REPO}&$top=20`,                                                         orderFrom: 'upstream-position', stopEarly: true, combine: 'one', pagelen: 20, startPage: 1, checkOrder: false, snapshotWalk: false },
  { set: 'Commits',      query: `${ONE_REPO}&$top=20&$skip=200`,                                               orderFrom: 'upstream-position', stopEarly: true, combine: 'one', pagelen: 100, startPage: 1, checkOrder: false, snapshotWalk: false },
  { set: 'Commits',      query: '$top=20',                                 given: THREE,                       orderFrom: 'upstream-position', stopEarly: true, combine: 'in-turn', pagelen: 20, startPage: 1, checkOrder: false, snapshotWalk: false },
  { set: 'Commits',      query: ONE_REPO,                                  given: WALK,                        orderFrom: 'upstream-position', stopEarly: false, combine: 'drained', pagelen: 100, startPage: 1, checkOrder: false, snapshotWalk: true },
  { set: 'Commits',      query: '$orderby=Hash&$top=5',                                                        orderFrom: 'here', stopEarly: false, combine: 'drained', pagelen: 100, startPage: 1, checkOrder: false, snapshotWalk: false },
];

const defaults: ReadStrategyOptions = { pushdown: true, streams: 1, afterCursor: false, cursorInStream: false, reportOrdered: false, wholeAnswer: false };

function strategyOf(set: string, query: string, given: Partial<ReadStrategyOptions> = {}): ReadStrategy {
  const def = findDefinition(set);
  if (!def) throw new Error(`no entity set ${set}`);
  const options = { ...defaults, ...given };
  const parsed = parseQueryOptions(query);
  return readStrategy(planQuery(def, parsed, { pushdown: options.pushdown }), parsed, options);
}

describe('readStrategy: plan → how Bitbucket is read', () => {
  it.each(cases)('$set?$query $given', ({ set, query, given, ...expected }) => {
    const strategy = strategyOf(set, query, given);
    const { orderFrom, stopEarly, combine, pagelen, startPage, checkOrder, countFrom, snapshotWalk } = strategy;
    expect({ orderFrom, stopEarly, combine, pagelen, startPage, checkOrder, countFrom, snapshotWalk }).toEqual({ countFrom: undefined, ...expected });
  });

  it('the cursor’s own stream reads the rows it passes over on the same page as the rows it needs', () => {
    const strategy = strategyOf('Commits', `${ONE_REPO}&$top=20`, { afterCursor: true, cursorInStream: true });
    expect([strategy.pagelen, pagelenFor(strategy, 100, 30), pagelenFor(strategy, 100, 500)]).toEqual([20, 50, 100]);
  });

  it('a cursor in its stream never turns $skip into a later page (the rows before it would count as skipped)', () => {
    expect(strategyOf('PullRequests', `${ONE_REPO}&$top=10&$skip=100`, { cursorInStream: true }).startPage).toBe(1);
  });
});

/**
 * Rule `stopBelow` (issue #16, incremental refresh): a stream listed newest first by a property stops at its first row
 * below the filter's lower bound, where the order may be relied on. Neither newest-first list Bitbucket has (commits,
 * the pull request activity feed) has its order by date promised (`ListRoute.newestFirst.why`): only a client that
 * trusts it (`Prefer: bitbucket.trust-newest-first`) gets the stop.
 */
describe('readStrategy rule stopBelow: a time window stops a newest-first stream at its lower bound', () => {
  const WINDOW = 'Date ge 2026-10-31T00:00:00Z and Date lt 2026-11-01T00:00:00Z';
  const TRUST = { trustNewestFirst: true };
  // prettier-ignore
  const rows: Array<{ set: string; filter: string; given?: Partial<ReadStrategyOptions>; stop?: { bounds: string[]; trust: 'documented' | 'preferred' } }> = [
    { set: 'PullRequestActivity', filter: WINDOW,                                                              /* order not promised */ },
    { set: 'PullRequestActivity', filter: WINDOW,                                given: TRUST,               stop: { bounds: ['Date ge 2026-10-31T00:00:00Z'], trust: 'preferred' } },
    { set: 'PullRequestActivity', filter: `Kind eq 'APPROVAL' and 2026-10-31T00:00:00Z lt Date`, given: TRUST, stop: { bounds: ['2026-10-31T00:00:00Z lt Date'], trust: 'preferred' } },
    { set: 'PullRequestActivity', filter: 'Date lt 2026-11-01T00:00:00Z',         given: TRUST,               /* no lower bound */ },
    { set: 'PullRequestActivity', filter: `Date ge 2026-10-31T00:00:00Z or Kind eq 'UPDATE'`, given: TRUST,   /* not a conjunct */ },
    { set: 'PullRequestActivity', filter: WINDOW,                                given: { ...TRUST, pushdown: false } },
    { set: 'Commits',             filter: WINDOW,                                                              /* dates not monotonic */ },
    { set: 'Commits',             filter: `${WINDOW} and Date gt 2026-10-30T00:00:00Z`, given: TRUST,      stop: { bounds: ['Date ge 2026-10-31T00:00:00Z', 'Date gt 2026-10-30T00:00:00Z'], trust: 'preferred' } },
    { set: 'PullRequests',        filter: 'CreatedOn ge 2026-10-31T00:00:00Z',    given: TRUST,               /* not listed newest first: BBQL narrows */ },
  ];
  it.each(rows)('$set?$filter $given', ({ set, filter, given, stop }) => {
    const strategy = strategyOf(set, `$filter=${filter}`, given);
    const text = (expr: unknown) => JSON.stringify(expr);
    const bounds = parseQueryOptions(`$filter=${stop?.bounds.join(' and ') ?? 'true'}`).filter;
    expect(strategy.stopBelow === undefined ? undefined : { bounds: text(strategy.stopBelow.bounds), trust: strategy.stopBelow.trust }).toEqual(
      stop === undefined ? undefined : { bounds: text(stop.bounds.length === 1 ? [bounds] : [(bounds as { left: unknown }).left, (bounds as { right: unknown }).right]), trust: stop.trust },
    );
  });
});

describe('rule stopAfterStream (issue #15): streams in turn, each whole, until $skip + $top rows are in hand', () => {
  // prettier-ignore
  const table: Array<[set: string, query: string, given: Partial<ReadStrategyOptions>, stopAfterStream: boolean]> = [
    ['Branches',            '$top=50',                              THREE,                 true],
    ['Tags',                '$top=5&$skip=10',                      THREE,                 true],
    ['Pipelines',           '$top=50',                              THREE,                 true],
    ['PullRequestComments', '$top=5',                               THREE,                 true],
    ['Branches',            "$filter=Name eq 'main'&$top=5",        THREE,                 true],
    ['Branches',            '$orderby=Workspace,RepositorySlug desc,Name&$top=5', THREE,   true],
    // The order does not start with the stream constants: every stream may hold the first rows.
    ['Branches',            '$orderby=Name&$top=5',                 THREE,                 false],
    // $count needs every stream; no $top is the whole set; one stream has nothing to stop after.
    ['Branches',            '$top=5&$count=true',                   THREE,                 false],
    ['Branches',            '',                                     THREE,                 false],
    ['Branches',            `${ONE_REPO}&$top=5`,                   {},                    false],
    ['Branches',            '$top=5',                               { ...THREE, pushdown: false }, false],
    // Bitbucket orders each stream: the early stop of `stopEarly` applies instead.
    ['PullRequests',        '$top=5',                               THREE,                 false],
    // A walk of the whole answer (the $top is a page's chunk): every stream is read once for the paging snapshot;
    // by cursor each page would read the cursor's stream again. Without a snapshot to keep, the rule applies.
    ['PullRequestActivity', '$top=1001',                            { ...THREE, ...WALK }, false],
    ['PullRequestComments', '$top=1001',                            { ...THREE, ...WALK }, false],
    ['PullRequestActivity', '$top=1001',                            { ...THREE, wholeAnswer: true }, true],
  ];
  it.each(table)('%s?%s %j → %s', (set, query, given, expected) => {
    expect(strategyOf(set, query, given).stopAfterStream).toBe(expected);
  });
});
