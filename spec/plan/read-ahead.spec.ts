/**
 * `readAhead` (src/plan/read-ahead.ts): streams read in turn get their first pages asked for ahead, at most
 * `fanOutConcurrency` at a time, only as far as the read is expected to reach; a stream is never peeked twice at once,
 * and a failed first page fails the read at its turn. Also `feedInTurn` over it: the same rows and the same pages as
 * reading one stream after another.
 */
import type { Row } from '../../src/odata/ast';
import { feedInTurn } from '../../src/plan/collect-rows';
import { readAhead } from '../../src/plan/read-ahead';
import type { RowStream } from '../../src/plan/row-stream';
import { streamSource, type StreamSource } from '../../src/plan/stream-source';
import { fakeStreams, readInTurn } from './support/fake-row-streams';

test.each([
  { name: 'no need: every stream, at most 4 at once', sizes: [16, 16, 16, 16, 16, 16, 16, 16, 16, 16], need: Infinity, concurrency: 4, asked: 10, peak: 4 },
  { name: 'no need, concurrency 1: one after another', sizes: [3, 3, 3], need: Infinity, concurrency: 1, asked: 3, peak: 1 },
  { name: '$top=20 over 16-row streams: the first two, as in turn', sizes: [16, 16, 16, 16, 16], need: 20, concurrency: 16, asked: 2, peak: 1 },
  { name: '$top=50 over 26, 18, 31 branches: the first three, as in turn', sizes: [26, 18, 31, 8, 15], need: 50, concurrency: 16, asked: 3, peak: 1 },
  { name: '$top=100 over 16-row streams: the 7 it needs, several at once', sizes: Array.from({ length: 20 }, () => 16), need: 100, concurrency: 16, asked: 7, peak: 5 },
  { name: 'a first stream that has every row: nothing ahead', sizes: [100, 16, 16], need: 10, concurrency: 16, asked: 1, peak: 1 },
  // Streams seen empty make the estimate 0 rows: one stream more than reading in turn is asked for (within the concurrency).
  { name: 'empty streams: the estimate reads one ahead', sizes: [0, 0, 0, 0, 5, 5], need: 5, concurrency: 4, asked: 6, peak: 4 },
  // The first stream read whole (a first page, no cursor): its size is a guess like any other's. Tags $top=50 over
  // 21, 11, 21: guessing 11 for the third read a fourth ahead.
  { name: '$top=50 over 21, 11, 21 tags, first stream whole: the first three', sizes: [21, 11, 21, 5], need: 50, concurrency: 16, asked: 3, peak: 2, firstWhole: true },
  { name: '$top=50 over 21, 11, 21 tags, first stream from a cursor: its size is no guess', sizes: [21, 11, 21, 5], need: 50, concurrency: 16, asked: 4, peak: 2 },
  { name: '$top=50 over 8 pipelines each, one repository without: the 8 it needs', sizes: [8, 8, 0, 8, 8, 8, 8, 8, 8, 8, 8, 8], need: 50, concurrency: 4, asked: 8, peak: 4, firstWhole: true },
])('$name', async ({ sizes, need, concurrency, asked, peak, firstWhole }) => {
  const { streams, probe } = fakeStreams(sizes);
  const taken = (await readInTurn(firstWhole ? streamSource(streams, { firstWhole: true }) : streams, need, concurrency)).length;
  expect(taken).toBe(Math.min(need, sizes.reduce((a, b) => a + b, 0)));
  expect(new Set(probe.asked).size).toBe(asked);
  expect(probe.peakInFlight).toBe(peak);
  expect(probe.overlapping).toBe(false);
  // Every page asked for is in before the read answers: counted in X-Upstream-Requests, none outlives the request.
  expect(probe.inFlight).toBe(0);
});

test('a first page that failed ahead fails the read at its turn, after the rows before it', async () => {
  const { streams } = fakeStreams([2, 2, 2], [1]);
  const firstPages = readAhead(streams, Infinity, 4);
  await firstPages.first(0, 0);
  expect(await streams[0].peek()).toEqual({ s: 0, i: 0 });
  await expect(firstPages.first(1, 2)).rejects.toThrow('stream 1 failed');
});

