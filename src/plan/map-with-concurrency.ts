/**
 * Run `task` over `items` with at most `limit` in flight, keeping results in input order. The first failure fails the
 * whole map, and no worker starts another item after it: the answer is already decided, and every further item would
 * be Bitbucket calls spent for nothing. The map rejects (with that first failure) only once the items already in
 * flight have settled: their calls were sent and the budget took them, so the answer's `X-Upstream-Requests` and log
 * line, written as soon as the map rejects, must count them (counts agree; a `400 FanOutTooWide` on CommitStatuses
 * counted 22 of the 24 calls the sandbox received). A caller whose failure makes those calls useless aborts them
 * first (`ExecutionContext.abandon`); an aborted call settles at once and still counts.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  // One item (the one stream of a repository's list, the most common read) needs no pool: the same answer and the
  // same failure, without a worker closure, a generator of workers and `Promise.all` (issue #15: CPU per answer page).
  if (items.length === 1) return [await task(items[0], 0)];
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  async function worker(): Promise<void> {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await task(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
