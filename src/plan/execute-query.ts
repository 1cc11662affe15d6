/**
 * Run a planned query against Bitbucket and finish it here.
 *
 * The pipeline order is OData's (4.01 Part 1 §11.2.6.7... and Part 2 §5.1): filter ($filter, $search) → order
 * ($orderby, then the key, so paging is deterministic) → count (before paging) → skip → top. Bitbucket narrows
 * (path parameters, `q`), may pre-order within one stream (`sort`), and may cut reading short; the full filter and
 * order are always re-applied here, so pushdown can never change the answer.
 *
 * Without `$orderby`, a list declaring `defaultOrder: 'upstream'` is answered in Bitbucket's own order
 * (`answerOrder`): streams one after another in the key order of their route values, each as Bitbucket lists it
 * (every row remembers its position in its stream, `upstream-position.ts`), so `$top` stops reading early.
 *
 * A continuation page (`after`, a keyset cursor: see `keyset-cursor.ts`) answers the rows strictly after the cursor
 * in the total order: the executor checks that on every row, skips the streams that lie wholly before the cursor,
 * and pushes the bound it implies within each stream (`position-after-cursor.ts`). Positions cannot be pushed: the
 * cursor's own stream is opened at the upstream page that held the cursor's row when the cursor carries it (a row of
 * a later page, `keyset-cursor.ts`), else read again from its start; its rows up to the cursor's position are passed
 * over either way (positions still count from the stream's start, so every row compares as before).
 */
import { bitbucketPath, resumeTargetProblem, UpstreamError, type BitbucketPage, type LocatedPage, type UpstreamQuery } from '../bitbucket';
import type { Expr, ODataQuery, OrderByItem, Row } from '../odata/ast';
import type { EdmEntitySet } from '../odata/edm';
import { ODataError } from '../odata/errors';
import { compareRows, compileFilter, matchesSearch } from '../odata/evaluate';
import type { EntitySetDefinition, ListRoute, RouteParameter } from '../entity-sets/model';
import { findDefinition } from '../entity-sets/registry';
import { toEdmEntitySet } from '../entity-sets/to-edm-model';
import type { ExecutionContext } from './execution-context';
import { mapWithConcurrency } from './map-with-concurrency';
import { planQuery, type QueryPlan, type UpstreamSort } from './plan-query';
import { findRefusedConjuncts } from './find-refused-conjuncts';
import { cursorKeyOf } from './keyset-cursor';
import { listItems } from './list-items';
import { positionAfterCursor } from './position-after-cursor';
import { rememberRefusal } from './pushdown-refusals';
import { parentCheckNeeded, parentExists, parentParam, resolveStreams, streamConstants, usableValues, type StreamParams } from './resolve-streams';
import { differingRouteValues, rowFromItem, sourcePaths } from './row-from-item';
import { toBbql, type BbqlConjunct } from './to-bbql';
import { compareUpstreamPositions, recordUpstreamPage, recordUpstreamPosition, upstreamPageOf, upstreamPositionOf, type UpstreamPageLocation } from './upstream-position';

export interface QueryResult {
  /** The answer's rows after filter, order, skip and top (not projected: the serializer applies `$select`). */
  rows: Row[];
  /** Total matching rows before skip/top, when `$count` asked for it. */
  count?: number;
  /**
   * Every matching row (after `after`, when given) in the total order, before `$skip` and `$top`: present, when
   * `reportOrdered` asked for it, only if the executor read the whole set (it could not stop early), so that paging
   * can keep the rest of the answer instead of reading the set again for the next page (`src/http/page-snapshots.ts`).
   */
  ordered?: Row[];
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
}

const edmCache = new WeakMap<EntitySetDefinition, EdmEntitySet>();
export function edmOf(def: EntitySetDefinition): EdmEntitySet {
  let edm = edmCache.get(def);
  if (!edm) edmCache.set(def, (edm = toEdmEntitySet(def)));
  return edm;
}

/** One upstream stream: its parameters, a lazy iterator of accepted rows, and the `size` Bitbucket reported. */
interface RowStream {
  params: StreamParams;
  size?: number;
  /** A page of the stream came without `size` (it is optional, evidence row 2): only reading the rows counts them. */
  sizeOmitted?: boolean;
  /** Rows the stream skipped upstream by starting at a later page. */
  skippedUpstream: number;
  /** The accepted rows read but not yet taken, once Bitbucket has no further page; undefined before that. */
  remainder(): readonly Row[] | undefined;
  next(): Promise<Row | undefined>;
  peek(): Promise<Row | undefined>;
  /**
   * Bitbucket's `size` for the stream, read on its own (`pagelen=1`) without reading its rows; 0 when it lists none;
   * undefined when Bitbucket did not say (never a guess: `countStream` then reads the rows).
   */
  upstreamSize(): Promise<number | undefined>;
}

/** `bound`: BBQL that narrows this one stream further (a keyset cursor's bound), ANDed with the plan's `q`. */
function upstreamListQuery(list: ListRoute, plan: QueryPlan, pagelen: number, page?: number, bound?: string): UpstreamQuery {
  const query: UpstreamQuery = { ...list.fixedQuery, pagelen };
  const q = [plan.bbql.q, bound].filter((text): text is string => text !== undefined);
  if (q.length > 0) query.q = q.join(' AND ');
  if (plan.upstreamSort) query.sort = `${plan.upstreamSort.direction === 'desc' ? '-' : ''}${plan.upstreamSort.field}`;
  if (plan.listFields) query.fields = plan.listFields;
  if (page !== undefined && page > 1) query.page = String(page);
  return query;
}

