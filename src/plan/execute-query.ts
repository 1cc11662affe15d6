/**
 * Run a planned query against Bitbucket and finish it here.
 *
 * The pipeline order is OData's (4.01 Part 1 §11.2.6.7... and Part 2 §5.1): filter ($filter, $search) → order
 * ($orderby, then the key, so paging is deterministic) → count (before paging) → skip → top. Bitbucket narrows
 * (path parameters, `q`), may pre-order within one stream (`sort`), and may cut reading short; the full filter and
 * order are always re-applied here, so pushdown can never change the answer.
 *
 * How the rows are read (page size, start page, early stop, how streams combine) is decided once by `readStrategy`
 * (`read-strategy.ts`) and interpreted here; the streams themselves are `row-stream.ts`, their combination
 * `collect-rows.ts`, counting `count-stream.ts`, a by-key read `read-single.ts`, refused pushdown `replan.ts`.
 *
 * Without `$orderby`, a list declaring `defaultOrder: 'upstream'` is answered in Bitbucket's own order
 * (`answerOrder`): streams one after another in the key order of their route values, each as Bitbucket lists it
 * (every row remembers its position in its stream, `upstream-position.ts`), so `$top` stops reading early.
 *
 * A continuation page (`after`, a keyset cursor: see `src/paging/keyset-cursor.ts`) answers the rows strictly after
 * the cursor in the total order: the executor checks that on every row, skips the streams that lie wholly before the
 * cursor, and pushes the bound it implies within each stream (`position-after-cursor.ts`). Positions cannot be
 * pushed: the cursor's own stream is opened at the upstream page that held the cursor's row when the cursor carries
 * it (a row of a later page, `src/paging/keyset-cursor.ts`), else read again from its start; its rows up to the
 * cursor's position are passed over either way (positions still count from the stream's start, so every row compares
 * as before).
 */
import type { Expr, ODataQuery, Row } from '../odata/ast';
import { ODataError } from '../odata/errors';
import { compareRows, compileFilter, matchesSearch } from '../odata/evaluate';
import type { EntitySetDefinition } from '../entity-sets/model';
import { findDefinition } from '../entity-sets/registry';
import { edmOf } from '../entity-sets/to-edm-model';
import { collectInTurn, collectSorted, drain, everyRowRead, feedInTurn, inTurnOrder, inTurnParamsOrder, type RowFeed } from './collect-rows';
import { countStream } from './count-stream';
import type { ExecutionContext } from './execution-context';
import { cursorKeyOf, cursorOf, rowAtCursor } from '../paging/keyset-cursor';
import { keepListedRows, keepsListedRows } from './listed-rows';
import { rememberParentList, reusingParentLists } from './parent-list-memo';
import type { ParentColumns } from './parent-revisions';
import { mapWithConcurrency } from './map-with-concurrency';
import { comparators } from './order-comparators';
import { planQuery, type QueryPlan } from './plan-query';
import { positionAfterCursor } from './position-after-cursor';
import { pagelenFor, readStrategy, type LowerBoundStop } from './read-strategy';
import { readSingle } from './read-single';
import { mapStreams, readStreamsInTurn } from './read-streams-in-turn';
import { resolvesInKeyOrder, streamsInKeyOrder } from './streams-in-key-order';
import { streamSource, streamsOpenedEarly, streamsOpenedWhenReached, type StreamSource } from './stream-source';
import { guard, orderCheck, Replan, refusalHandler, withReplans } from './replan';
import { ordersByStreamValues, resolveStreams, resolveStreamsAfter, streamConstants, type StreamParams, type ValuesRead } from './resolve-streams';
import { openStream, resumePoint, type CursorRow, type ResumePoint, type RowStream } from './row-stream';
import { toBbql, type BbqlConjunct } from './to-bbql';
import { heldPagesOf, upstreamPositionOf } from './upstream-position';

export interface QueryResult {
  /** The answer's rows after filter, order, skip and top (not projected: the serializer applies `$select`). */
  rows: Row[];
  /** Total matching rows before skip/top, when `$count` asked for it. */
  count?: number;
  /**
   * Every matching row (after `after`, when given) in the total order, before `$skip` and `$top`: present, when
   * `reportOrdered` asked for it, only if the executor read the whole set (it could not stop early), so that paging
   * can keep the rest of the answer instead of reading the set again for the next page
   * (`src/paging/page-snapshots.ts`).
   */
  ordered?: Row[];
  /**
   * The answer's rows as they are read, instead of `rows` (then empty), when `ExecuteOptions.stream` asked for them
   * and the read needs no sort here.
   */
  feed?: RowFeed;
}

