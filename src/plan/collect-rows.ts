/**
 * The ways a read's streams become its rows (`ReadStrategy.combine`): merged by the order's prefix until `need` rows
 * and their ties are in hand (`collectSorted`), read one after another in the order of their constants
 * (`collectInTurn`), or read whole (`drain`); and, after an early stop, whether every row was read after all
 * (`everyRowRead`).
 */
import type { Row } from '../odata/ast';
import type { EdmEntitySet } from '../odata/edm';
import { compareRows } from '../odata/evaluate';
import type { ListRoute } from '../entity-sets/model';
import type { ExecutionContext } from './execution-context';
import { mapWithConcurrency } from './map-with-concurrency';
import type { QueryPlan } from './plan-query';
import { readAhead } from './read-ahead';
import type { StreamSource } from './stream-source';
import { leadingOrder } from './read-strategy';
import { streamConstants, type StreamParams } from './resolve-streams';
import type { RowStream } from './row-stream';

/**
 * Read rows in prefix order (streams merged) until `need` rows are in hand and the next row starts a new prefix
 * value (rows tied on the prefix may still reorder under the full order, so all of them are read).
 */
export async function collectSorted(streams: RowStream[], prefix: (a: Row, b: Row) => number, need: number, ctx: ExecutionContext, unique: boolean): Promise<Row[]> {
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
    // The row after it is in hand already (the rest of its Bitbucket page): taken without an await.
    const inHand = entry.stream.nextInHand?.();
    if (inHand !== undefined) {
      entry.head = inHand;
      continue;
    }
    await entry.stream.next();
    entry.head = await entry.stream.peek();
    if (entry.head === undefined) live.splice(best, 1);
  }
  return collected;
}

/**
 * When the order starts with every property that is constant within a stream (e.g. the default key order
 * Workspace, RepositorySlug, Id), the streams themselves are ordered: read them one after another and stop as soon
 * as enough rows are in hand, instead of opening every stream to merge them (`ReadStrategy.combine` `in-turn`).
 */
export async function collectInTurn(
  plan: QueryPlan,
  list: ListRoute,
  streams: RowStream[] | StreamSource,
  prefix: (a: Row, b: Row) => number,
  need: number,
  ctx: ExecutionContext,
  edm: EdmEntitySet,
  unique: boolean,
): Promise<Row[]> {
  const rows: Row[] = [];
  // Streams resolved as the read goes (`StreamSource`) already come in this order.
  const ordered = Array.isArray(streams) ? inTurnOrder(plan, list, streams, edm) : streams;
  const firstPages = readAhead(ordered, need, ctx.limits.fanOutConcurrency);
  try {
    for (let index = 0; rows.length < need; index++) {
      const stream = await firstPages.first(index, rows.length);
      if (stream === undefined) break;
      rows.push(...(await collectSorted([stream], prefix, need - rows.length, ctx, unique)));
    }
  } finally {
    await firstPages.settled();
  }
  return rows;
}

/** The streams in the order of their constants (the order's leading items): the order `collectInTurn` reads them in. */
export function inTurnOrder(plan: QueryPlan, list: ListRoute, streams: RowStream[], edm: EdmEntitySet): RowStream[] {
  return sortedInTurn(plan, list, streams, (stream) => stream.params, edm);
}

/** The streams' parameters in `inTurnOrder`'s order, before any stream is opened (`streamsOpenedWhenReached`). */
export function inTurnParamsOrder(plan: QueryPlan, list: ListRoute, paramsList: readonly StreamParams[], edm: EdmEntitySet): StreamParams[] {
  return sortedInTurn(plan, list, paramsList, (params) => params, edm);
}

/** `items` sorted by their streams' constants, each computed once (a stable sort: ties keep their order). */
function sortedInTurn<T>(plan: QueryPlan, list: ListRoute, items: readonly T[], paramsOf: (item: T) => StreamParams, edm: EdmEntitySet): T[] {
  const byStream = compareRows(leadingOrder(plan), [], edm);
  const keyed = items.map((item) => ({ item, constants: streamConstants(plan.def, list.params, paramsOf(item)) }));
  return keyed.sort((a, b) => byStream(a.constants, b.constants)).map((each) => each.item);
}

/** An answer's rows handed over as they are read (`ExecuteOptions.stream`), so its first bytes need not wait for its last row. */
export interface RowFeed {
  /** The answer's next rows (at most `max`), as soon as some are read: about one Bitbucket page at a time; [] once there are no more. */
  next(max: number): Promise<Row[]>;
}

/** Which of the rows read in order are the answer's: `skip` of them are passed over, then at most `top`; reading stops once `need` are taken (and their ties). */
export interface FeedWindow {
  skip: number;
  top?: number;
  need: number;
}

/**
 * The rows of streams read one after another, each in prefix order (`combine` `one` or `in-turn`, ordered as
 * `inTurnOrder` orders them), handed over as they are read: exactly the rows, in exactly the order, that
 * `collectInTurn` followed by the executor's sort, `$skip` and `$top` answer, and reading stops at the same row
 * (`collectSorted`'s rule). Nothing waits for the whole answer: no row is sorted against a row of a later page, except
 * within a run of rows tied on the prefix (the full order may still reorder them), which is handed over once the next
 * row starts a new prefix value; with a unique prefix (commits by upstream position) every row is handed over at once.
 * Each `next` reads until some rows are ready and the stream has no more in hand (one upstream page at a time).
 */
