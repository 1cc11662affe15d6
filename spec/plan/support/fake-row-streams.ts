/**
 * Row streams of one page each for table tests of reading in turn (`readAhead`, `feedInTurn`, streams opened when
 * reached): no Bitbucket, a probe of which first pages were asked for, in what order and how many at once.
 */
import type { Row } from '../../../src/odata/ast';
import { readAhead } from '../../../src/plan/read-ahead';
import type { RowStream } from '../../../src/plan/row-stream';
import type { StreamSource } from '../../../src/plan/stream-source';

export interface Probe {
  /** Streams whose first page was asked for, in the order asked. */
  asked: number[];
  /** Most first pages in flight at once. */
  peakInFlight: number;
  /** A stream's peek ran while another peek of it was in flight. */
  overlapping: boolean;
  /** First pages in flight now. */
  inFlight: number;
}

export function newProbe(): Probe {
  return { asked: [], peakInFlight: 0, overlapping: false, inFlight: 0 };
}

/**
 * Stream `at`: one page of `size` rows after `delayMs` (1 by default; Bitbucket's `size` known once the page is in);
 * `fails` throws at its first page.
 */
export function fakeStream(at: number, size: number, probe: Probe, options: { fails?: boolean; delayMs?: number } = {}): RowStream {
  let buffer: Row[] | undefined;
  let peeking = false;
  const stream: RowStream = {
    params: {},
    skippedUpstream: 0,
    remainder: () => buffer,
    buffered: () => buffer?.length ?? 0,
    async peek() {
      if (buffer === undefined) {
        if (peeking) probe.overlapping = true;
        peeking = true;
        probe.asked.push(at);
        probe.inFlight += 1;
        probe.peakInFlight = Math.max(probe.peakInFlight, probe.inFlight);
        await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
        probe.inFlight -= 1;
        peeking = false;
        if (options.fails) throw new Error(`stream ${at} failed`);
        buffer = Array.from({ length: size }, (_, i) => ({ s: at, i }));
        stream.size = size;
      }
      return buffer[0];
    },
    async next() {
      const row = await stream.peek();
      buffer?.shift();
      return row;
    },
    upstreamSize: async () => size,
  };
  return stream;
}

/** Streams of `sizes` rows on one probe; `fails` throw; `delays` in ms (1 by default). */
export function fakeStreams(sizes: number[], fails: number[] = [], delays: number[] = []): { streams: RowStream[]; probe: Probe } {
  const probe = newProbe();
  const streams = sizes.map((size, at) => fakeStream(at, size, probe, { fails: fails.includes(at), delayMs: delays[at] }));
  return { streams, probe };
}

/** Reads as `collectInTurn` does: stream after stream until `need` rows are taken; the rows taken. */
export async function readInTurn(streams: RowStream[] | StreamSource, need: number, concurrency: number): Promise<Row[]> {
  const firstPages = readAhead(streams, need, concurrency);
  const rows: Row[] = [];
  for (let index = 0; rows.length < need; index++) {
    const stream = await firstPages.first(index, rows.length);
    if (stream === undefined) break;
    for (let row = await stream.peek(); row !== undefined && rows.length < need; row = await stream.peek()) {
      await stream.next();
      rows.push(row);
    }
  }
  await firstPages.settled();
  return rows;
}
