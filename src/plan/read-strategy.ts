/**
 * How a planned list query is read from Bitbucket, decided once and as data (in the spirit of Steampipe's
 * `d.RowsRemaining(ctx) == 0`: each rule one visible line), from the plan, the query's `$skip`/`$top`/`$count` and
 * what the caller knows about the read. `executeQuery` interprets it; `spec/plan/read-strategy.spec.ts` states every
 * decision in a table.
 *
 * - `orderFrom`: who orders the rows. `upstream-position`: Bitbucket's own order completes the answer's
 *   (`answerOrder`, e.g. commits newest first); `upstream-sort`: Bitbucket sorts each stream by the order's prefix
 *   (`sort=`), the rest is ordered here; `here`: nothing upstream orders, every row is read and sorted in-process.
 * - `stopEarly`: reading stops once `need` rows (`$skip` + `$top`) are in hand in prefix order, plus any rows tied on
 *   the prefix. Only when Bitbucket delivers each stream in prefix order, the count (if asked) is Bitbucket's `size`,
 *   pushdown is on, and the read is not a snapshot walk.
 * - `combine`: how several streams (one per repository…) make one answer. `one`: a single stream; `in-turn`: the order
 *   starts with every stream constant (the default key order), so streams are read one after another in the order of
 *   their constants; `merged`: stream heads are merged by the prefix; `drained`: every stream is read to its end.
 * - `pagelen` and `startPage`: Bitbucket's page size (the rows needed, plus one to see a tie, when the plan is exact
 *   and reading stops early; else the largest page) and the first page read (`$skip` as `page=N` when one exact,
 *   uniquely ordered stream makes the skipped rows certain).
 * - `checkOrder`: an early stop trusts the pushed `sort`, so every stream's rows are checked against it.
 * - `countFrom`: `size` (Bitbucket's, per stream) or `rows` (the rows read), when `$count` asks.
 * - `stopBelow`: each stream ends at its first row below the `$filter`'s lower bound on a property Bitbucket lists it
 *   newest first by, where that order may be relied on (`lowerBoundStop`).
 * - `snapshotWalk`: the client wants the whole answer and continuing it by cursor would be dear (an order by upstream
 *   position re-reads the cursor's stream from its start; a merge opens every stream again on every page), so the
 *   first page reads everything once for a paging snapshot (`src/paging/`).
 */
import type { Expr, ODataQuery } from '../odata/ast';
import type { OrderByItem } from '../odata/ast';
import { conjuncts } from '../odata/conjuncts';
import type { QueryPlan } from './plan-query';

export interface ReadStrategyOptions {
  /** Pushdown is on (`PUSHDOWN`); off, nothing is saved: no early stop. */
  pushdown: boolean;
  /** How many upstream streams the fan-out resolved (at least one). */
  streams: number;
  /** The read continues after a keyset cursor (Bitbucket's `size` then is not the count). */
  afterCursor: boolean;
  /** Ordered by upstream position, the cursor carries its row's position in its stream. */
  cursorInStream: boolean;
  /** The caller wants the whole set reported when it was read (`ExecuteOptions.reportOrdered`). */
  reportOrdered: boolean;
  /** The client asked for the whole answer (no `$top`) and will follow every nextLink. */
  wholeAnswer: boolean;
  /** The client trusts Bitbucket's newest-first order where it is not documented (`Prefer: bitbucket.trust-newest-first`). */
  trustNewestFirst?: boolean;
}

export interface ReadStrategy {
  orderFrom: 'upstream-position' | 'upstream-sort' | 'here';
  stopEarly: boolean;
  /** Rows of the answer needed before `$skip` applies (`$skip` + `$top`); undefined without `$top`. */
  need?: number;
  combine: 'one' | 'in-turn' | 'merged' | 'drained';
  /** Bitbucket's page size for a stream that passes over no rows first. */
  pagelen: number;
  /** `pagelen` is sized to `need` (it grows by the rows a stream passes over first: `pagelenFor`). */
  pagelenFitsNeed: boolean;
  startPage: number;
  /** No two rows of one stream share the prefix value: a stream is dropped as soon as `need` rows are in hand. */
  uniquePrefix: boolean;
  checkOrder: boolean;
  countFrom?: 'size' | 'rows';
  snapshotWalk: boolean;
  /** Rule `stopAfterStream` (issue #15): streams read in turn, each whole, until `need` rows are in hand. */
  stopAfterStream: boolean;
  /** Each stream stops at its first row below the filter's lower bound (`lowerBoundStop`). */
  stopBelow?: LowerBoundStop;
}

