/**
 * `streamsOpenedEarly` (src/plan/stream-source.ts) with `readAhead` (issue #15.5): streams a parent list's first page
 * names are read while the list's next page is, in the free slots, within the read-ahead's bounds; the read still takes
 * them in order, each stream's first page asked for once, and the rows are those of the streams read in order.
 */
import type { StreamParams } from '../../src/plan/resolve-streams';
import { streamsOpenedEarly } from '../../src/plan/stream-source';
import { fakeStream, newProbe, readInTurn } from './support/fake-row-streams';

const SIZES = [3, 0, 2, 4, 1];
/** The parent list's first page names streams 3, 1, 0 (not in order); its second page, read meanwhile, 4 and 2. */
const PAGES = [['3', '1', '0'], ['4', '2']];

function source(options: { pagelen?: number } = {}) {
  const probe = newProbe();
  const at = { secondPage: -1 };
  const opened: number[] = [];
  const streams = streamsOpenedEarly(
    async function* (early: (params: StreamParams) => void) {
      for (const value of PAGES[0]) early({ id: value });
      // The list's second page is on its way: what the read asked for by now was asked for early.
      await new Promise((resolve) => setTimeout(resolve, 20));
      at.secondPage = probe.asked.length;
      for (const value of PAGES[1]) early({ id: value });
      for (const value of PAGES.flat().sort()) yield { id: value };
    },
    (params) => {
      opened.push(Number(params.id));
      return fakeStream(Number(params.id), SIZES[Number(params.id)], probe, { delayMs: 2 });
    },
    { firstWhole: true, ...options },
  );
  return { streams, probe, at, opened };
}

test.each([
  { name: 'every stream needed: any of the first page', need: Infinity, pagelen: undefined, most: 3 },
  { name: 'no $top (the page size alone bounds the read): as many as the blind read-ahead (2 for 1,001 rows of 50-row pages)', need: 1001, pagelen: 50, most: 2 },
  { name: 'a read that must not guess (no blind read-ahead): none', need: 1001, pagelen: undefined, most: 0 },
])('$name: streams of the first page read while the second is, the same rows in order', async ({ need, pagelen, most }) => {
  const read = source(pagelen !== undefined ? { pagelen } : {});
  const rows = await readInTurn(read.streams, need, 2);
  expect(rows).toEqual(SIZES.flatMap((size, at) => Array.from({ length: size }, (_, i) => ({ s: at, i }))));
  // Each stream opened once and its first page asked for once, never two peeks at once, never more than the concurrency.
  expect(new Set(read.opened).size).toBe(read.opened.length);
  expect([...read.probe.asked].sort()).toEqual([0, 1, 2, 3, 4]);
  expect(read.probe.overlapping).toBe(false);
  expect(read.probe.peakInFlight).toBeLessThanOrEqual(2);
  // One at a time (the slots but one), as many as the first pages' latency lets in while the second page is read.
  expect(read.at.secondPage).toBeGreaterThanOrEqual(Math.min(1, most));
  expect(read.at.secondPage).toBeLessThanOrEqual(most);
  expect(read.probe.asked.slice(0, read.at.secondPage).every((at) => PAGES[0].includes(String(at)))).toBe(true);
});
