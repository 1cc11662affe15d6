/**
 * Streams read one after another (`combine` `in-turn`, rule `stopAfterStream`: the default key order over a fan-out)
 * would cost one upstream latency per stream, whatever `FAN_OUT_CONCURRENCY` says: 225 repositories at 50 ms took 11 s
 * at any concurrency. `readAhead` asks for the first pages of the next streams while one is read, at most
 * `fanOutConcurrency` at a time, but only for streams the read is expected to reach, so an early stop (`$top`) costs
 * what reading in turn costs (issue #15: reading ahead costs calls only when it reads what is not needed):
 * - a stream is certainly reached when the rows taken so far plus the `size`s Bitbucket reported for the streams
 *   between (an upper bound of the rows they give: the residual filter can only drop rows) fall short of `need`;
 * - a stream whose first page is still on its way counts as the largest `size` known so far (not the first stream's
 *   when that one is read from a keyset cursor on: `StreamSource.firstWhole`), and as at least one row (so a guess
 *   errs towards fewer calls: streams seen empty do not open the way to every stream ahead); with none known yet, one
 *   stream ahead per ten pages the `need` takes where no `$top` bounds the read (none for a `$top`). With no `need`
 *   (`Infinity`) every stream is reached.
 * Streams resolved as the read goes (`StreamSource`: the next workspace's repositories are listed only when reached)
 * are pulled by the same rule, up to twice the concurrency ahead of the reader, so a parent list is in hand before the
 * streams under it are due, and never listed for a `$top` the streams before it are expected to fill.
 * Slots are refilled as soon as a first page is in (not only when the reader moves on), so a fan-out keeps
 * `fanOutConcurrency` calls in flight while the reader waits on a slow stream.
 * The read waits for every page (and parent list) it asked for before it answers, so each is counted in
 * `X-Upstream-Requests` and none outlives the request.
 * A stream's `peek` must never run twice at once (two pages would be read and the first lost), so the reader waits
 * for the stream's first page before it peeks itself. A first page (or a parent list) that failed fails the read at
 * its turn.
 */
import type { RowStream } from './row-stream';
import { streamSource, type StreamSource } from './stream-source';

export interface ReadAhead {
  /**
   * Before reading stream `index` with `taken` rows in hand: asks for the first pages ahead, waits for this one's, and
   * gives the stream (undefined when the streams end before `index`).
   */
  first(index: number, taken: number): Promise<RowStream | undefined>;
  /** Waits for every first page and parent list asked for, so none is still being read (nor uncounted) when the answer goes out. */
  settled(): Promise<void>;
}

/** Pages of `need` per stream read ahead before any `size` is known (see `blind`). */
const BLIND_PAGES = 10;