/** `lowerBoundStop`: the lower bounds a stream's rows stop at, and why the order is trusted. */
export interface LowerBoundStop {
  property: string;
  /** Top-level conjuncts `P ge T` / `P gt T` (or mirrored): the first row that fails one ends its stream. */
  bounds: Expr[];
  /** `documented`: Bitbucket promises the order; `preferred`: the client asked to trust it (Preference-Applied). */
  trust: 'documented' | 'preferred';
}

const LOWER: Readonly<Record<string, 'left' | 'right'>> = { ge: 'left', gt: 'left', le: 'right', lt: 'right' };

/** `P ge T`, `P gt T`, `T le P`, `T lt P` with a non-null literal: a lower bound on P. */
function isLowerBound(expr: Expr, property: string): boolean {
  if (expr.kind !== 'compare') return false;
  const side = LOWER[expr.op];
  if (side === undefined) return false;
  const [subject, bound] = side === 'left' ? [expr.left, expr.right] : [expr.right, expr.left];
  return subject.kind === 'property' && subject.name === property && bound.kind === 'literal' && bound.value !== null;
}

/**
 * Rule `stopBelow` (issue #16, incremental refresh): a stream Bitbucket lists newest first by a property
 * (`ListRoute.newestFirst`) holds no row of a filter with a lower bound on it after its first row below the bound,
 * so it stops there, whatever the answer's order and `$top` (the rows it leaves cannot pass the filter). Only where the
 * order may be relied on: documented by Bitbucket, or trusted by the client; never with pushdown off. Without a
 * lower bound (or on a nullable property, whose nulls fail every bound) nothing stops.
 */
export function lowerBoundStop(plan: QueryPlan, filter: Expr | undefined, options: Pick<ReadStrategyOptions, 'pushdown' | 'trustNewestFirst'>): LowerBoundStop | undefined {
  const order = plan.def.list?.newestFirst;
  if (!order || !options.pushdown) return undefined;
  if (!order.documented && options.trustNewestFirst !== true) return undefined;
  const property = plan.def.properties.find((candidate) => candidate.name === order.property);
  if (!property || property.nullable) return undefined;
  const bounds = conjuncts(filter).filter((conjunct) => isLowerBound(conjunct, order.property));
  return bounds.length === 0 ? undefined : { property: order.property, bounds, trust: order.documented ? 'documented' : 'preferred' };
}

/** The order items before the one Bitbucket sorts by (before the upstream position: all of them). */
export function leadingOrder(plan: QueryPlan): OrderByItem[] {
  if (plan.byUpstreamPosition) return plan.order;
  const sortedAt = plan.order.findIndex((item) => item.property === plan.upstreamSort?.property);
  return plan.order.slice(0, sortedAt);
}

/** Whether several streams are read one after another (the order starts with every stream constant) rather than merged. */
export function readsStreamsInTurn(plan: QueryPlan, streamCount: number): boolean {
  const leading = leadingOrder(plan);
  return streamCount > 1 && plan.streamConstant.every((property) => leading.some((item) => item.property === property));
}

/**
 * True when no two rows OF ONE STREAM share the prefix value: the sorted property is the key's last part within one
 * stream, or the prefix ends with the upstream position. Across merged streams rows may still tie (`Id` 1 in every
 * repository): the merge takes every tied head before it cuts.
 */
export function prefixIsUnique(plan: QueryPlan): boolean {
  if (plan.byUpstreamPosition) return true;
  const sorted = plan.upstreamSort?.property;
  if (!sorted) return false;
  return plan.def.key.every((property) => property === sorted || plan.streamConstant.includes(property));
}