/**
 * Where to open the cursor's own stream in Bitbucket's paging: the upstream page that held the cursor's row, and the
 * position in the stream of that page's first item (so that positions still count from the stream's start).
 */
interface ResumePoint {
  target: string;
  firstPosition: number;
}

/** A page of one stream, and whether it was reached through Bitbucket's `next` (its rows may then remember it). */
type StreamPage = LocatedPage<unknown> & { reachedByNext: boolean };

/**
 * Pages of one stream, from its start or from a resume point. Ordered by upstream position (`located`), the rows of a
 * page reached through `next` remember where it was read (`UpstreamPageLocation`), so a later page may open there; a
 * row of the stream's first page is reached again from the start in one call and needs no location.
 */
async function* streamPages(ctx: ExecutionContext, path: string, query: UpstreamQuery, located: boolean, resume: ResumePoint | undefined): AsyncGenerator<StreamPage> {
  let first = resume === undefined;
  for await (const page of ctx.client.locatedPages<unknown>(resume ? { target: resume.target } : { path, query }, ctx.credential, ctx.signal)) {
    yield { ...page, reachedByNext: located && !first };
    first = false;
  }
}

function openStream(
  def: EntitySetDefinition,
  list: ListRoute,
  plan: QueryPlan,
  params: StreamParams,
  accept: (row: Row) => boolean,
  ctx: ExecutionContext,
  paging: { pagelen: number; startPage: number; bound?: string; resume?: ResumePoint; checkOrder?: (rows: readonly Row[]) => void; cursor?: CursorRow },
): RowStream {
  const path = addressablePath(list.path, params);
  const query = upstreamListQuery(list, plan, paging.pagelen, paging.startPage, paging.bound);
  const pages = path ? streamPages(ctx, path, query, plan.byUpstreamPosition, paging.resume) : undefined;
  let buffer: Row[] = [];
  /** The position in the stream of the next item Bitbucket delivers (`upstream-position.ts`). */
  let position = paging.resume ? paging.resume.firstPosition : (paging.startPage - 1) * paging.pagelen;
  /** The cursor's row, not yet seen again in its stream; rows after the cursor's position seen meanwhile wait. */
  let seeking = paging.cursor;
  let waiting = 0;
  /** Where the cursor's row now is against where it was: positions shift by it so that rows after it follow it. */
  let shift = 0;
  const toRow = (item: unknown, location: UpstreamPageLocation | undefined): Row => {
    const row = rowFromItem(def, item, params);
    if (plan.byUpstreamPosition) recordUpstreamPosition(row, position + shift);
    if (location) recordUpstreamPage(row, location);
    position += 1;
    return row;
  };
  let done = pages === undefined;
  /** The last page has been read (it had no `next`), or there is nothing to read. */
  let lastPageRead = done;
  /** The stream names no entity (its parent is missing, or Bitbucket spells its route values otherwise): no rows. */
  const empty = () => {
    done = true;
    lastPageRead = true;
    buffer = [];
    stream.size = 0;
  };
  let parentConfirmed: Promise<boolean> | undefined;
  /** Whether the rows may carry this stream's route values (see `parentCheckNeeded`): asked once, before any read. */
  const parentOk = (): Promise<boolean> =>
    (parentConfirmed ??= parentCheckNeeded(def, list.params, plan.fixedParams) ? parentExists(parentParam(list.params) as RouteParameter, params, ctx, listParentValues) : Promise.resolve(true));
  /**
   * The rows of a page of the cursor's own stream that follow the cursor's row (`CursorRow`), once it is found; until
   * then none. Rows after the cursor's position seen before it must be newer rows that pushed it down: passed over.
   */
  const afterCursorRow = (rows: Row[]): Row[] => {
    const cursor = seeking as CursorRow;
    const at = rows.findIndex((row) => Object.keys(cursor.key).every((name) => row[name] === cursor.key[name]));
    if (at < 0) {
      waiting += rows.filter((row) => (upstreamPositionOf(row) ?? 0) > cursor.position).length;
      if (waiting > MAX_ROWS_BEFORE_CURSOR_ROW) throw cursorRowGone();
      return [];
    }
    shift = cursor.position - (upstreamPositionOf(rows[at]) as number);
    const after = rows.slice(at + 1);
    for (const row of after) recordUpstreamPosition(row, (upstreamPositionOf(row) as number) + shift);
    seeking = undefined;
    return after.filter(accept);
  };
  const stream: RowStream = {
    params,
    skippedUpstream: (paging.startPage - 1) * paging.pagelen,
    remainder: () => (lastPageRead || done ? buffer : undefined),
    async peek() {
      if (!done && !(await parentOk())) empty();
      while (buffer.length === 0 && !done) {
        let result: IteratorResult<StreamPage>;
        try {
          result = await (pages as AsyncGenerator<StreamPage>).next();
        } catch (error) {
          if (error instanceof UpstreamError && error.kind === 'not-found') {
            await listNotFound(list, plan, params, error, ctx);
            empty();
            break;
          }
          throw error;
        }
        if (result.done) {
          if (seeking) throw cursorRowGone();
          done = true;
          break;
        }
        const page: BitbucketPage<unknown> = result.value.page;
        // Only a page of this very list can be resumed (`resumePoint` refuses any other path), so a `next` link that
        // names the list differently (another spelling or encoding) leaves its rows without a location: they re-read.
        const located = result.value.reachedByNext ? result.value.target : undefined;
        const target = located !== undefined && pathOfTarget(located) === path ? located : undefined;
        if (typeof page.size === 'number') stream.size = page.size;
        else stream.sizeOmitted = true;
        if (page.next === undefined) lastPageRead = true;
        const rows = listItems(list, page.values).map((item, index) => toRow(item, target === undefined ? undefined : { target, index }));
        // Every item of a stream states the same route values; the first one shows a spelling Bitbucket resolved
        // case-insensitively (`PLATFORM-API`): the stream stops here, one call, with no rows and a `size` of 0.
        if (rows.length > 0 && differingRouteValues(def, list.params, rows[0], params).length > 0) {
          empty();
          break;
        }
        paging.checkOrder?.(rows);
        buffer = seeking ? afterCursorRow(rows) : rows.filter(accept);
      }
      return buffer[0];
    },
    async upstreamSize() {
      if (stream.size !== undefined) return stream.size;
      if (!path || !(await parentOk())) return 0;
      // The first item's key values come along, so that a spelling Bitbucket resolved case-insensitively counts 0.
      const keyPaths = list.params.flatMap((param) => {
        const property = def.properties.find((candidate) => candidate.name === param.property);
        return property ? sourcePaths(property).map((source) => `values.${source}`) : [];
      });
      const query: UpstreamQuery = { ...upstreamListQuery(list, plan, 1), fields: ['size', ...keyPaths].join(',') };
      let page: BitbucketPage<unknown>;
      try {
        page = await ctx.client.get<BitbucketPage<unknown>>(path, query, ctx.credential, ctx.signal);
      } catch (error) {
        if (!(error instanceof UpstreamError && error.kind === 'not-found')) throw error;
        await listNotFound(list, plan, params, error, ctx);
        return 0;
      }
      const first = Array.isArray(page.values) ? listItems(list, page.values)[0] : undefined;
      if (first !== undefined && differingRouteValues(def, list.params, rowFromItem(def, first, params), params).length > 0) return 0;
      return typeof page.size === 'number' ? page.size : undefined;
    },
    async next() {
      const row = await stream.peek();
      buffer.shift();
      return row;
    },
  };
  return stream;
}

