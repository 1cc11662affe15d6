/**
 * Rule `stopAfterStream` of the read strategy (`read-strategy.ts`), executed: streams in the order of their constants,
 * each read to its end, until `need` accepted rows are in hand. Every row of a stream sorts before every row of the
 * streams after it, so the answer's first `need` rows are among those read; the caller sorts them (`finish`).
 *
 * The next streams' first pages are asked for ahead by `readAhead`'s rule (issue #15): only streams the `size`s
 * Bitbucket reported say the read can still need, so a first stream that has the rows costs no more calls than it
 * must (pipelines `$top=50` read the 8 repositories of 8 that hold the 50 rows, not 11: one, then two, then four at a
 * time overshot), and sparse streams are still read at the fan-out's concurrency.
 */
import type { Row } from '../odata/ast';
import { drain } from './collect-rows';
import type { ExecutionContext } from './execution-context';
import { readAhead } from './read-ahead';
import type { StreamParams } from './resolve-streams';
import type { RowStream } from './row-stream';
import { streamSource, type StreamSourceOptions } from './stream-source';

/**
 * `options`: whether the first stream is read from its start (no keyset cursor), the streams' page size (`StreamSource`),
 * and `onRowsRead`, told the rows of each upstream page once its last row is taken, before the next page is asked
 * for (a parent list's values: `streamsInKeyOrder` starts reading under them while the list's next page is read).
 */
export async function readStreamsInTurn(
  ordered: readonly RowStream[] | Iterable<RowStream> | AsyncIterable<RowStream>,
  need: number,
  ctx: ExecutionContext,
  options: StreamSourceOptions & { onRowsRead?: (rows: readonly Row[]) => void } = {},
): Promise<{ rows: Row[]; everyStreamRead: boolean }> {
  // Streams (and, resolved in key order, the parents they come from) are taken only as they are read.
  const source = streamSource(ordered, options);
  const firstPages = readAhead(source, need, ctx.limits.fanOutConcurrency);
  const rows: Row[] = [];
  let exhausted = false;
  try {
    for (let index = 0; rows.length < need; index++) {
      const stream = await firstPages.first(index, rows.length);
      if (stream === undefined) {
        exhausted = true;
        break;
      }
      if (options.onRowsRead) await drainTelling(stream, rows, ctx, options.onRowsRead);
      else await drain(stream, rows, ctx.memory);
    }
  } finally {
    await firstPages.settled();
  }
  // A stream left unasked may exist (asking would list its parents): only a source seen to end was read whole.
  return { rows, everyStreamRead: exhausted };
}

/** Streams opened as their parameters come (`streamsInKeyOrder`). */
export async function* mapStreams(params: AsyncIterable<StreamParams>, open: (params: StreamParams) => RowStream): AsyncGenerator<RowStream> {
  for await (const each of params) yield open(each);
}

/** `drain`, telling `onRowsRead` the rows of each upstream page once its last row is taken (before the next page is asked for). */
async function drainTelling(stream: RowStream, into: Row[], ctx: ExecutionContext, onRowsRead: (rows: readonly Row[]) => void): Promise<void> {
  let told = into.length;
  // `drain` takes a page's rows in hand without an await per row (issue #15: CPU per upstream call).
  await drain(stream, into, ctx.memory, () => {
    onRowsRead(into.slice(told));
    told = into.length;
  });
  if (told < into.length) onRowsRead(into.slice(told));
}