export interface ExecuteOptions {
  /**
   * Answer only the rows strictly after this row in the total order (`$orderby`, then the key): a keyset cursor
   * holding at least the order's properties (`rowAtCursor`). `$skip`, `$top` and `$count` then apply to those rows.
   */
  after?: Row;
  /** Report `ordered` when the whole set was read. */
  reportOrdered?: boolean;
  /**
   * The client asked for the whole answer (no `$top`) and will follow every nextLink, as Power BI and Excel do. An
   * order by upstream position, or one merged across streams, then reads everything on the first page and reports
   * `ordered` for a paging snapshot: continuing it by cursor would re-read the cursor's stream from its start, or open
   * every stream again, on every page.
   */
  wholeAnswer?: boolean;
  /**
   * Hand the rows over as they are read (`QueryResult.feed`) when their order needs no sort here: one stream, or
   * streams read in turn, each in Bitbucket's order (issue #11: the first byte of a large answer after one upstream
   * page, not after the last). The feed then holds up to `top` rows (undefined: all), in place of the query's `$top`,
   * which stays the size of the answer when it is collected instead (a merge, a sort here, a `$count`).
   */
  stream?: { top?: number };
  /**
   * Told the rows read (the new ones) after each upstream page, where streams are read whole in turn (a parent list of
   * a fan-out: `streamsInKeyOrder` starts reading under them before the list ends); not on the other reads.
   */
  onRowsRead?: (rows: readonly Row[]) => void;
}

function finish(rows: Row[], query: ODataQuery, full: (a: Row, b: Row) => number, skippedUpstream: number, count: number | undefined): QueryResult {
  rows.sort(full);
  const skip = Math.max(0, (query.skip ?? 0) - skippedUpstream);
  const end = query.top === undefined ? undefined : skip + query.top;
  return {
    rows: rows.slice(skip, end),
    ...(query.count ? { count: count ?? rows.length } : {}),
  };
}

/** `$filter` and `$search` as one predicate on rows: the residual every row of an answer, and of a count, passes. */
function rowMatcher(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext): (row: Row) => boolean {
  const filter = query.filter ? compileFilter(query.filter, edmOf(def), { now: ctx.now }) : () => true;
  const search = query.search;
  const searchable = def.searchable ?? [];
  return search ? (row: Row) => filter(row) && matchesSearch(row, search, searchable) : filter;
}

export async function executeQuery(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext, options: ExecuteOptions = {}): Promise<QueryResult> {
  const result = await withReplans(() => executeOnce(def, query, ctx, options));
  return result.feed ? { ...result, feed: replannedFeed(def, query, ctx, options, result.feed) } : result;
}

/**
 * A feed whose read is replanned (a refused `q`, an ignored `sort`: `replan.ts`) after it handed rows over cannot
 * start again: it continues after the last row handed over, by its keyset cursor (as the next page would), under the
 * new plan; a read the new plan must collect hands over the rest at once.
 */
function replannedFeed(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext, options: ExecuteOptions, feed: RowFeed): RowFeed {
  const top = options.stream?.top;
  let current = feed;
  let handed = 0;
  let last: Row | undefined;
  return {
    async next(max) {
      for (let replans = 0; ; replans++) {
        try {
          const rows = await current.next(max);
          handed += rows.length;
          if (rows.length > 0) last = rows[rows.length - 1];
          return rows;
        } catch (error) {
          if (!(error instanceof Replan) || replans >= MAX_FEED_REPLANS) throw error instanceof Replan ? error.problem : error;
          const rest = top === undefined ? undefined : top - handed;
          const cursor = last === undefined ? undefined : cursorOf(def, query.orderby, last);
          const after = cursor === undefined ? undefined : rowAtCursor(def, query.orderby, cursor);
          if (last !== undefined && after === undefined) throw error.problem;
          const again = last === undefined ? { query, options } : { query: { ...query, skip: undefined, top: rest }, options: { ...options, after, stream: { top: rest } } };
          const result = await withReplans(() => executeOnce(def, again.query, ctx, again.options));
          current = result.feed ?? feedOf(result.rows);
        }
      }
    },
  };
}

