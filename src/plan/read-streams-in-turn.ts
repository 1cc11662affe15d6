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
import type { RowStream } from './row-stream';

export async function readStreamsInTurn(ordered: readonly RowStream[], need: number, ctx: ExecutionContext): Promise<{ rows: Row[]; everyStreamRead: boolean }> {
  const rows: Row[] = [];
  let at = 0;
  let window = 1;
  while (at < ordered.length && rows.length < need) {
    const batch = ordered.slice(at, at + window);
    const read = await mapWithConcurrency(batch, ctx.limits.fanOutConcurrency, async (stream) => {
      const into: Row[] = [];
      await drain(stream, into, ctx.memory);
      return into;
    });
    for (const streamRows of read) rows.push(...streamRows);
    at += batch.length;
    window = Math.min(Math.max(1, ctx.limits.fanOutConcurrency), window * 2);
  }
  return { rows, everyStreamRead: at >= ordered.length };
}