export function readAhead(streams: readonly RowStream[] | StreamSource, need: number, concurrency: number): ReadAhead {
  const source = Array.isArray(streams) ? streamSource(streams as readonly RowStream[]) : (streams as StreamSource);
  const slots = Math.max(1, concurrency);
  /**
   * Streams read ahead before any `size` is known, where no `$top` bounds the read (`StreamSource.pagelen`): one per
   * `BLIND_PAGES` pages the `need` (the answer page's size) alone takes at the streams' page size. They are wasted
   * only if the streams before them hold `need` rows, which costs that many pages anyway, so the waste stays under a
   * tenth of the read: two for a 1,000-row page of 50-row pages, the whole concurrency for a page of 100,000 rows
   * (the fan-out no longer waits one latency on its first stream alone). A `$top` is never read ahead blind.
   */
  const blind = need === Infinity || source.pagelen === undefined ? 0 : Math.floor(Math.ceil(need / Math.max(1, source.pagelen)) / BLIND_PAGES);
  const started: Array<Promise<void> | undefined> = [];
  /** First pages asked for, by stream: a stream read early (`StreamSource.early`) has no index yet. */
  const startedOf = new Map<RowStream, Promise<void>>();
  /**
   * Streams that may still be read early: all of them when every stream is needed, else `blind` in all (an early
   * stream's place is unknown, so it is wasted only where a blind one would be: the streams before it held `need`).
   */
  let earlyLeft = need === Infinity ? Infinity : blind;
  let inFlight = 0;
  /** The largest `size` of the first pages in hand (but a partial first stream's); and whether anything changed since the last look. */
  let largest: number | undefined;
  let changed = true;
  /** Where the reader is: the stream it reads and the rows it has taken. */
  let readerAt = -1;
  let readerTaken = 0;
  let lookedAt = -1;
  let pulling = false;
  /** The reader is done (`settled`): a first page coming in starts nothing more. */
  let stopped = false;
  const pulls: Array<Promise<unknown>> = [];
  const given: Array<Promise<RowStream> | undefined> = [];
  /** `whole`: the stream is read from its start (not the first stream on a continuation page), so its `size` counts. */
  const settle = (stream: RowStream, whole: boolean): void => {
    inFlight -= 1;
    changed = true;
    // Not the first stream's on a continuation page: it is read from the cursor on (`Id gt N`), and its small `size`
    // would make every stream ahead look small.
    const size = stream.size;
    if (size !== undefined && whole) largest = Math.max(largest ?? 0, size);
    look();
    startEarly();
  };
  const startStream = (stream: RowStream, whole: boolean): Promise<void> => {
    inFlight += 1;
    const first = stream.peek().then(
      () => settle(stream, whole),
      (error: unknown) => {
        settle(stream, whole);
        throw error;
      },
    );
    // Handled at its turn; a read that stops before then leaves it unread.
    first.catch(() => undefined);
    startedOf.set(stream, first);
    return first;
  };
  const start = (at: number): Promise<void> => {
    const stream = source.known[at];
    const first = startedOf.get(stream) ?? startStream(stream, at > 0 || source.firstWhole);
    started[at] = first;
    return first;
  };
  /**
   * The streams a parent list's pages named before their place is known (`StreamSource.early`: the list's next page is
   * still being read) are read in the free slots but one: the read needs them (every stream, or no more than `blind`
   * of them), and their place follows every known stream's. Which of them the reader takes first is not known yet,
   * and it starts that one whatever is in flight: the slot kept free keeps the first pages within the concurrency.
   */
  const startEarly = (): void => {
    const early = source.early;
    if (stopped || early === undefined) return;
    for (const stream of early.streams) {
      if (inFlight >= slots - 1 || earlyLeft <= 0) return;
      if (startedOf.has(stream)) continue;
      earlyLeft -= 1;
      startStream(stream, true);
    }
  };
  source.early?.onAdded(startEarly);
  const pull = (): void => {
    pulling = true;
    const pulled = source.pull().then(
      () => {
        pulling = false;
        changed = true;
        look();
      },
      () => {
        // Failed at its turn: the reader's own pull meets the same failure.
        pulling = false;
      },
    );
    pulls.push(pulled);
  };
  /** Starts the first pages (and pulls the streams) the read is expected to reach, as slots allow. */
  const look = (): void => {
    if (stopped || readerAt < 0 || (!changed && lookedAt === readerAt)) return;
    changed = false;
    lookedAt = readerAt;
    let expected = readerTaken;
    for (let at = readerAt + 1; at <= readerAt + 2 * slots; at++) {
      if (need !== Infinity) {
        // A page still on its way counts as the largest seen (at least a row): reading ahead errs on the side of fewer calls.
        const before = source.known[at - 1]?.size ?? (largest === undefined ? undefined : Math.max(1, largest));
        if (before === undefined) {
          if (at - readerAt > blind) break;
        } else {
          expected += before;
          if (expected >= need) break;
        }
      }
      if (at >= source.known.length) {
        if (!source.ended && !pulling) pull();
        break;
      }
      if (started[at] === undefined && inFlight < slots) start(at);
    }
    startEarly();
  };
  const api: ReadAhead = {
    first(index, taken) {
      if (index >= source.known.length) {
        if (source.ended) return Promise.resolve(undefined);
        // The reader's own pull: a parent list it needs now (a failed one fails the read here).
        return source.pull().then(() => api.first(index, taken));
      }
      const first = started[index] ?? start(index);
      if (index !== readerAt) changed = true;
      readerAt = index;
      readerTaken = taken;
      look();
      // One promise per stream, not per call: the feed asks before every row.
      return (given[index] ??= first.then(() => source.known[index]));
    },
    async settled() {
      stopped = true;
      await Promise.allSettled([...startedOf.values(), ...pulls, source.pending()]);
    },
  };
  return api;
}