/**
 * The keyset cursor of an order by upstream position, in its own stream: its position and the key values of its row
 * (`cursorKeyOf`). Positions alone repeat a row when a commit is pushed between two pages (everything moves one place
 * down Bitbucket's newest-first list) or skip one when a commit goes away: the stream continues after the cursor's row
 * wherever it is now, and later rows take positions counted from it, so that they compare after the cursor.
 */
interface CursorRow {
  position: number;
  key: Row;
}

/**
 * How many rows after the cursor's position may come before its row is found again: commits pushed between two pages
 * of a walk. More, or none at all before the stream ends, and the row is taken to be gone from the history (a force
 * push): no position can say where to continue, so the walk must start again rather than repeat or skip rows.
 */
const MAX_ROWS_BEFORE_CURSOR_ROW = 1000;

function cursorRowGone(): ODataError {
  return new ODataError('InvalidSkipToken', { reason: "the row it continues after is no longer in the repository's list (history rewritten?); start the walk again" });
}

/**
 * A 404 on a list. Bitbucket answers 404 for a list under a workspace, repository or pull request that does not
 * exist (or that the credential cannot see): "no rows" only when the client named that parent and a read of the
 * parent by its key finds nothing (`parentExists`: a by-key GET, whose own 404 is checked the same way up to a list
 * that must exist). A list with no parent (`/user/workspaces`), under a parent just listed by fan-out, or under one
 * that exists should exist: its 404 says the gateway is not talking to Bitbucket's API (a `BITBUCKET_API_URL` without
 * `/2.0`), which an empty answer would hide. Decided by status and the parent's read, never by message text.
 */
async function listNotFound(list: ListRoute, plan: QueryPlan, params: StreamParams, error: UpstreamError, ctx: ExecutionContext): Promise<void> {
  const parent = parentParam(list.params);
  if (parent && plan.fixedParams[parent.name] !== undefined && !(await parentExists(parent, params, ctx, listParentValues))) return;
  throw shouldExist(error, 'a list');
}

function shouldExist(error: UpstreamError, what: string): ODataError {
  return new ODataError('UpstreamError', {
    upstreamStatus: error.status ?? 404,
    message: `${error.method} ${error.url} is ${what} that should exist; check BITBUCKET_API_URL (Bitbucket's API base, ending in /2.0)`,
  });
}

/**
 * The upstream path for these parameters, or undefined when a value cannot name a Bitbucket resource (empty, `.`,
 * `..`): such a value matches no entity, so the stream is simply empty rather than an error.
 */
