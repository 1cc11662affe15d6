/**
 * One upstream stream (a list route with its route values: one repository's pull requests) as a lazy iterator of the
 * rows that pass the query's predicate, page by page: from its start, from a later `page=N`, or from the upstream page
 * a keyset cursor remembers (`ResumePoint`); ordered by upstream position, each row remembers its position in the
 * stream (`upstream-position.ts`), and the cursor's own stream continues after the cursor's row wherever a push moved
 * it (`CursorRow`). A 404 is "no rows" only where the client named a parent that does not exist (`listNotFound`).
 */
import { bitbucketPath, canonicalTarget, encodeUpstreamQuery, resumeTargetProblem, UpstreamError, type BitbucketPage, type LocatedPage, type ListRevision, type UpstreamQuery } from '../bitbucket';
import type { Row } from '../odata/ast';
import { ODataError } from '../odata/errors';
import type { EntitySetDefinition, ListRoute, RouteParameter } from '../entity-sets/model';
import type { ExecutionContext } from './execution-context';
import { listItems } from './list-items';
import { mayBeGone } from './parent-list-memo';
import type { QueryPlan } from './plan-query';
import { revisionFor } from './parent-revisions';
import { parentCheckNeeded, parentExists, parentParam, type ParentLister, type StreamParams } from './resolve-streams';
import { differingRouteValues, rowFromItem, sourcePaths } from './row-from-item';
import { itemsStateSpelling, spellingFields, spellingOf } from './spelled-route-values';
import { recordUpstream, recordUpstreamPosition, upstreamPageOf, upstreamPositionOf, type HeldPages, PageSource, type ReadPage, type UpstreamPageLocation } from './upstream-position';

