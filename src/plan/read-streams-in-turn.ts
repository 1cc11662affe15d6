/**
 * Rule `stopAfterStream` of the read strategy (`read-strategy.ts`), executed: streams in the order of their constants,
 * each read to its end, until `need` accepted rows are in hand. Every row of a stream sorts before every row of the
 * streams after it, so the answer's first `need` rows are among those read; the caller sorts them (`finish`).
 *
 * Streams are read a few at a time, in order: one, then two, doubling up to `fanOutConcurrency`, so a first stream
 * that has the rows costs no more calls than it must, and sparse streams (a filter few rows pass) are still read at
 * the fan-out's concurrency.
 */
import type { Row } from '../odata/ast';
import { drain } from './collect-rows';
import type { ExecutionContext } from './execution-context';
import { mapWithConcurrency } from './map-with-concurrency';
import type { StreamParams } from './resolve-streams';
import type { RowStream } from './row-stream';

export async function readStreamsInTurn(ordered: Iterable<RowStream> | AsyncIterable<RowStream>, need: number, ctx: ExecutionContext): Promise<{ rows: Row[]; everyStreamRead: boolean }> {
  const streams = Symbol.asyncIterator in ordered ? ordered[Symbol.asyncIterator]() : toAsync(ordered[Symbol.iterator]());
  const rows: Row[] = [];
  let window = 1;
  let exhausted = false;
  while (!exhausted && rows.length < need) {
    // Streams (and, resolved in key order, the parents they come from) are taken only as they are read.
    const batch: RowStream[] = [];
    while (batch.length < window) {
      const next = await streams.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      batch.push(next.value);
    }
    const read = await mapWithConcurrency(batch, ctx.limits.fanOutConcurrency, async (stream) => {
      const into: Row[] = [];
      await drain(stream, into, ctx.memory);
      return into;
    });
    for (const streamRows of read) rows.push(...streamRows);
    window = Math.min(Math.max(1, ctx.limits.fanOutConcurrency), window * 2);
  }
  // A stream left unasked may exist (asking would list its parents): only a source seen to end was read whole.
  return { rows, everyStreamRead: exhausted };
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return { next: async () => iterator.next() };
}

/** Streams opened as their parameters come (`streamsInKeyOrder`). */
export async function* mapStreams(params: AsyncIterable<StreamParams>, open: (params: StreamParams) => RowStream): AsyncGenerator<RowStream> {
  for await (const each of params) yield open(each);
}