function addressablePath(template: string, params: StreamParams): string | undefined {
  try {
    return bitbucketPath(template, params);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** The path of a request target, without its query. */
function pathOfTarget(target: string): string {
  const queryAt = target.indexOf('?');
  return queryAt < 0 ? target : target.slice(0, queryAt);
}

/**
 * Where the cursor's own stream opens, from the page location the cursor carries (`keyset-cursor.ts`); undefined to
 * read it from its start (no location, or pushdown off: like every saving). The location comes back from a client's
 * `$skiptoken`: signed, but checked all the same before any credential goes with it. Its path must be exactly this
 * stream's own list path (so neither another repository nor another resource), its query free of a fragment.
 */
function resumePoint(list: ListRoute, params: StreamParams, after: Row, cursorPosition: number, pushdown: boolean): ResumePoint | undefined {
  const location = upstreamPageOf(after);
  if (location === undefined) return undefined;
  const path = addressablePath(list.path, params);
  if (path === undefined || pathOfTarget(location.target) !== path || resumeTargetProblem(location.target) !== undefined) {
    throw new ODataError('InvalidSkipToken', { reason: "its upstream page is not on this repository's list" });
  }
  return pushdown ? { target: location.target, firstPosition: cursorPosition - location.index } : undefined;
}

/** Reads a stream whole into `into`; every row held counts against the request's row budget (`ctx.memory`). */
async function drain(stream: RowStream, into: Row[], memory?: ExecutionContext['memory']): Promise<void> {
  for (let row = await stream.next(); row; row = await stream.next()) {
    memory?.hold(1);
    into.push(row);
  }
}

/**
 * Total order comparator and the prefix comparator up to the first item Bitbucket sorts. In an order completed by
 * upstream positions, Bitbucket delivers every stream in the whole order: the prefix is the order itself.
 */
function comparators(plan: QueryPlan, edm: EdmEntitySet): { full: (a: Row, b: Row) => number; prefix?: (a: Row, b: Row) => number } {
  if (plan.byUpstreamPosition) {
    const byConstants = compareRows(plan.order, [], edm);
    const full = (a: Row, b: Row) => byConstants(a, b) || compareUpstreamPositions(a, b);
    return { full, prefix: full };
  }
  const full = compareRows(plan.order, plan.def.key, edm);
  if (!plan.upstreamSort) return { full };
  const cut = plan.order.findIndex((item) => item.property === plan.upstreamSort?.property);
  const prefixItems: OrderByItem[] = plan.order.slice(0, cut + 1);
  return { full, prefix: compareRows(prefixItems, [], edm) };
}

/**
 * True when no two rows OF ONE STREAM share the prefix value: the sorted property is the key's last part within one
 * stream, or the prefix ends with the upstream position. Across merged streams rows may still tie (`Id` 1 in every
 * repository): `collectSorted` takes every tied head before it cuts.
 */
function prefixIsUnique(plan: QueryPlan): boolean {
  if (plan.byUpstreamPosition) return true;
  const sorted = plan.upstreamSort?.property;
  if (!sorted) return false;
  return plan.def.key.every((property) => property === sorted || plan.streamConstant.includes(property));
}

/**
 * Read rows in prefix order (streams merged) until `need` rows are in hand and the next row starts a new prefix
 * value (rows tied on the prefix may still reorder under the full order, so all of them are read).
 */
async function collectSorted(streams: RowStream[], prefix: (a: Row, b: Row) => number, need: number, ctx: ExecutionContext, unique: boolean): Promise<Row[]> {
  const collected: Row[] = [];
  if (need <= 0) return collected;
  const heads = await mapWithConcurrency(streams, ctx.limits.fanOutConcurrency, (stream) => stream.peek());
  const live = streams.map((stream, index) => ({ stream, head: heads[index] })).filter((entry) => entry.head !== undefined);
  while (live.length > 0) {
    let best = 0;
    for (let i = 1; i < live.length; i++) if (prefix(live[i].head as Row, live[best].head as Row) < 0) best = i;
    const entry = live[best];
    const row = entry.head as Row;
    if (collected.length >= need && prefix(row, collected[collected.length - 1]) !== 0) break;
    collected.push(row);
    // With a prefix unique within a stream, no later row of THIS stream can tie with this one: once `need` rows are in
    // hand, drop the stream without reading ahead (no extra page). The other streams' heads are already in hand and
    // may tie with it (the same `Id` in another repository, ordered after it by a later order item): the loop goes on
    // taking them until a head starts a new prefix value.
    if (unique && collected.length >= need) {
      live.splice(best, 1);
      continue;
    }
    await entry.stream.next();
    entry.head = await entry.stream.peek();
    if (entry.head === undefined) live.splice(best, 1);
  }
  return collected;
}

/** The order items before the one Bitbucket sorts by (before the upstream position: all of them). */
function leadingOrder(plan: QueryPlan): OrderByItem[] {
  if (plan.byUpstreamPosition) return plan.order;
  const sortedAt = plan.order.findIndex((item) => item.property === plan.upstreamSort?.property);
  return plan.order.slice(0, sortedAt);
}

/** Whether several streams are read one after another (`collectInOrder`) rather than merged. */
function readsStreamsInTurn(plan: QueryPlan, streamCount: number): boolean {
  const leading = leadingOrder(plan);
  return streamCount > 1 && plan.streamConstant.every((property) => leading.some((item) => item.property === property));
}

/**
 * When the order starts with every property that is constant within a stream (e.g. the default key order
 * Workspace, RepositorySlug, Id), the streams themselves are ordered: read them one after another and stop as soon
 * as enough rows are in hand, instead of opening every stream to merge them.
 */
async function collectInOrder(
  plan: QueryPlan,
  list: ListRoute,
  streams: RowStream[],
  prefix: (a: Row, b: Row) => number,
  need: number,
  ctx: ExecutionContext,
  edm: EdmEntitySet,
  unique: boolean,
): Promise<Row[]> {
  const leading = leadingOrder(plan);
  if (!readsStreamsInTurn(plan, streams.length)) return collectSorted(streams, prefix, need, ctx, unique);
  const byStream = compareRows(leading, [], edm);
  const constants = (stream: RowStream): Row => streamConstants(plan.def, list.params, stream.params);
  const ordered = [...streams].sort((a, b) => byStream(constants(a), constants(b)));
  const rows: Row[] = [];
  for (const stream of ordered) {
    if (rows.length >= need) break;
    rows.push(...(await collectSorted([stream], prefix, need - rows.length, ctx, unique)));
  }
  return rows;
}

/**
 * Every accepted row, when reading in order has in fact read every stream to its end (a merge over many small
 * streams reads each one whole for the first page): the rows taken plus those still buffered. The row at a buffer's
 * head may have been taken already (`collectSorted` takes it before moving on), hence the identity check.
 * Undefined when some stream has pages not read.
 */
function everyRowRead(taken: Row[], streams: RowStream[]): Row[] | undefined {
  const remainders: (readonly Row[])[] = [];
  for (const stream of streams) {
    const remainder = stream.remainder();
    if (!remainder) return undefined;
    remainders.push(remainder);
  }
  const buffered = new Set(remainders.flat());
  return [...taken.filter((row) => !buffered.has(row)), ...buffered];
}

/**
 * How many rows of one stream pass `accept`: Bitbucket's `size` when it gives one (only asked for an exact plan, so
 * every row it counts is accepted), else the stream read whole at its largest page size through `accept`, the filter
 * the answer's rows pass, so the count and the rows of a walk agree. `size` is optional (evidence row 2: branches and
 * tags moved to page codes); a missing one taken as 0 would be a wrong number that looks right.
 */
async function countStream(
  def: EntitySetDefinition,
  list: ListRoute,
  plan: QueryPlan,
  stream: RowStream,
  accept: (row: Row) => boolean,
  ctx: ExecutionContext,
  refusal: Parameters<typeof guard>[1],
): Promise<number> {
  if (stream.size !== undefined) return stream.size;
  // A page already read without `size` settles it: no `pagelen=1` probe that would come back without one too.
  const size = stream.sizeOmitted ? undefined : await stream.upstreamSize();
  if (size !== undefined) return size;
  const reading = guard(openStream(def, list, plan, stream.params, accept, ctx, { pagelen: list.maxPagelen, startPage: 1 }), refusal);
  let count = 0;
  for (let row = await reading.next(); row; row = await reading.next()) count += 1;
  return count;
}

function finish(rows: Row[], query: ODataQuery, full: (a: Row, b: Row) => number, skippedUpstream: number, count: number | undefined): QueryResult {
  rows.sort(full);
  const skip = Math.max(0, (query.skip ?? 0) - skippedUpstream);
  const end = query.top === undefined ? undefined : skip + query.top;
  return { rows: rows.slice(skip, end), ...(query.count ? { count: count ?? rows.length } : {}) };
}

async function readSingle(def: EntitySetDefinition, plan: QueryPlan, ctx: ExecutionContext): Promise<Row[]> {
  const get = def.get;
  if (!get) return [];
  const params: StreamParams = {};
  for (const param of get.params) {
    const value = usableValues(param, plan.fixedParams[param.name] ?? [])[0];
    if (value === undefined) return [];
    params[param.name] = value;
  }
  const path = addressablePath(get.path, params);
  if (!path) return [];
  const parent = parentParam(get.params);
  // A key property the item does not state (a comment's repository) is confirmed on the parent first (one by-key read).
  if (parent && parentCheckNeeded(def, get.params, plan.fixedParams) && !(await parentExists(parent, params, ctx, listParentValues))) return [];
  let item: unknown;
  try {
    item = await ctx.client.get<unknown>(path, plan.getFields ? { fields: plan.getFields } : {}, ctx.credential, ctx.signal);
  } catch (error) {
    if (!(error instanceof UpstreamError && error.kind === 'not-found')) throw error;
    // The entity is missing, or its parent is: 404 either way. The parent's read (one by-key GET or list, cached per
    // request) ends at a list that must exist, so a base URL that is not Bitbucket's API fails loudly, not as a 404.
    if (!parent) throw shouldExist(error, 'a resource');
    await parentExists(parent, params, ctx, listParentValues);
    return [];
  }
  const row = rowFromItem(def, item, params);
  // Bitbucket resolved a spelling of the key that is not its own (`PLATFORM-API`): OData's key names no entity.
  if (differingRouteValues(def, get.params, row, params).length > 0) return [];
  // The only row of its answer: any position orders it; 0 gives it a cursor like any other row.
  if (plan.byUpstreamPosition) recordUpstreamPosition(row, 0);
  return [row];
}

/** `$filter` and `$search` as one predicate on rows: the residual every row of an answer, and of a count, passes. */
function rowMatcher(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext): (row: Row) => boolean {
  const filter = query.filter ? compileFilter(query.filter, edmOf(def), { now: ctx.now }) : () => true;
  const search = query.search;
  const searchable = def.searchable ?? [];
  return search ? (row: Row) => filter(row) && matchesSearch(row, search, searchable) : filter;
}

/**
 * Bitbucket did not do what was pushed (it refused a `q` field, or ignored a `sort`): that pushdown is withdrawn for
 * good (`pushdown-refusals.ts`) and the query runs again under a new plan. Never reaches the client.
 */
class Replan extends Error {
  override readonly name = 'Replan';
  constructor(readonly problem: UpstreamError | ODataError) {
    super(problem.message);
  }
}

/** Each replan withdraws at least one field or sort for good, so replans end; this bound is only a backstop. */
const MAX_REPLANS = 8;

async function withReplans<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof Replan)) throw error;
      if (attempt > MAX_REPLANS) throw error.problem;
    }
  }
}

