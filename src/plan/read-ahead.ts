/**
 * Streams read one after another (`combine` `in-turn`: the default key order over a fan-out) would cost one upstream
 * latency per stream, whatever `FAN_OUT_CONCURRENCY` says: 225 repositories at 50 ms took 11 s at any concurrency.
 * `readAhead` asks for the first pages of the next streams while one is read, at most `fanOutConcurrency` at a time,
 * but only for streams the read is expected to reach, so an early stop (`$top`) still costs what reading in turn
 * costs:
 * - a stream is certainly reached when the rows taken so far plus the `size`s Bitbucket reported for the streams
 *   between (an upper bound of the rows they give: the residual filter can only drop rows) fall short of `need`;
 * - a stream whose first page is still on its way counts as the average `size` of those already known; with none
 *   known yet nothing is read ahead. With no `need` (`Infinity`) every stream is reached.
 * A stream's `peek` must never run twice at once (two pages would be read and the first lost), so the reader waits
 * for the stream's first page before it peeks itself. A first page that failed fails the read at its turn.
 */
import type { RowStream } from './row-stream';

export type ReadAhead = (index: number, taken: number) => Promise<void>;

export function readAhead(ordered: readonly RowStream[], need: number, concurrency: number): ReadAhead {
  const started: Array<Promise<void> | undefined> = [];
  let inFlight = 0;
  /** `size`s of the first pages in hand, for the average; and whether anything changed since the last look. */
  let sizeSum = 0;
  let sizeCount = 0;
  let changed = true;
  let lastIndex = -1;
  const settled = (at: number): void => {
    inFlight -= 1;
    changed = true;
    const size = ordered[at].size;
    if (size !== undefined) {
      sizeSum += size;
      sizeCount += 1;
    }
  };
  const start = (at: number): void => {
    inFlight += 1;
    const first = ordered[at].peek().then(
      () => settled(at),
      (error: unknown) => {
        settled(at);
        throw error;
      },
    );
    // Handled at its turn; a read that stops before then leaves it unread.
    first.catch(() => undefined);
    started[at] = first;
  };
  return (index, taken) => {
    if (started[index] === undefined) start(index);
    // Called for every row: look again only when the stream being read or a first page in hand has changed.
    if (!changed && index === lastIndex) return started[index] as Promise<void>;
    changed = false;
    lastIndex = index;
    const average = sizeCount > 0 ? sizeSum / sizeCount : undefined;
    let expected = taken;
    for (let at = index + 1; at < ordered.length && inFlight < Math.max(1, concurrency); at++) {
      if (need !== Infinity) {
        const before = ordered[at - 1].size ?? average;
        if (before === undefined) break;
        expected += before;
        if (expected >= need) break;
      }
      if (started[at] === undefined) start(at);
    }
    return started[index] as Promise<void>;
  };
}