export function readStrategy(plan: QueryPlan, query: Pick<ODataQuery, 'skip' | 'top' | 'count' | 'filter'>, options: ReadStrategyOptions): ReadStrategy {
  const list = plan.list;
  const maxPagelen = list?.maxPagelen ?? 1;
  const orderFrom = plan.byUpstreamPosition ? 'upstream-position' : plan.upstreamSort ? 'upstream-sort' : 'here';
  const need = query.top === undefined ? undefined : (query.skip ?? 0) + query.top;
  // Bitbucket's `size` knows nothing of the cursor, so after one it is never the count.
  const sizeIsCount = plan.exact && list?.reportsSize === true && !options.afterCursor;
  const inTurn = readsStreamsInTurn(plan, options.streams);
  const merged = options.streams > 1 && !inTurn;
  const snapshotWalk = options.wholeAnswer && options.reportOrdered && (plan.byUpstreamPosition || merged);
  const stopEarly = options.pushdown && need !== undefined && orderFrom !== 'here' && (!query.count || sizeIsCount) && !snapshotWalk;
  const uniquePrefix = prefixIsUnique(plan);
  const pagelenFitsNeed = stopEarly && plan.exact;
  const pagelen = pagelenFitsNeed ? sizedPagelen(maxPagelen, 0, need as number, uniquePrefix) : maxPagelen;
  // Not where rows before a cursor's position come first: the page boundaries would count them as skipped.
  const pageSkip = stopEarly && plan.exact && uniquePrefix && options.streams === 1 && list?.supportsPageNumber === true && !options.cursorInStream && (query.skip ?? 0) >= pagelen;
  return {
    orderFrom,
    stopEarly,
    ...(need !== undefined ? { need } : {}),
    combine: !stopEarly ? 'drained' : options.streams === 1 ? 'one' : inTurn ? 'in-turn' : 'merged',
    pagelen,
    pagelenFitsNeed,
    startPage: pageSkip ? Math.floor((query.skip ?? 0) / pagelen) + 1 : 1,
    uniquePrefix,
    checkOrder: stopEarly && plan.upstreamSort !== undefined,
    ...(query.count ? { countFrom: stopEarly ? ('size' as const) : ('rows' as const) } : {}),
    snapshotWalk,
    stopAfterStream: !stopEarly && !snapshotWalk && stopsAfterStream(plan, query, options),
    ...optional('stopBelow', lowerBoundStop(plan, query.filter, options)),
  };
}

/**
 * Rule `stopAfterStream` (issue #15): where nothing upstream orders the rows of a stream (`orderFrom: 'here'`: refs
 * sorted "naturally", not by code point; pipelines; comments) but the answer's order starts with every stream
 * constant (the default key order `Workspace, RepositorySlug, …`), every row of a stream sorts before every row of the
 * streams after it. So the streams are read in turn, each to its end and sorted here, and reading stops after the
 * stream that brings the rows in hand to `need` (`$skip` + `$top`): `Branches?$top=50` reads the first repositories,
 * not all of them. Not with `$count` (it needs every stream), without `$top`, or with pushdown off; nor on a walk of
 * the whole answer whose page may keep the rest (`wholeAnswer` and `reportOrdered`, the `$top` being only the page's
 * chunk): its streams are all read anyway, and read once on the first page for a paging snapshot (`src/paging/`) they
 * cost each stream's pages once, where pages continued by cursor read the stream the cursor stands in again from its
 * start (nothing upstream orders within one) on every page (bench:analytics, PullRequestActivity whole on the
 * default seed: 55 calls read once, 68 by cursor).
 */
export function stopsAfterStream(
  plan: QueryPlan,
  query: Pick<ODataQuery, 'top' | 'count'>,
  options: Pick<ReadStrategyOptions, 'pushdown' | 'streams'> & Partial<Pick<ReadStrategyOptions, 'wholeAnswer' | 'reportOrdered'>>,
): boolean {
  if (!options.pushdown || query.top === undefined || query.count || options.streams < 2 || plan.byUpstreamPosition || plan.upstreamSort) return false;
  if (options.wholeAnswer === true && options.reportOrdered === true) return false;
  const leading = plan.order.slice(0, plan.streamConstant.length);
  return plan.streamConstant.every((property) => leading.some((item) => item.property === property));
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/**
 * Bitbucket's page size for a stream that delivers `passedOver` rows before any it can answer (the cursor's own
 * stream, re-read): the rows needed after them, plus one to see whether the next row ties, up to the list's largest.
 */
export function pagelenFor(strategy: ReadStrategy, maxPagelen: number, passedOver: number): number {
  return strategy.pagelenFitsNeed ? sizedPagelen(maxPagelen, passedOver, strategy.need as number, strategy.uniquePrefix) : maxPagelen;
}

function sizedPagelen(maxPagelen: number, passedOver: number, need: number, unique: boolean): number {
  return Math.max(1, Math.min(maxPagelen, passedOver + need + (unique ? 0 : 1)));
}