/** A status with which Bitbucket refuses a `q` it cannot evaluate: 400, or 500 on some fields (BCLOUD-22709). */
function refusesQuery(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError && (error.status === 400 || error.status === 500);
}

/**
 * Makes every read of `stream` answer for what was pushed: an upstream refusal of `q` becomes a `Replan` once the
 * refused conjunct is found (`refusal`, shared by the query's streams, so the search runs once however many of
 * them were refused at the same time); after a replan is decided no stream calls Bitbucket again.
 */
function guard(stream: RowStream, refusal: { decided?: Replan; failed(error: unknown, params: StreamParams): Promise<unknown> }): RowStream {
  const wrap =
    <T>(step: () => Promise<T>) =>
    async (): Promise<T> => {
      if (refusal.decided) throw refusal.decided;
      try {
        return await step();
      } catch (error) {
        throw await refusal.failed(error, stream.params);
      }
    };
  const { peek, next, upstreamSize } = stream;
  stream.peek = wrap(() => peek.call(stream));
  stream.next = wrap(() => next.call(stream));
  stream.upstreamSize = wrap(() => upstreamSize.call(stream));
  return stream;
}

/**
 * The query-wide handler of a refused `q`: is it the `q` (the same list without `q` is accepted: one call), and which
 * conjuncts (`findRefusedConjuncts`, one call per question, asked with `pagelen=1&fields=size`)? Those fields are
 * withdrawn and the query replanned; the same `q` is never sent again. A failure that is not about `q` goes on as it
 * was. The client has already retried a 500 (a GET is idempotent: evidence row 12 counts 4 calls); it gives no way to
 * ask for a single attempt, so each refused question costs that too.
 */
