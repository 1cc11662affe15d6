/**
 * Streams read one after another (`combine` `in-turn`: the default key order over a fan-out) would cost one upstream
 * latency per stream, whatever `FAN_OUT_CONCURRENCY` says: 225 repositories at 50 ms took 11 s at any concurrency.
 * `readAhead` asks for the first pages of the next streams while one is read, at most `fanOutConcurrency` at a time,
 * but only for streams the read is expected to reach, so an early stop (`$top`) still costs what reading in turn
 * costs:
 * - a stream is certainly reached when the rows taken so far plus the `size`s Bitbucket reported for the streams
 *   between (an upper bound of the rows they give: the residual filter can only drop rows) fall short of `need`;
 * - a stream whose first page is still on its way counts as the largest `size` known so far but the first stream's
 *   (so a guess errs towards fewer calls); with none known yet nothing is read ahead. With no `need` (`Infinity`) every stream is reached.
 * The read waits for every page it asked for before it answers, so each is counted in `X-Upstream-Requests` and none
 * outlives the request.
 * A stream's `peek` must never run twice at once (two pages would be read and the first lost), so the reader waits
 * for the stream's first page before it peeks itself. A first page that failed fails the read at its turn.
 */
import type { RowStream } from './row-stream';

export interface ReadAhead {
  /** Before reading stream `index` with `taken` rows in hand: asks for the first pages ahead, waits for this one's. */
  first(index: number, taken: number): Promise<void>;
  /** Waits for every first page asked for, so none is still being read (nor uncounted) when the answer goes out. */
  settled(): Promise<void>;
}

export function readAhead(ordered: readonly RowStream[], need: number, concurrency: number): ReadAhead {
  const started: Array<Promise<void> | undefined> = [];
  let inFlight = 0;
  /** The largest `size` of the first pages in hand; and whether anything changed since the last look. */
  let largest: number | undefined;
  let changed = true;
  let lastIndex = -1;
  const settle = (at: number): void => {
    inFlight -= 1;
    changed = true;
    // Not the first stream's: on a continuation page it is read from the cursor on (`Id gt N`), and its small `size`
    // would make every stream ahead look small.
    const size = ordered[at].size;
    if (size !== undefined && at > 0) largest = Math.max(largest ?? 0, size);
  };
  const start = (at: number): void => {
    inFlight += 1;
    const first = ordered[at].peek().then(
      () => settle(at),
      (error: unknown) => {
        settle(at);
        throw error;
      },
    );
    // Handled at its turn; a read that stops before then leaves it unread.
    first.catch(() => undefined);
    started[at] = first;
  };
  return {
    first(index, taken) {
      if (started[index] === undefined) start(index);
      // Called for every row: look again only when the stream being read or a first page in hand has changed.
      if (!changed && index === lastIndex) return started[index] as Promise<void>;
      changed = false;
      lastIndex = index;
      let expected = taken;
      for (let at = index + 1; at < ordered.length && inFlight < Math.max(1, concurrency); at++) {
        if (need !== Infinity) {
          // A page still on its way counts as the largest seen: reading ahead errs on the side of fewer calls.
          const before = ordered[at - 1].size ?? largest;
          if (before === undefined) break;
          expected += before;
          if (expected >= need) break;
        }
        if (started[at] === undefined) start(at);
      }
      return started[index] as Promise<void>;
    },
    async settled() {
      await Promise.allSettled(started.filter((first) => first !== undefined));
    },
  };
}
