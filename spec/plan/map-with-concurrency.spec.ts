import { mapWithConcurrency } from '../../src/plan/map-with-concurrency';

test('keeps input order with at most `limit` in flight', async () => {
  let inFlight = 0;
  let most = 0;
  const results = await mapWithConcurrency([5, 1, 3, 2, 4], 2, async (n) => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, n));
    inFlight -= 1;
    return n * 10;
  });
  expect(results).toEqual([50, 10, 30, 20, 40]);
  expect(most).toBe(2);
});

test('after the first failure no worker starts another item (each would be upstream calls spent for nothing)', async () => {
  const started: number[] = [];
  const items = Array.from({ length: 20 }, (_, i) => i);
  await expect(
    mapWithConcurrency(items, 3, async (n) => {
      started.push(n);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (n === 1) throw new Error('stream 1 failed');
      return n;
    }),
  ).rejects.toThrow('stream 1 failed');
  await new Promise((resolve) => setTimeout(resolve, 50));
  // Items 0..2 were in flight together; at most the two others finishing may have started one more each.
  expect(started.length).toBeLessThanOrEqual(5);
});

test('a failure answers only once the items in flight with it have settled (their upstream calls counted), with the first failure', async () => {
  const settled: number[] = [];
  let rejectedWhile: number[] | undefined;
  const map = mapWithConcurrency([0, 1, 2, 3, 4, 5], 3, async (n) => {
    await new Promise((resolve) => setTimeout(resolve, n === 1 ? 1 : 20 + n));
    settled.push(n);
    if (n === 1) throw new Error('stream 1 failed');
    if (n === 2) throw new Error('stream 2 failed too');
    return n;
  });
  await map.catch((error: unknown) => {
    rejectedWhile = [...settled];
    expect(error).toEqual(new Error('stream 1 failed'));
  });
  // Items 0 and 2 were in flight when item 1 failed: the map waited for them, and started nothing after.
  expect(rejectedWhile?.sort()).toEqual([0, 1, 2]);
});