function refusalHandler(def: EntitySetDefinition, list: ListRoute, plan: QueryPlan, boundConjuncts: (params: StreamParams) => BbqlConjunct[], ctx: ExecutionContext) {
  let search: Promise<unknown> | undefined;
  const handler = {
    decided: undefined as Replan | undefined,
    async failed(error: unknown, params: StreamParams): Promise<unknown> {
      const pushed = [...(plan.bbql.conjuncts ?? []), ...boundConjuncts(params)];
      const path = addressablePath(list.path, params);
      if (!refusesQuery(error) || pushed.length === 0 || path === undefined) return error;
      search ??= (async () => {
        const accepts = async (subset: readonly BbqlConjunct[]): Promise<boolean> => {
          const query: UpstreamQuery = { ...list.fixedQuery, pagelen: 1, fields: 'size' };
          if (subset.length > 0) query.q = subset.map((conjunct) => conjunct.text).join(' AND ');
          try {
            await ctx.client.get<unknown>(path, query, ctx.credential, ctx.signal);
            return true;
          } catch (probeError) {
            if (refusesQuery(probeError)) return false;
            throw probeError;
          }
        };
        if (!(await accepts([]))) return error;
        const refused = await findRefusedConjuncts(pushed, accepts);
        const fields = [...new Set(refused.flatMap((conjunct) => conjunct.fields))];
        for (const field of fields) rememberRefusal(def.name, 'q', field);
        ctx.logger?.warn('Bitbucket refused a q field; it is evaluated here from now on', {
          entitySet: def.name,
          fields,
          status: error.status,
          upstreamMessage: error.upstreamMessage,
          url: error.url,
        });
        return (handler.decided = new Replan(error));
      })();
      return search;
    },
  };
  return handler;
}

/**
 * Checks that the rows of one stream come in the order of the pushed `sort` (its prefix): Bitbucket may ignore a
 * `sort` (evidence row 3), and an early stop or a `page=N` jump trusts it. Out of order, the sort is withdrawn for
 * good and the query replanned (read whole, sorted here); where rows were already skipped by `page=N`, nothing can
 * be rebuilt: a 502 that says so.
 */
