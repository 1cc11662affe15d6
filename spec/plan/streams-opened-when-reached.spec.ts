/**
 * `streamsOpenedWhenReached` (src/plan/stream-source.ts, issue #15.3): the streams of a continuation page read in turn
 * are each opened only when the read first looks at it, yet `readAhead` and `feedInTurn` read exactly the streams, in
 * exactly the order, with exactly the rows they read from an array of streams opened at once. A 100-row page of a
 * walk over 171 repositories opened all 171 on every page and read one or two.
 */
import type { Row } from '../../src/odata/ast';
import { feedInTurn } from '../../src/plan/collect-rows';
import type { RowStream } from '../../src/plan/row-stream';
import { streamsOpenedWhenReached, type StreamSource } from '../../src/plan/stream-source';
import { fakeStream, newProbe, readInTurn } from './support/fake-row-streams';

/** The same streams opened at once and opened when reached: what each read asked for, and which streams were opened. */
function both(sizes: number[]) {
  const eager = newProbe();
  const lazy = { ...newProbe(), opened: [] as number[] };
  return {
    eager,
    lazy,
    streams: sizes.map((size, at) => fakeStream(at, size, eager)),
    source: () =>
      streamsOpenedWhenReached(sizes.length, (at) => {
        lazy.opened.push(at);
        return fakeStream(at, sizes[at], lazy);
      }),
  };
}

const MANY = Array.from({ length: 171 }, () => 100);

test.each([
  { name: 'a 100-row page of 171 full repositories', sizes: MANY, need: 101, concurrency: 4, mostOpened: 10 },
  { name: 'a page that spans two repositories', sizes: [30, ...MANY], need: 101, concurrency: 4, mostOpened: 10 },
  { name: 'sparse repositories, read ahead at the concurrency', sizes: [0, 1, 0, 2, 0, 0, 3, 0, 1, 5, 0, 0, 2], need: 5, concurrency: 3, mostOpened: 13 },
  { name: 'every stream read (no need)', sizes: [3, 0, 2, 4], need: Infinity, concurrency: 2, mostOpened: 4 },
])('$name: the same first pages and rows as streams opened at once, and only the streams looked at are opened', async ({ sizes, need, concurrency, mostOpened }) => {
  const read = both(sizes);
  const eagerRows = await readInTurn(read.streams, need, concurrency);
  const lazyRows = await readInTurn(read.source(), need, concurrency);
  expect(lazyRows).toEqual(eagerRows);
  expect(read.lazy.asked).toEqual(read.eager.asked);
  expect(new Set(read.lazy.opened).size).toBe(read.lazy.opened.length);
  expect(read.lazy.opened.length).toBeLessThanOrEqual(mostOpened);
  expect(read.lazy.opened.length).toBeGreaterThanOrEqual(read.lazy.asked.length);
});

test('feedInTurn over streams opened when reached: the same rows, a 100-row page opens a handful of 171 streams', async () => {
  const read = both(MANY);
  const prefix = (a: Row, b: Row) => (a.s as number) - (b.s as number) || (a.i as number) - (b.i as number);
  const window = { skip: 0, top: 100, need: 100 };
  const drain = async (ordered: RowStream[] | StreamSource) => {
    const feed = feedInTurn(ordered, prefix, prefix, window, true, 4);
    const rows: Row[] = [];
    for (let more = await feed.next(1000); more.length > 0; more = await feed.next(1000)) rows.push(...more);
    return rows;
  };
  const eagerRows = await drain(read.streams);
  const lazyRows = await drain(read.source());
  expect(lazyRows).toEqual(eagerRows);
  expect(lazyRows).toHaveLength(100);
  expect(read.lazy.asked).toEqual(read.eager.asked);
  expect(read.lazy.opened.length).toBeLessThan(10);
});
