/**
 * `feedInTurn` (src/plan/collect-rows.ts): rows of streams read one after another, handed over as they are read. It
 * answers what collecting them and sorting would (`$skip`, `$top`, rows tied on the prefix reordered by the full
 * order), hands a batch over as soon as a page is in hand, and reads no further page than the collecting read.
 */
import type { Row } from '../../src/odata/ast';
import { feedInTurn, type FeedWindow } from '../../src/plan/collect-rows';
import type { RowStream } from '../../src/plan/row-stream';
import { fakeStreams } from './support/fake-row-streams';

/** A stream over pages given in advance; `pagesRead` counts the "upstream calls". */
function fakeStream(pages: Row[][]): RowStream & { pagesRead: number } {
  let buffer: Row[] = [];
  let nextPage = 0;
  const stream = {
    params: {},
    skippedUpstream: 0,
    pagesRead: 0,
    remainder: () => undefined,
    buffered: () => buffer.length,
    async peek() {
      while (buffer.length === 0 && nextPage < pages.length) {
        buffer = [...pages[nextPage++]];
        stream.pagesRead += 1;
      }
      return buffer[0];
    },
    async next() {
      const row = await stream.peek();
      buffer.shift();
      return row;
    },
    upstreamSize: async () => undefined,
  };
  return stream;
}

const byP = (a: Row, b: Row) => (a.p as number) - (b.p as number);
const byPThenK = (a: Row, b: Row) => byP(a, b) || String(a.k).localeCompare(String(b.k));
const row = (p: number, k: string): Row => ({ p, k });

async function readAll(feed: ReturnType<typeof feedInTurn>): Promise<{ rows: string[]; batches: number }> {
  const rows: string[] = [];
  let batches = 0;
  for (let batch = await feed.next(1000); batch.length > 0; batch = await feed.next(1000)) {
    batches += 1;
    rows.push(...batch.map((r) => String(r.k)));
  }
  return { rows, batches };
}

test.each<{ name: string; pages: Row[][][]; window: FeedWindow; unique: boolean; rows: string[]; pagesRead: number[] }>([
  {
    name: 'unique prefix: rows in stream order, no page read beyond $top',
    pages: [[[row(1, 'a'), row(2, 'b')], [row(3, 'c')]], [[row(1, 'd')]]],
    window: { skip: 0, top: 2, need: 2 },
    unique: true,
    rows: ['a', 'b'],
    pagesRead: [1, 0],
  },
  {
    name: 'streams in turn, $skip across the first stream',
    pages: [[[row(1, 'a'), row(2, 'b')], [row(3, 'c')]], [[row(1, 'd'), row(2, 'e')]]],
    window: { skip: 2, top: 2, need: 4 },
    unique: true,
    rows: ['c', 'd'],
    pagesRead: [2, 1],
  },
  {
    name: 'ties on the prefix are reordered by the full order, the tie past $top is read and cut',
    pages: [[[row(1, 'b'), row(1, 'a')], [row(1, 'c'), row(2, 'd')]]],
    window: { skip: 0, top: 1, need: 1 },
    unique: false,
    rows: ['a'],
    pagesRead: [2],
  },
  {
    name: 'without $top every row of every stream',
    pages: [[[row(2, 'x')]], [], [[row(1, 'y')], [row(5, 'z')]]],
    window: { skip: 0, need: Infinity },
    unique: true,
    rows: ['x', 'y', 'z'],
    pagesRead: [1, 0, 2],
  },
])('$name', async ({ pages, window, unique, rows, pagesRead }) => {
  const streams = pages.map(fakeStream);
  const answer = await readAll(feedInTurn(streams, byP, byPThenK, window, unique));
  expect(answer.rows).toEqual(rows);
  expect(streams.map((stream) => stream.pagesRead)).toEqual(pagesRead);
});

test('a batch is handed over as soon as a page is in hand, before the next page is read', async () => {
  const stream = fakeStream([[row(1, 'a'), row(2, 'b')], [row(3, 'c')]]);
  const feed = feedInTurn([stream], byP, byPThenK, { skip: 0, need: Infinity }, true);
  expect((await feed.next(10)).map((r) => r.k)).toEqual(['a', 'b']);
  expect(stream.pagesRead).toBe(1);
  expect((await feed.next(10)).map((r) => r.k)).toEqual(['c']);
  expect(await feed.next(10)).toEqual([]);
});

test('a read that fails mid-way answers only once the pages read ahead are in: none is left running, every one counted', async () => {
  // Stream 1's first page fails at once; streams 2-4, read ahead with it, take 60 ms. The failure reaches the caller
  // at stream 1's turn, after stream 0's rows.
  const { streams, probe } = fakeStreams([2, 1, 1, 1, 1], [1], [1, 1, 60, 60, 60]);
  const byS = (a: Row, b: Row) => (a.s as number) - (b.s as number);
  const feed = feedInTurn(streams, byS, (a, b) => byS(a, b) || (a.i as number) - (b.i as number), { skip: 0, need: Infinity }, false, 4);
  expect((await feed.next(100)).map((r) => `${r.s}.${r.i}`)).toEqual(['0.0', '0.1']);
  await expect(feed.next(100)).rejects.toThrow('stream 1 failed');
  expect([...probe.asked].sort()).toEqual([0, 1, 2, 3, 4]);
  expect(probe.inFlight).toBe(0);
});