function orderCheck(def: EntitySetDefinition, plan: QueryPlan, prefix: (a: Row, b: Row) => number, startPage: number, ctx: ExecutionContext): (rows: readonly Row[]) => void {
  let last: Row | undefined;
  return (rows) => {
    for (const row of rows) {
      if (last !== undefined && prefix(last, row) > 0) {
        const sort = plan.upstreamSort as UpstreamSort;
        const sortText = `${sort.direction === 'desc' ? '-' : ''}${sort.field}`;
        rememberRefusal(def.name, 'sort', sort.field);
        const problem = new ODataError('UpstreamError', {
          upstreamStatus: 200,
          message: `${def.name} rows came out of the order of sort=${sortText} (Bitbucket ignored it)${startPage > 1 ? `, and $skip had been taken as page=${startPage} in that order, so the rows skipped are unknown; the sort is no longer pushed, retry the request` : ''}`,
        });
        if (startPage > 1) throw problem;
        ctx.logger?.warn('Bitbucket ignored a pushed sort; it is done here from now on', { entitySet: def.name, sort: sortText });
        throw new Replan(problem);
      }
      last = row;
    }
  };
}

export async function executeQuery(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext, options: ExecuteOptions = {}): Promise<QueryResult> {
  return withReplans(() => executeOnce(def, query, ctx, options));
}

async function executeOnce(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext, options: ExecuteOptions): Promise<QueryResult> {
  const edm = edmOf(def);
  const pushdown = ctx.pushdown !== false;
  const plan = planQuery(def, query, { pushdown });
  const matches = rowMatcher(def, query, ctx);
  const { full, prefix } = comparators(plan, edm);
  const after = options.after;
  // The exact continuation predicate, evaluated here on every row whatever was pushed: strictly after the cursor.
  const accept = after ? (row: Row) => matches(row) && full(row, after) > 0 : matches;
  ctx.logger?.debug('plan', {
    entitySet: def.name,
    route: plan.useGet || !def.list ? 'get' : 'list',
    fixedParams: plan.fixedParams,
    q: plan.bbql.q,
    exact: plan.exact,
    sort: plan.upstreamSort ? `${plan.upstreamSort.direction === 'desc' ? '-' : ''}${plan.upstreamSort.field}` : undefined,
    order: plan.byUpstreamPosition ? 'upstream' : undefined,
    residual: query.filter !== undefined || query.search !== undefined,
  });
  ctx.onPlan?.(plan, query);

  if (plan.useGet || !def.list) {
    const rows = (await readSingle(def, plan, ctx)).filter(accept);
    return finish(rows, query, full, 0, undefined);
  }
  const list = def.list;
  const position = after ? positionAfterCursor(def, edm, plan.order, after, plan.byUpstreamPosition) : undefined;
  const positionOf = (params: StreamParams) => position?.(streamConstants(def, list.params, params));
  const paramsList = await resolveStreams(plan, list.params, ctx, listParentValues, (partial) => positionOf(partial)?.kind !== 'before');
  if (paramsList.length === 0) return finish([], query, full, 0, query.count ? 0 : undefined);
  /** The cursor's bound within one stream, as BBQL conjuncts, when Bitbucket can evaluate it (a superset, re-checked here). */
  const boundConjuncts = (params: StreamParams): BbqlConjunct[] => {
    const streamPosition = positionOf(params);
    return pushdown && streamPosition?.kind === 'after' && streamPosition.bound ? (toBbql(def, streamPosition.bound).conjuncts ?? []) : [];
  };
  const boundOf = (params: StreamParams): string | undefined => {
    const conjuncts = boundConjuncts(params);
    return conjuncts.length > 0 ? conjuncts.map((conjunct) => conjunct.text).join(' AND ') : undefined;
  };
  const refusal = refusalHandler(def, list, plan, boundConjuncts, ctx);

  const need = query.top === undefined ? undefined : (query.skip ?? 0) + query.top;
  // Bitbucket's `size` knows nothing of the cursor, so after one it is never the count.
  const sizeIsCount = plan.exact && list.reportsSize && !after;
  // Reading can stop early only when Bitbucket delivers each stream in (prefix) order and the count, if asked,
  // comes from Bitbucket's `size` rather than from reading every row; and, as every saving, only with pushdown on
  // (an order by upstream position has a prefix either way).
  // A walk over the whole answer whose continuation by cursor is dear reads everything once, for a paging snapshot:
  // an order by upstream position (the cursor's stream is re-read from its start), and an order merged across
  // streams (every stream is opened again on every page).
  const mergedStreams = paramsList.length > 1 && !readsStreamsInTurn(plan, paramsList.length);
  const snapshotWalk = options.wholeAnswer === true && options.reportOrdered === true && (plan.byUpstreamPosition || mergedStreams);
  const earlyStop = pushdown && need !== undefined && prefix !== undefined && (!query.count || sizeIsCount) && !snapshotWalk;
  const unique = prefixIsUnique(plan);
  /** `passedOver`: rows the stream delivers before any it can answer (the cursor's own stream, re-read). */
  const pagelenFor = (passedOver: number) => (earlyStop && plan.exact ? Math.max(1, Math.min(list.maxPagelen, passedOver + need + (unique ? 0 : 1))) : list.maxPagelen);
  const pagelen = pagelenFor(0);
  // Ordered by upstream position, the cursor's stream holds the cursor's row and every row before it first.
  const cursorPosition = after && plan.byUpstreamPosition ? upstreamPositionOf(after) : undefined;
  const onConstants = compareRows(plan.order, [], edm);
  const passedOverIn = (params: StreamParams): number =>
    after && cursorPosition !== undefined && onConstants(streamConstants(def, list.params, params), after) === 0 ? cursorPosition + 1 : 0;
  // `$skip` becomes a later start page when one exact, uniquely ordered stream makes the skipped rows certain (not
  // where rows before a cursor's position come first: the page boundaries would count them as skipped).
  const pageSkip =
    earlyStop && plan.exact && unique && paramsList.length === 1 && list.supportsPageNumber && cursorPosition === undefined && (query.skip ?? 0) >= pagelen;
  const startPage = pageSkip ? Math.floor((query.skip ?? 0) / pagelen) + 1 : 1;

  const cursorKey = after ? cursorKeyOf(after) : undefined;
  const cursorIn = (params: StreamParams): CursorRow | undefined =>
    cursorPosition !== undefined && cursorKey !== undefined && passedOverIn(params) > 0 ? { position: cursorPosition, key: cursorKey } : undefined;
  const resumeIn = (params: StreamParams): ResumePoint | undefined =>
    cursorPosition !== undefined && passedOverIn(params) > 0 ? resumePoint(list, params, after as Row, cursorPosition, pushdown) : undefined;
  // An early stop (and a `page=N` jump) trusts the pushed sort: each stream's rows are checked against it.
  const checkOrder = earlyStop && plan.upstreamSort && prefix ? () => orderCheck(def, plan, prefix, startPage, ctx) : undefined;
  const streams = paramsList.map((params) =>
    guard(
      openStream(def, list, plan, params, accept, ctx, {
        pagelen: pagelenFor(passedOverIn(params)),
        startPage,
        bound: boundOf(params),
        resume: resumeIn(params),
        checkOrder: checkOrder?.(),
        cursor: cursorIn(params),
      }),
      refusal,
    ),
  );
  let rows: Row[];
  if (earlyStop && prefix) {
    const skippedUpstream = streams[0].skippedUpstream;
    rows = await collectInOrder(plan, list, streams, prefix, need - skippedUpstream, ctx, edm, unique);
    const count = query.count ? (await mapWithConcurrency(streams, ctx.limits.fanOutConcurrency, (s) => countStream(def, list, plan, s, accept, ctx, refusal))).reduce((a, b) => a + b, 0) : undefined;
    // A merge over several streams opens every one of them again on each continuation page; when this page read
    // them all to their end anyway, the whole set is in hand. (Streams read in turn, or one stream, continue cheaply.)
    const merged = streams.length > 1 && !readsStreamsInTurn(plan, streams.length);
    const ordered = options.reportOrdered && merged && skippedUpstream === 0 ? everyRowRead(rows, streams) : undefined;
    if (ordered) ordered.sort(full);
    return { ...finish(rows, query, full, skippedUpstream, count), ...(ordered ? { ordered } : {}) };
  }
  const perStream = await mapWithConcurrency(streams, ctx.limits.fanOutConcurrency, async (stream) => {
    const into: Row[] = [];
    await drain(stream, into, ctx.memory);
    return into;
  });
  rows = perStream.flat();
  // `finish` sorts `rows` in place: afterwards it is the whole matching set in the total order.
  return { ...finish(rows, query, full, 0, undefined), ...(options.reportOrdered ? { ordered: rows } : {}) };
}