/** Each replan withdraws a pushdown for good (`replan.ts`), so a feed meets few; this bound is only a backstop. */
const MAX_FEED_REPLANS = 8;

function feedOf(rows: Row[]): RowFeed {
  let at = 0;
  return {
    async next(max) {
      const taken = rows.slice(at, at + max);
      at += taken.length;
      return taken;
    },
  };
}

/**
 * The comparators of a kept plan (`planQuery` hands out the same frozen plan for the same query), made once: building
 * them (a key function per order column) cost ~4 µs of every answer's CPU under load (issue #15: CPU per answer
 * page). They hold nothing of a request: a comparator that parses its keys keeps them per row object.
 */
const keptComparators = new WeakMap<QueryPlan, ReturnType<typeof comparators>>();

function comparatorsOf(plan: QueryPlan, edm: ReturnType<typeof edmOf>): ReturnType<typeof comparators> {
  if (!Object.isFrozen(plan)) return comparators(plan, edm);
  let kept = keptComparators.get(plan);
  if (!kept) keptComparators.set(plan, (kept = comparators(plan, edm)));
  return kept;
}

async function executeOnce(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext, options: ExecuteOptions): Promise<QueryResult> {
  const edm = edmOf(def);
  const pushdown = ctx.pushdown !== false;
  const plan = planQuery(def, query, { pushdown });
  const matches = rowMatcher(def, query, ctx);
  const { full, prefix } = comparatorsOf(plan, edm);
  const after = options.after;
  // The exact continuation predicate, evaluated here on every row whatever was pushed: strictly after the cursor.
  const accept = after ? (row: Row) => matches(row) && full(row, after) > 0 : matches;
  // The plan's debug line is built only when it is written (a logger at info level would drop it).
  if (ctx.logger && ctx.logger.enabled?.('debug') !== false) {
    ctx.logger.debug('plan', {
      entitySet: def.name,
      route: plan.useGet || !plan.list ? 'get' : 'list',
      fixedParams: plan.fixedParams,
      q: plan.bbql.q,
      exact: plan.exact,
      sort: plan.upstreamSort ? `${plan.upstreamSort.direction === 'desc' ? '-' : ''}${plan.upstreamSort.field}` : undefined,
      order: plan.byUpstreamPosition ? 'upstream' : undefined,
      residual: query.filter !== undefined || query.search !== undefined,
    });
  }
  ctx.onPlan?.(plan, query);

  // A filter no row can pass (`1 eq 2`, `State eq 'OPEN' and State eq 'MERGED'`) is answered without a call.
  if (plan.noRows) return finish([], query, full, 0, query.count ? 0 : undefined);
  if (plan.useGet || !plan.list) {
    const rows = (await readSingle(def, plan, ctx, listParentValues)).filter(accept);
    return finish(rows, query, full, 0, undefined);
  }
  const list = plan.list;
  const position = after ? positionAfterCursor(def, edm, plan.order, after, plan.byUpstreamPosition) : undefined;
  const positionOf = (params: StreamParams) => position?.(streamConstants(def, list.params, params));
  const keepStream = position ? (partial: StreamParams) => positionOf(partial)?.kind !== 'before' : undefined;
  // Read in turn and resolved only as far as read (rule stopAfterStream, `streams-in-key-order.ts`), or all at once.
  // A continuation page takes the parent lists the walk's earlier pages read (`parent-list-memo.ts`).
  const parents = after ? reusingParentLists(listParentValues) : listParentValues;
  const inKeyOrder = resolvesInKeyOrder(plan, list.params, query, {
    pushdown,
    wholeAnswer: options.wholeAnswer,
    reportOrdered: options.reportOrdered,
    afterCursor: after !== undefined,
    ...(ctx.trustNewestFirst !== undefined ? { trustNewestFirst: true } : {}),
  })
    ? streamsInKeyOrder(plan, list.params, edm, ctx, parents, keepStream)
    : undefined;
  // A continuation page whose streams are read in the order of their route values takes them in that order, from the
  // cursor's stream on, without building and sorting the ones before it on every page (`resolveStreamsAfter`).
  const fromCursor = !inKeyOrder && keepStream !== undefined && ordersByStreamValues(plan, list.params);
  const paramsList = inKeyOrder
    ? []
    : fromCursor
      ? await resolveStreamsAfter(plan, list.params, edm, ctx, parents, keepStream)
      : await resolveStreams(plan, list.params, ctx, parents, keepStream);
  if (!inKeyOrder && paramsList.length === 0) return finish([], query, full, 0, query.count ? 0 : undefined);
  /** The cursor's bound within one stream, as BBQL conjuncts, when Bitbucket can evaluate it (a superset, re-checked here). */
  const boundConjuncts = (params: StreamParams): BbqlConjunct[] => {
    const streamPosition = positionOf(params);
    return pushdown && streamPosition?.kind === 'after' && streamPosition.bound ? toBbql(def, streamPosition.bound).conjuncts ?? [] : [];
  };
  const boundOf = (params: StreamParams): string | undefined => {
    const conjuncts = boundConjuncts(params);
    return conjuncts.length > 0 ? conjuncts.map((conjunct) => conjunct.text).join(' AND ') : undefined;
  };
  const refusal = refusalHandler(def, list, plan, boundConjuncts, ctx);

  // Ordered by upstream position, the cursor's stream holds the cursor's row and every row before it first.
  const cursorPosition = after && plan.byUpstreamPosition ? upstreamPositionOf(after) : undefined;
  const strategy = readStrategy(plan, query, {
    pushdown,
    // In key order the count is unknown until read; more than one is what the rule is for.
    streams: inKeyOrder ? 2 : paramsList.length,
    afterCursor: after !== undefined,
    cursorInStream: cursorPosition !== undefined,
    reportOrdered: options.reportOrdered === true,
    wholeAnswer: options.wholeAnswer === true,
    trustNewestFirst: ctx.trustNewestFirst !== undefined,
  });
  const lastNeeded = lowerBoundCheck(strategy.stopBelow, edm, ctx);
  const onConstants = compareRows(plan.order, [], edm);
  /** Rows the stream delivers before any it can answer (the cursor's own stream, re-read). */
  const passedOverIn = (params: StreamParams): number => (after && cursorPosition !== undefined && onConstants(streamConstants(def, list.params, params), after) === 0 ? cursorPosition + 1 : 0);
  const startPage = strategy.startPage;

  const cursorKey = after ? cursorKeyOf(after) : undefined;
  // Bitbucket pages the walk's previous answer page read and kept for this one (`src/paging/held-pages.ts`).
  const held = after ? heldPagesOf(after) : undefined;
  const cursorIn = (params: StreamParams): CursorRow | undefined =>
    cursorPosition !== undefined && cursorKey !== undefined && passedOverIn(params) > 0 ? { position: cursorPosition, key: cursorKey } : undefined;
  const resumeIn = (params: StreamParams): ResumePoint | undefined =>
    cursorPosition !== undefined && passedOverIn(params) > 0 ? resumePoint(list, params, after as Row, cursorPosition, pushdown) : undefined;
  // An early stop (and a `page=N` jump) trusts the pushed sort: each stream's rows are checked against it.
  const checkOrder = strategy.checkOrder && prefix ? () => orderCheck(def, plan, prefix, startPage, ctx) : undefined;
  const open = (params: StreamParams): RowStream =>
    guard(
      openStream(
        def,
        list,
        plan,
        params,
        accept,
        ctx,
        {
          pagelen: pagelenFor(strategy, list.maxPagelen, passedOverIn(params)),
          startPage,
          bound: boundOf(params),
          resume: resumeIn(params),
          checkOrder: checkOrder?.(),
          cursor: cursorIn(params),
          ...(lastNeeded ? { lastNeeded } : {}),
          ...(held ? { held } : {}),
        },
        listParentValues,
      ),
      refusal,
    );
  // Streams read in turn that are all known already (a continuation page: `resolvesInKeyOrder` is for first pages)
  // are opened only as the read reaches them (issue #15.3: a 100-row page of a walk over 171 repositories reads one
  // or two, and opened all 171 on every page). The first is opened now: the cursor's own stream, whose resume point
  // may refuse the token (`InvalidSkipToken`) before any row is answered.
  const openedWhenReached =
    !inKeyOrder && strategy.stopEarly && prefix && strategy.combine === 'in-turn' && !query.count ? openInTurnWhenReached(fromCursor ? paramsList : inTurnParamsOrder(plan, list, paramsList, edm), open) : undefined;
  const streams = openedWhenReached ? [] : paramsList.map(open);
  // Without a `$top` (the need is the answer page's size), streams may be read ahead before any size is known
  // (`StreamSource.pagelen`); a `$top` is read ahead only as far as the sizes seen say it can still need.
  const unboundedPagelen = options.wholeAnswer === true ? { pagelen: strategy.pagelen } : {};
  // Streams resolved in key order as they are read (rule stopEarly, in turn: `resolvesInKeyOrder`).
  // Without a `$top`, a stream named by a parent list's first page is read while the list's next page is (`early`).
  const lazyInTurn =
    inKeyOrder && strategy.stopEarly && strategy.combine === 'in-turn'
      ? options.wholeAnswer === true
        ? streamsOpenedEarly((early) => streamsInKeyOrder(plan, list.params, edm, ctx, parents, keepStream, early), open, { firstWhole: true, ...unboundedPagelen })
        : streamSource(mapStreams(inKeyOrder, open), { firstWhole: true, ...unboundedPagelen })
      : undefined;
  if (strategy.stopEarly && prefix && options.stream && !query.count && (strategy.combine === 'one' || strategy.combine === 'in-turn')) {
    // Each stream comes in the answer's order and the streams one after another: the rows need no sort here.
    // In turn, every stream is read from its first page (`startPage` jumps only within one stream).
    const skippedUpstream = lazyInTurn || openedWhenReached ? 0 : streams[0].skippedUpstream;
    const skip = Math.max(0, (query.skip ?? 0) - skippedUpstream);
    const top = options.stream.top;
    const ordered = lazyInTurn ?? openedWhenReached ?? (strategy.combine === 'in-turn' ? inTurnOrder(plan, list, streams, edm) : streams);
    return { rows: [], feed: feedInTurn(ordered, prefix, full, { skip, ...(top !== undefined ? { top } : {}), need: top === undefined ? Infinity : skip + top }, strategy.uniquePrefix, ctx.limits.fanOutConcurrency) };
  }
  if (strategy.stopEarly && prefix) {
    const skippedUpstream = lazyInTurn || openedWhenReached ? 0 : streams[0].skippedUpstream;
    const need = (strategy.need as number) - skippedUpstream;
    const rows =
      strategy.combine === 'in-turn'
        ? await collectInTurn(plan, list, lazyInTurn ?? openedWhenReached ?? streams, prefix, need, ctx, edm, strategy.uniquePrefix)
        : await collectSorted(streams, prefix, need, ctx, strategy.uniquePrefix);
    const count =
      strategy.countFrom === 'size'
        ? (await mapWithConcurrency(streams, ctx.limits.fanOutConcurrency, (s) => countStream(def, list, plan, s, accept, ctx, refusal, listParentValues))).reduce((a, b) => a + b, 0)
        : undefined;
    // A merge over several streams opens every one of them again on each continuation page; when this page read
    // them all to their end anyway, the whole set is in hand. (Streams read in turn, or one stream, continue cheaply.)
    const ordered = options.reportOrdered && strategy.combine === 'merged' && skippedUpstream === 0 ? everyRowRead(rows, streams) : undefined;
    if (ordered) ordered.sort(full);
    return {
      ...finish(rows, query, full, skippedUpstream, count),
      ...(ordered ? { ordered } : {}),
    };
  }
  // Streams resolved in key order are read no other way (`resolvesInKeyOrder` implies the rule).
  if (strategy.stopAfterStream || inKeyOrder) {
    // Streams in turn, each whole (nothing upstream orders within one), until `$skip` + `$top` rows are in hand.
    const ordered = inKeyOrder ? mapStreams(inKeyOrder, open) : inTurnOrder(plan, list, streams, edm);
    const told = options.onRowsRead ? { onRowsRead: options.onRowsRead } : {};
    const { rows, everyStreamRead } = await readStreamsInTurn(ordered, strategy.need as number, ctx, { firstWhole: after === undefined, ...unboundedPagelen, ...told });
    const result = finish(rows, query, full, 0, undefined);
    return { ...result, ...(options.reportOrdered && everyStreamRead ? { ordered: rows } : {}) };
  }
  const perStream = await mapWithConcurrency(streams, ctx.limits.fanOutConcurrency, async (stream) => {
    const into: Row[] = [];
    await drain(stream, into, ctx.memory);
    return into;
  });
  const rows = perStream.flat();
  // `finish` sorts `rows` in place: afterwards it is the whole matching set in the total order.
  return {
    ...finish(rows, query, full, 0, undefined),
    ...(options.reportOrdered ? { ordered: rows } : {}),
  };
}