test('feedInTurn with read-ahead hands over the same rows, in order, and asks each stream once', async () => {
  const { streams, probe } = fakeStreams([3, 0, 2, 4]);
  const feed = feedInTurn(streams, (a, b) => (a.s as number) - (b.s as number), (a, b) => (a.s as number) - (b.s as number) || (a.i as number) - (b.i as number), { skip: 1, need: Infinity }, false, 4);
  const rows: Row[] = [];
  for (let batch = await feed.next(100); batch.length > 0; batch = await feed.next(100)) rows.push(...batch);
  expect(rows.map((row) => `${row.s}.${row.i}`)).toEqual(['0.1', '0.2', '2.0', '2.1', '3.0', '3.1', '3.2', '3.3']);
  expect([...probe.asked].sort()).toEqual([0, 1, 2, 3]);
  expect(probe.peakInFlight).toBe(4);
  expect(probe.overlapping).toBe(false);
  expect(probe.inFlight).toBe(0);
});

/**
 * Streams under two parents, the second parent listed (`listings`) only when its first stream is pulled, as
 * `streamsInKeyOrder` lists the next workspace's repositories.
 */
function twoParents(streams: RowStream[], firstParent: number): { source: StreamSource; listings: () => number } {
  let listings = 0;
  async function* inKeyOrder(): AsyncGenerator<RowStream> {
    for (const [at, stream] of streams.entries()) {
      if (at === firstParent) {
        listings += 1;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      yield stream;
    }
  }
  return { source: streamSource(inKeyOrder(), { firstWhole: true }), listings: () => listings };
}

test.each([
  { name: 'a $top the first parent fills: the second is never listed', need: 20, listings: 0, asked: 2 },
  { name: 'a $top the first parent falls short of: the second is listed, once', need: 90, listings: 1, asked: 6 },
  { name: 'no need: every stream, the second parent listed once', need: Infinity, listings: 1, asked: 8 },
])('pulled streams, $name', async ({ need, listings, asked }) => {
  const { streams, probe } = fakeStreams([16, 16, 16, 16, 16, 16, 16, 16]);
  const parents = twoParents(streams, 5);
  const taken = (await readInTurn(parents.source, need, 4)).length;
  expect(taken).toBe(Math.min(need, 128));
  expect(parents.listings()).toBe(listings);
  expect(new Set(probe.asked).size).toBe(asked);
  expect(probe.peakInFlight).toBeLessThanOrEqual(4);
  expect(probe.overlapping).toBe(false);
  expect(probe.inFlight).toBe(0);
});

test.each([
  // 100,000 rows at 50 a page: 2,000 pages, so reading 3 streams ahead blind risks under a tenth of them.
  { name: 'a 100,000-row page of 50-row Bitbucket pages: the concurrency at once', need: 100_001, pagelen: 50, asked: 4 },
  { name: 'a 1,000-row page: two ahead', need: 1001, pagelen: 50, asked: 3 },
  { name: 'a 100-row page of 50-row pages (under ten pages): none ahead', need: 100, pagelen: 50, asked: 1 },
  { name: 'a $top (no page size given: the read is bounded by the client): none ahead', need: 100_001, pagelen: undefined, asked: 1 },
])('before any size is known, $name', async ({ need, pagelen, asked }) => {
  const { streams, probe } = fakeStreams([3, 3, 3, 3, 3, 3, 3, 3]);
  const firstPages = readAhead(streamSource(streams, { firstWhole: true, ...(pagelen !== undefined ? { pagelen } : {}) }), need, 4);
  const first = firstPages.first(0, 0);
  expect(new Set(probe.asked).size).toBe(asked);
  await first;
  await firstPages.settled();
  expect(probe.inFlight).toBe(0);
});

test('a slot freed while the reader waits on a slow stream is refilled at once', async () => {
  // Stream 0 takes 300 ms, the others 1 ms: while the reader waits on stream 0 the streams after it are read two at a
  // time as far as the look-ahead reaches (twice the concurrency), not only the one started with it.
  const { streams, probe } = fakeStreams([3, 3, 3, 3, 3, 3, 3, 3], [], [300]);
  const firstPages = readAhead(streams, Infinity, 2);
  await firstPages.first(0, 0);
  expect(new Set(probe.asked).size).toBe(5);
  await firstPages.settled();
  expect(probe.peakInFlight).toBe(2);
  expect(probe.inFlight).toBe(0);
});

test('a parent list that failed ahead fails the read at its turn', async () => {
  const { streams } = fakeStreams([2, 2, 2]);
  async function* failing(): AsyncGenerator<RowStream> {
    yield streams[0];
    throw new Error('listing the next workspace failed');
  }
  const firstPages = readAhead(streamSource(failing(), { firstWhole: true }), Infinity, 4);
  expect(await firstPages.first(0, 0)).toBe(streams[0]);
  await expect(firstPages.first(1, 2)).rejects.toThrow('listing the next workspace failed');
  await firstPages.settled();
});