/** `$count` alone (`/$count`): from Bitbucket's `size` when exact, else by reading every row. */
export async function executeCount(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext): Promise<number> {
  return withReplans(() => countOnce(def, query, ctx));
}

async function countOnce(def: EntitySetDefinition, query: ODataQuery, ctx: ExecutionContext): Promise<number> {
  const plan = planQuery(def, query, { pushdown: ctx.pushdown !== false });
  const list = def.list;
  if (list && !plan.useGet && plan.exact && list.reportsSize) {
    const paramsList = await resolveStreams(plan, list.params, ctx, listParentValues);
    const accept = rowMatcher(def, query, ctx);
    const refusal = refusalHandler(def, list, plan, () => [], ctx);
    const sizes = await mapWithConcurrency(paramsList, ctx.limits.fanOutConcurrency, (params) =>
      countStream(def, list, plan, guard(openStream(def, list, plan, params, accept, ctx, { pagelen: 1, startPage: 1 }), refusal), accept, ctx, refusal),
    );
    return sizes.reduce((a, b) => a + b, 0);
  }
  const result = await executeQuery(def, { ...query, top: undefined, skip: undefined, count: true, orderby: [] }, ctx);
  return result.count ?? result.rows.length;
}

/** Fan-out: the values of one property of a parent entity set, through the same executor. */
async function listParentValues(entitySet: string, filter: Expr | undefined, property: string, ctx: ExecutionContext): Promise<string[]> {
  const parent = findDefinition(entitySet);
  if (!parent) throw new ODataError('Internal', { reference: `fan-out ${entitySet}` });
  const result = await executeQuery(parent, { filter, orderby: [], select: [property], count: false }, ctx);
  return result.rows.map((row) => String(row[property]));
}