/**
 * `ordered` streams (at least one) as `readAhead` reads an array of them, each opened when first looked at but the
 * first, opened at once so that a stream that cannot open fails the query, not a feed already answering.
 */
function openInTurnWhenReached(ordered: readonly StreamParams[], open: (params: StreamParams) => RowStream): StreamSource {
  const first = open(ordered[0]);
  return streamsOpenedWhenReached(ordered.length, (index) => (index === 0 ? first : open(ordered[index])));
}

/**
 * Rule `stopBelow` (`read-strategy.ts`): a page with a row that fails a lower bound is the last one a newest-first
 * stream needs. A stop that relies on the client's trust is recorded for `Preference-Applied`.
 */
function lowerBoundCheck(stop: LowerBoundStop | undefined, edm: ReturnType<typeof edmOf>, ctx: ExecutionContext): ((rows: readonly Row[]) => boolean) | undefined {
  if (!stop) return undefined;
  if (stop.trust === 'preferred' && ctx.trustNewestFirst) ctx.trustNewestFirst.applied = true;
  const holds = stop.bounds.map((bound) => compileFilter(bound, edm, { now: ctx.now }));
  return (rows) => rows.some((row) => holds.some((bound) => !bound(row)));
}

/** `$count` alone (`/$count`): from Bitbucket's `size` when exact, else by reading every row. */
export async function executeCount(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext): Promise<number> {
  return withReplans(() => countOnce(def, query, ctx));
}

