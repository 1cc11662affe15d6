/**
 * Delay before retry number `retry` (1 for the first retry): "full jitter", a uniform draw from
 * [0, min(cap, base · 2^(retry-1))] (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). Jitter keeps
 * many gateway requests that failed together from retrying together; `random` is injectable so tests are exact.
 */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling * draw);
}