export function feedInTurn(
  ordered: readonly RowStream[] | StreamSource,
  prefix: (a: Row, b: Row) => number,
  full: (a: Row, b: Row) => number,
  window: FeedWindow,
  unique: boolean,
  fanOutConcurrency = 1,
): RowFeed {
  let index = 0;
  const firstPages = readAhead(ordered, window.need, fanOutConcurrency);
  /** Rows taken toward `need`, as `collectSorted` counts them. */
  let taken = 0;
  /** Rows of the answer's order released so far, `skip`ped ones included. */
  let released = 0;
  let group: Row[] = [];
  let ready: Row[] = [];
  let finished = window.need <= 0;
  /** The last row taken from the current stream. */
  let last: Row | undefined;
  const release = () => {
    if (group.length > 1) group.sort(full);
    for (const row of group) {
      const at = released++;
      if (at >= window.skip && (window.top === undefined || at < window.skip + window.top)) ready.push(row);
    }
    group = [];
  };
  const stop = () => {
    release();
    finished = true;
  };
  /** The stream being read. */
  let current: RowStream | undefined;
  /**
   * One head of the current stream: taken, or the end of the stream, or of the read; then the heads after it that are
   * in hand (the rest of its Bitbucket page), taken the same way without an await (`nextInHand`, as `collectSorted`
   * does): each row otherwise cost an async step, a guarded `peek` and `next` (replan.ts) and an await of the read
   * ahead, some eight promises a row (issue #15.3). The read ahead is told of every row taken all the same
   * (`first`, whose promise is in hand: not awaited), as when each row was a step of its own.
   */
  const step = async (): Promise<void> => {
    // The stream being read is in hand: the read ahead is told where the reader is, and its promise (settled with this
    // very stream) is not awaited, a microtask turn and an await's promise fewer per upstream page (issue #15: CPU per
    // upstream call; with guard's and the client's cuts, 57.1 -> 49.1 promises per call of `$select=Hash,Date`).
    let stream = current;
    if (stream !== undefined) void firstPages.first(index, taken);
    else stream = current = await firstPages.first(index, taken);
    if (stream === undefined) return stop();
    let head = await stream.peek();
    if (head === undefined) {
      release();
      index += 1;
      last = undefined;
      current = undefined;
      if (taken >= window.need) finished = true;
      return;
    }
    for (;;) {
      if (taken >= window.need && last !== undefined && prefix(head, last) !== 0) return stop();
      if (group.length > 0 && prefix(head, group[0]) !== 0) release();
      group.push(head);
      taken += 1;
      last = head;
      // As in `collectSorted`: with a unique prefix no later row of this stream can tie, so no page is read ahead,
      // and each row is handed over as it comes.
      if (unique && taken >= window.need) return stop();
      if (unique) release();
      const inHand = stream.nextInHand?.();
      if (inHand === undefined) break;
      void firstPages.first(index, taken);
      head = inHand;
    }
    await stream.next();
  };
  return {
    async next(max) {
      try {
        while (ready.length === 0 && !finished) {
          do await step();
          while (!finished && (current?.buffered() ?? 0) > 0);
        }
      } catch (error) {
        // A read that fails mid-way (a page, a parent list, a replan) answers only once the first pages read ahead
        // with it are in, as `collectInTurn` does: otherwise they would be counted after the answer's
        // X-Upstream-Requests and log line were written, and run on after it (the caller reads no further).
        finished = true;
        await firstPages.settled();
        throw error;
      }
      if (finished) await firstPages.settled();
      const rows = ready.slice(0, max);
      ready = ready.slice(rows.length);
      return rows;
    },
  };
}

/**
 * Every accepted row, when reading in order has in fact read every stream to its end (a merge over many small
 * streams reads each one whole for the first page): the rows taken plus those still buffered. The row at a buffer's
 * head may have been taken already (`collectSorted` takes it before moving on), hence the identity check.
 * Undefined when some stream has pages not read.
 */
export function everyRowRead(taken: Row[], streams: RowStream[]): Row[] | undefined {
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
 * Reads a stream whole into `into`; every row held counts against the request's row budget (`ctx.memory`). `onPageTaken`
 * is called once the last row the stream had in hand is taken (an upstream page's rows), before the next page is asked for.
 *
 * The rows of a page in hand are taken without an await (`nextInHand`, as `collectSorted` and `feedInTurn` do): one
 * `await stream.next()` per row, through `guard` (replan.ts), was four async frames and some seven promises (and their
 * async-hook calls) a row (issue #15: CPU per upstream call). `Commits?$select=Hash&$orderby=Message&$top=5`, read
 * whole (1,140 calls): 840,830 -> 26,651 promises per answer, gateway CPU 2,000 -> 1,886 µs per call (medians of 6
 * interleaved pairs on a loaded machine, pairs' median -10 %). Each page still ends with a `next` that drops its last
 * row and a `peek` that asks for the next page, so the same pages are read, one after another, as before.
 */
export async function drain(stream: RowStream, into: Row[], memory?: ExecutionContext['memory'], onPageTaken?: () => void): Promise<void> {
  for (let head = await stream.peek(); head; head = await stream.peek()) {
    for (let row: Row | undefined = head; row; row = stream.nextInHand?.()) {
      memory?.hold(1);
      into.push(row);
    }
    // The last row taken is still the stream's head: dropped here (in hand, so nothing is read).
    await stream.next();
    if (onPageTaken !== undefined && stream.buffered() === 0) onPageTaken();
  }
}