/** One upstream stream: its parameters, a lazy iterator of accepted rows, and the `size` Bitbucket reported. */
export interface RowStream {
  params: StreamParams;
  size?: number;
  /** A page of the stream came without `size` (it is optional, evidence row 2): only reading the rows counts them. */
  sizeOmitted?: boolean;
  /** Rows the stream skipped upstream by starting at a later page. */
  skippedUpstream: number;
  /** The accepted rows read but not yet taken, once Bitbucket has no further page; undefined before that. */
  remainder(): readonly Row[] | undefined;
  /** Accepted rows in hand: `next()` and `peek()` answer this many without calling Bitbucket. */
  buffered(): number;
  next(): Promise<Row | undefined>;
  peek(): Promise<Row | undefined>;
  /**
   * `next()` then `peek()` without an await, when the row after the head is in hand already: drops the head and
   * answers the row after it. Undefined, with nothing dropped, when that row is not buffered: the caller then goes
   * the asynchronous way. A read takes every row through `next` and `peek`, and behind `guard` (replan.ts) each of
   * them is two or three async frames and awaits (promises and async-hook calls) for a row that was in hand
   * (issue #15: latency added per upstream page).
   */
  nextInHand?(): Row | undefined;
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
export interface ResumePoint {
  target: string;
  firstPosition: number;
  /**
   * The target is the page after the one that held the cursor's row (the row was that page's last item): its rows
   * follow the cursor's row, which the page holds only if Bitbucket's paging moved (see `openStream`).
   */
  afterCursor?: boolean;
}

/** A page of one stream, and whether it was reached through Bitbucket's `next` (its rows may then remember it). */
type StreamPage = LocatedPage<unknown> & { reachedByNext: boolean; held?: boolean };

/**
 * Pages of one stream, from its start or from a resume point. Ordered by upstream position (`located`), the rows of a
 * page reached through `next` remember where it was read (`UpstreamPageLocation`), so a later page may open there; a
 * row of the stream's first page is reached again from the start in one call and needs no location.
 */
async function* streamPages(
  ctx: ExecutionContext,
  path: string,
  query: UpstreamQuery,
  located: boolean,
  resume: ResumePoint | undefined,
  revision?: ListRevision,
  held: { replay?: ReadPage; pages?: HeldPages } = {},
): AsyncGenerator<StreamPage> {
  let first = resume === undefined;
  let start: { path: string; query: UpstreamQuery } | { target: string } = resume ? { target: resume.target } : { path, query };
  // Pages the walk's previous answer page read and held (`src/paging/held-pages.ts`, issue #15) are served as read,
  // as long as they follow one another; the first page not held is read from Bitbucket.
  const heldAt = (target: string) => held.pages?.byTarget.get(canonicalTarget(target));
  let replay = held.replay ?? heldAt(resume ? resume.target : requestTargetOf(path, query));
  while (replay) {
    yield { page: replay.page, target: replay.target, nextTarget: replay.nextTarget, reachedByNext: located && !replay.first, held: true };
    first = false;
    if (replay.page.next === undefined) return;
    // Held only with a `next` inside the base URL (`mayReplay`): never a list cut short here.
    if (replay.nextTarget === undefined) throw new ODataError('Internal', { reference: 'held page without its next target' });
    start = { target: replay.nextTarget };
    replay = heldAt(replay.nextTarget);
  }
  for await (const page of ctx.client.locatedPages<unknown>(start, ctx.credential, ctx.signal, { revision })) {
    yield { ...page, reachedByNext: located && !first };
    first = false;
  }
}

/** The request target of a stream's first page, relative to the base URL (as `BitbucketClient` builds it). */
function requestTargetOf(path: string, query: UpstreamQuery): string {
  const encoded = encodeUpstreamQuery(query);
  return encoded === '' ? path : `${path}?${encoded}`;
}

export function openStream(
  def: EntitySetDefinition,
  list: ListRoute,
  plan: QueryPlan,
  params: StreamParams,
  accept: (row: Row) => boolean,
  ctx: ExecutionContext,
  paging: {
    pagelen: number;
    startPage: number;
    bound?: string;
    resume?: ResumePoint;
    checkOrder?: (rows: readonly Row[]) => void;
    cursor?: CursorRow;
    /** True when no later page can hold a row the query wants (a lower bound passed, `read-strategy.ts` stopBelow). */
    lastNeeded?: (rows: readonly Row[]) => boolean;
    /** Pages the walk's previous answer page held for this one (`upstream-position.ts` HeldPages). */
    held?: HeldPages;
  },
  parents: ParentLister,
): RowStream {
  const path = addressablePath(list.path, params);
  const checkNeeded = parentCheckNeeded(def, list.params, plan.fixedParams);
  // Items that state the route values in Bitbucket's spelling settle it themselves: the list is read at once, and the
  // parent only when its first item cannot tell (`spelled-route-values.ts`). An empty list needs nothing: no rows.
  const spelledByItems = checkNeeded && itemsStateSpelling(def, list);
  let spellingSettled = !spelledByItems;
  const query = upstreamListQuery(list, plan, paging.pagelen, paging.startPage, paging.bound);
  if (spelledByItems && query.fields !== undefined) query.fields = [query.fields, ...spellingFields(list)].join(',');
  /** What every page of this stream asks for besides its place (`pagelen`, `page`): a page location leaves it out. */
  const ownParts = queryParts(encodeUpstreamQuery({ ...upstreamListQuery(list, plan, 1, undefined, paging.bound), pagelen: undefined }));
  const resume = paging.resume && path ? { ...paging.resume, target: expandedTarget(paging.resume.target, path, ownParts) } : paging.resume;
  if (resume && resumeTargetProblem(resume.target) !== undefined) throw new ODataError('InvalidSkipToken', { reason: "its upstream page is not on this repository's list" });
  const compact = (target: string | undefined): string | undefined => (target === undefined || path === undefined ? target : compactTarget(target, path, ownParts));
  // A pull request's commits or diffstat, a pipeline's steps: the revision the fan-out listed lets the client reuse a
  // list kept for it.
  // The cursor's own stream opens at the held page that holds the cursor's row, when it is this list's, read with every
  // part of this stream's own query (`fields`, `q`, `sort`; any `pagelen`): positions then count from that page's first
  // item, and the row is sought in it as in any page.
  // With pushdown off (the bench's baseline) held pages are not used, like page locations (`resumePoint`).
  const heldPages = ctx.pushdown !== false ? paging.held : undefined;
  const cursorPage = paging.cursor ? heldPages?.cursorPage : undefined;
  const replay = cursorPage && path !== undefined && compactTarget(cursorPage.target, path, ownParts).startsWith('?') ? cursorPage : undefined;
  const held = { ...(replay ? { replay } : {}), ...(heldPages ? { pages: heldPages } : {}) };
  const pages = path ? streamPages(ctx, path, query, plan.byUpstreamPosition, resume, revisionFor(ctx, list, params), held) : undefined;
  let buffer: Row[] = [];
  /** The position in the stream of the next item Bitbucket delivers (`upstream-position.ts`). */
  let position = replay ? replay.firstPosition : paging.resume ? paging.resume.firstPosition : (paging.startPage - 1) * paging.pagelen;
  /** The cursor's row, not yet seen again in its stream; rows after the cursor's position seen meanwhile wait. */
  let seeking = paging.cursor;
  /** Opened at the page after the cursor's row: the first page read follows that row unless it holds it. */
  let cursorJustBefore = replay === undefined && paging.resume?.afterCursor === true;
  let waiting = 0;
  /** Where the cursor's row now is against where it was: positions shift by it so that rows after it follow it. */
  let shift = 0;
  /**
   * The keys of the items of held pages replayed (`streamPages`), while the pages read live after them may repeat
   * some: a held page is Bitbucket's answer of the previous answer page's time, and a `next` that encodes an offset
   * (the sandbox's does; Bitbucket does not say what its cursor holds) starts one item early for each item pushed
   * above it since. Such repeats lead the first live page; they are passed over, and the first new item ends the check.
   */
  let heldKeys: Set<string> | undefined;
  const keyText = (row: Row) => JSON.stringify(def.key.map((name) => row[name] ?? null));
  const withoutRepeats = (rows: Row[]): Row[] => {
    const keys = heldKeys as Set<string>;
    let repeats = 0;
    while (repeats < rows.length && keys.has(keyText(rows[repeats]))) repeats++;
    if (repeats < rows.length) heldKeys = undefined;
    if (repeats === 0) return rows;
    const kept = rows.slice(repeats);
    // Positions continue from the held page's, as if the repeats had not come.
    for (const row of kept) recordUpstreamPosition(row, (upstreamPositionOf(row) as number) - repeats);
    position -= repeats;
    return kept;
  };
  /** The page this stream's latest rows came on (`PageSource`), let go of when the next one is read. */
  let source: PageSource | undefined;
  const toRow = (item: unknown, location: UpstreamPageLocation | undefined): Row => {
    const row = rowFromItem(def, item, params);
    recordUpstream(row, plan.byUpstreamPosition ? position + shift : undefined, location, source);
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
    (parentConfirmed ??= checkNeeded ? parentExists(parentParam(list.params) as RouteParameter, params, ctx, parents) : Promise.resolve(true));
  /**
   * `parentOk` has answered true: `peek` (called for every row, through `next`) need not await it again. Each await
   * of the settled promise cost a microtask and async-hook calls per row (issue #15.3: async-hook samples 128 -> 75 ms
   * in a profile of two 100,000-commit walks in 100-row pages; below what the end-to-end CPU figure can resolve).
   */
  let parentKnownOk = !checkNeeded;
  /**
   * The rows of a page of the cursor's own stream that follow the cursor's row (`CursorRow`), once it is found; until
   * then none. Rows after the cursor's position seen before it must be newer rows that pushed it down: passed over.
   */
  const afterCursorRow = (rows: Row[]): Row[] => {
    const cursor = seeking as CursorRow;
    const at = rows.findIndex((row) => Object.keys(cursor.key).every((name) => row[name] === cursor.key[name]));
    const justBefore = cursorJustBefore;
    cursorJustBefore = false;
    // The page Bitbucket's `next` named after the cursor's row: its rows follow that row. Should the page hold the row
    // all the same (paging by offset, with commits pushed since), the rows after it follow, as below.
    if (at < 0 && justBefore) {
      seeking = undefined;
      return rows.filter(accept);
    }
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
    buffered: () => buffer.length,
    // With two rows buffered, `next` and `peek` would answer them at once: rows are buffered only after the parent
    // check answered (or where the items state the spelling), so neither would await anything.
    nextInHand() {
      if (buffer.length < 2) return undefined;
      buffer.shift();
      return buffer[0];
    },
    async peek() {
      if (!done && !spelledByItems && !parentKnownOk) {
        if (await parentOk()) parentKnownOk = true;
        else empty();
      }
      while (buffer.length === 0 && !done) {
        let result: IteratorResult<StreamPage>;
        try {
          result = await (pages as AsyncGenerator<StreamPage>).next();
        } catch (error) {
          if (error instanceof UpstreamError && error.kind === 'not-found') {
            await listNotFound(list, plan, params, error, ctx, parents);
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
        if (!spellingSettled && Array.isArray(page.values) && page.values.length > 0) {
          spellingSettled = true;
          const spelling = spellingOf(def, list, page.values[0], params);
          if (spelling === 'differs' || (spelling === 'unknown' && !(await parentOk()))) {
            empty();
            break;
          }
        }
        // Only a page of this very list can be resumed (`resumePoint` refuses any other path), so a `next` link that
        // names the list differently (another spelling or encoding) leaves its rows without a location: they re-read.
        const located = result.value.reachedByNext ? result.value.target : undefined;
        const target = located !== undefined && pathOfTarget(located) === path ? compact(located) : undefined;
        if (typeof page.size === 'number') stream.size = page.size;
        else stream.sizeOmitted = true;
        if (page.next === undefined) lastPageRead = true;
        const items = listItems(list, page.values);
        // The last item of a page with a `next` remembers that page instead (index -1: "just before its first item"),
        // so that a page of the answer ending on it continues at the next Bitbucket page, not by reading its own again
        // (issue #15: 100-row answers over 100-item Bitbucket pages read every page two or three times).
        const nextTarget = plan.byUpstreamPosition && result.value.nextTarget !== undefined && pathOfTarget(result.value.nextTarget) === path ? compact(result.value.nextTarget) : undefined;
        // Ordered by upstream position, every row knows the page it came on, so the paging handler can hold that page
        // for the walk's next answer page (`src/paging/held-pages.ts`).
        const read = result.value.target;
        source?.release();
        source =
          plan.byUpstreamPosition && read !== undefined
            ? new PageSource({ target: read, page, ...(result.value.nextTarget !== undefined ? { nextTarget: result.value.nextTarget } : {}), firstPosition: position + shift, first: !result.value.reachedByNext })
            : undefined;
        const rows = items.map((item, index) =>
          toRow(item, nextTarget !== undefined && index === items.length - 1 ? { target: nextTarget, index: -1 } : target === undefined ? undefined : { target, index }),
        );
        // Every item of a stream states the same route values; the first one shows a spelling Bitbucket resolved
        // case-insensitively (`PLATFORM-API`): the stream stops here, one call, with no rows and a `size` of 0.
        if (rows.length > 0 && differingRouteValues(def, list.params, rows[0], params).length > 0) {
          empty();
          break;
        }
        // Repeats are passed over only where rows are ordered by upstream position: their keys are kept only there.
        if (result.value.held && plan.byUpstreamPosition) for (const row of rows) (heldKeys ??= new Set()).add(keyText(row));
        const fresh = !result.value.held && heldKeys !== undefined ? withoutRepeats(rows) : rows;
        paging.checkOrder?.(fresh);
        buffer = seeking ? afterCursorRow(fresh) : fresh.filter(accept);
        // The rows after this page cannot pass the filter: the stream ends here, as if Bitbucket had no more.
        if (paging.lastNeeded?.(fresh)) {
          done = true;
          lastPageRead = true;
        }
      }
      return buffer[0];
    },
    async upstreamSize() {
      if (stream.size !== undefined) return stream.size;
      if (!path || (!spelledByItems && !(await parentOk()))) return 0;
      // The first item's key values come along, so that a spelling Bitbucket resolved case-insensitively counts 0.
      const keyPaths = list.params.flatMap((param) => {
        const property = def.properties.find((candidate) => candidate.name === param.property);
        return property ? sourcePaths(property).map((source) => `values.${source}`) : [];
      });
      const query: UpstreamQuery = {
        ...upstreamListQuery(list, plan, 1),
        fields: ['size', ...keyPaths, ...(spelledByItems ? spellingFields(list) : [])].join(','),
      };
      let page: BitbucketPage<unknown>;
      try {
        page = await ctx.client.get<BitbucketPage<unknown>>(path, query, ctx.credential, ctx.signal);
      } catch (error) {
        if (!(error instanceof UpstreamError && error.kind === 'not-found')) throw error;
        await listNotFound(list, plan, params, error, ctx, parents);
        return 0;
      }
      if (spelledByItems && Array.isArray(page.values) && page.values.length > 0) {
        const spelling = spellingOf(def, list, page.values[0], params);
        if (spelling === 'differs' || (spelling === 'unknown' && !(await parentOk()))) return 0;
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
export interface CursorRow {
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
  return new ODataError('InvalidSkipToken', {
    reason: "the row it continues after is no longer in the repository's list (history rewritten?); start the walk again",
  });
}

/**
 * A 404 on a list. Bitbucket answers 404 for a list under a workspace, repository or pull request that does not
 * exist (or that the credential cannot see): "no rows" only when the client named that parent and a read of the
 * parent by its key finds nothing (`parentExists`: a by-key GET, whose own 404 is checked the same way up to a list
 * that must exist). A list with no parent (`/user/workspaces`), under a parent just listed by fan-out, or under one
 * that exists should exist: its 404 says the gateway is not talking to Bitbucket's API (a `BITBUCKET_API_URL` without
 * `/2.0`), which an empty answer would hide. Decided by status and the parent's read, never by message text.
 */
async function listNotFound(list: ListRoute, plan: QueryPlan, params: StreamParams, error: UpstreamError, ctx: ExecutionContext, parents: ParentLister): Promise<void> {
  const parent = parentParam(list.params);
  // A parent the client named, or one a kept list named that may have gone since (`parent-list-memo.ts`).
  if (parent && (plan.fixedParams[parent.name] !== undefined || mayBeGone(ctx)) && !(await parentExists(parent, params, ctx, parents))) return;
  for (const param of list.params) if (param.existsAt && !(await valueExists(param.existsAt, params, ctx))) return;
  throw shouldExist(error, 'a list');
}

/**
 * Whether a route value with no parent set names something Bitbucket knows (`RouteParameter.existsAt`, e.g.
 * `/users/{selected_user}`: "404 If no user exists for the specified UUID", Bitbucket's OpenAPI): one GET, asked once
 * per value and request.
 */
function valueExists(template: string, params: StreamParams, ctx: ExecutionContext): Promise<boolean> {
  const path = addressablePath(template, params);
  if (path === undefined) return Promise.resolve(false);
  let cache = existenceChecks.get(ctx);
  if (!cache) existenceChecks.set(ctx, (cache = new Map()));
  let answer = cache.get(path);
  if (!answer) {
    answer = ctx.client.get<unknown>(path, {}, ctx.credential, ctx.signal).then(
      () => true,
      (error: unknown) => {
        if (error instanceof UpstreamError && error.kind === 'not-found') return false;
        throw error;
      },
    );
    cache.set(path, answer);
  }
  return answer;
}

const existenceChecks = new WeakMap<ExecutionContext, Map<string, Promise<boolean>>>();

export function shouldExist(error: UpstreamError, what: string): ODataError {
  return new ODataError('UpstreamError', {
    upstreamStatus: error.status ?? 404,
    message: `${error.method} ${error.url} is ${what} that should exist; check BITBUCKET_API_URL (Bitbucket's API base, ending in /2.0)`,
  });
}

/**
 * The upstream path for these parameters, or undefined when a value cannot name a Bitbucket resource (empty, `.`,
 * `..`): such a value matches no entity, so the stream is simply empty rather than an error.
 */
export function addressablePath(template: string, params: StreamParams): string | undefined {
  try {
    return bitbucketPath(template, params);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** The `name=value` parts of an encoded query, as sent (no decoding: a part compares by its exact text). */
function queryParts(query: string): string[] {
  return query === '' ? [] : query.split('&');
}

/**
 * A page location as short as a `$skiptoken` can carry (`MAX_LOCATED_CURSOR_BYTES`, about 240 bytes): Bitbucket's
 * `next` link repeats the stream's own query (its `fields` alone take about 100 bytes on commits), so the location
 * keeps only `?` and the parts the stream's own request lacks (`pagelen`, `page`); `expandedTarget` puts the rest
 * back. A full target over that size was left out of the cursor, so every continuation re-read its repository from
 * the start (issue #15: 4,357 calls for 100,000 commits in 100-row pages). A link that drops one of the stream's own
 * parts, or spells it otherwise, stays whole.
 */
function compactTarget(target: string, path: string, ownParts: readonly string[]): string {
  const queryAt = target.indexOf('?');
  if (queryAt < 0 || target.slice(0, queryAt) !== path) return target;
  const rest = queryParts(target.slice(queryAt + 1));
  for (const part of ownParts) {
    const at = rest.indexOf(part);
    if (at < 0) return target;
    rest.splice(at, 1);
  }
  return `?${rest.join('&')}`;
}

/** The request target of a location `compactTarget` shortened (one starting with `?`); any other as it is. */
function expandedTarget(location: string, path: string, ownParts: readonly string[]): string {
  if (!location.startsWith('?')) return location;
  const parts = [...ownParts, ...queryParts(location.slice(1))];
  return parts.length === 0 ? path : `${path}?${parts.join('&')}`;
}

/** The path of a request target, without its query. */
function pathOfTarget(target: string): string {
  const queryAt = target.indexOf('?');
  return queryAt < 0 ? target : target.slice(0, queryAt);
}

/**
 * Where the cursor's own stream opens, from the page location the cursor carries (`src/paging/keyset-cursor.ts`);
 * undefined to read it from its start (no location, or pushdown off: like every saving). The location comes back from
 * a client's `$skiptoken`: signed, but checked all the same before any credential goes with it. Its path must be
 * exactly this stream's own list path (so neither another repository nor another resource), its query free of a
 * fragment.
 */
export function resumePoint(list: ListRoute, params: StreamParams, after: Row, cursorPosition: number, pushdown: boolean): ResumePoint | undefined {
  const location = upstreamPageOf(after);
  if (location === undefined) return undefined;
  const path = addressablePath(list.path, params);
  // A location starting with `?` is relative to this stream's own list (`compactTarget`): `openStream` checks it whole.
  const relative = location.target.startsWith('?');
  if (path === undefined || (!relative && (pathOfTarget(location.target) !== path || resumeTargetProblem(location.target) !== undefined))) {
    throw new ODataError('InvalidSkipToken', {
      reason: "its upstream page is not on this repository's list",
    });
  }
  return pushdown
    ? {
        target: location.target,
        firstPosition: cursorPosition - location.index,
        afterCursor: location.index < 0,
      }
    : undefined;
}