async function countOnce(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext): Promise<number> {
  const plan = planQuery(def, query, { pushdown: ctx.pushdown !== false });
  if (plan.noRows) return 0;
  const list = plan.list;
  if (list && !plan.useGet && plan.exact && list.reportsSize) {
    const paramsList = await resolveStreams(plan, list.params, ctx, listParentValues);
    const accept = rowMatcher(def, query, ctx);
    const refusal = refusalHandler(def, list, plan, () => [], ctx);
    const sizes = await mapWithConcurrency(paramsList, ctx.limits.fanOutConcurrency, (params) =>
      countStream(def, list, plan, { params }, accept, ctx, refusal, listParentValues),
    );
    return sizes.reduce((a, b) => a + b, 0);
  }
  const result = await executeQuery(def, { ...query, top: undefined, skip: undefined, count: true, orderby: [] }, ctx);
  return result.count ?? result.rows.length;
}

/** Fan-out: the values of one property of a parent entity set, through the same executor. */
async function listParentValues(entitySet: string, filter: Expr | undefined, property: string, ctx: ExecutionContext, top?: number, also?: ParentColumns, onPage?: ValuesRead): Promise<string[]> {
  const parent = findDefinition(entitySet);
  if (!parent) throw new ODataError('Internal', { reference: `fan-out ${entitySet}` });
  // A set `$expand` may read by key is listed whole and kept for the request (`listed-rows.ts`): same calls.
  const keep = keepsListedRows(parent);
  const select = [...new Set([property, ...(also?.columns ?? [])])];
  const onRowsRead = onPage ? (rows: readonly Row[]) => onPage(rows.map((row) => String(row[property]))) : undefined;
  const result = await executeQuery(parent, { filter, orderby: [], ...(keep ? {} : { select }), ...(top !== undefined ? { top } : {}), count: false }, ctx, onRowsRead ? { onRowsRead } : {});
  if (keep) keepListedRows(ctx, parent, result.rows);
  also?.keep(result.rows);
  const values = result.rows.map((row) => String(row[property]));
  // A list cut at `top` may be short of parents; one that ends before it is whole.
  if (top === undefined || values.length < top) rememberParentList(ctx, entitySet, filter, property, values, also ? { columns: also.columns, rows: result.rows } : undefined);
  return values;
}
