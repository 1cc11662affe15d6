/**
 * The upstream families (`upstream_requests_total`, `upstream_request_duration_seconds`, `upstream_rate_limited_total`)
 * are counted per attempt and handed to prom-client in batches (src/http/metrics.ts, issue #15: CPU per upstream call):
 * what a scrape reads is exactly what one `inc`/`observe` per attempt gives (prom-client fed per attempt is the oracle),
 * before and after a batch fills, and prom-client is not called per attempt.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { createMetrics, type UpstreamAttempt } from '../../src/http/metrics';

const ROUTES = ['/repositories/{workspace}/{repo_slug}/commits', '/repositories/{workspace}/{repo_slug}/pullrequests', '/user'];
const FAMILIES = ['upstream_requests_total', 'upstream_request_duration_seconds', 'upstream_rate_limited_total'].map((name) => `bitbucket_odata_${name}`);

/** Attempts over three endpoints (one URL no template matches), three methods and every kind of status. */
function attempts(count: number): UpstreamAttempt[] {
  const urls = [
    'https://api.bitbucket.org/2.0/repositories/ws/repo/commits?page=2',
    'https://api.bitbucket.org/2.0/repositories/ws/other/pullrequests?state=OPEN&state=MERGED',
    'https://api.bitbucket.org/2.0/user',
    'https://api.bitbucket.org/2.0/nothing/declared',
  ];
  const statuses: UpstreamAttempt['status'][] = [200, 200, 200, 429, 500, 'timeout', 'network-error', 'aborted', 404, 201];
  const methods = ['GET', 'GET', 'POST', 'PUT'];
  return Array.from({ length: count }, (_, i) => ({ method: methods[i % methods.length], url: urls[(i * 7) % urls.length], status: statuses[(i * 3) % statuses.length], durationMs: (i * 37) % 12_000 }));
}

/** The exposition of `families` as prom-client gives it when fed one attempt at a time (labels as metrics.ts sets them). */
async function oracle(all: UpstreamAttempt[], endpointOf: (url: string) => string): Promise<string> {
  const registry = new Registry();
  const calls = new Counter({ name: FAMILIES[0], help: 'x', labelNames: ['method', 'endpoint', 'status'], registers: [registry] });
  const seconds = new Histogram({ name: FAMILIES[1], help: 'x', labelNames: ['endpoint'], buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] });
  const limited = new Counter({ name: FAMILIES[2], help: 'x', labelNames: ['endpoint'], registers: [registry] });
  for (const attempt of all) {
    const endpoint = endpointOf(attempt.url);
    calls.inc({ method: attempt.method, endpoint, status: String(attempt.status) });
    seconds.observe({ endpoint }, attempt.durationMs / 1000);
    if (attempt.status === 429) limited.inc({ endpoint });
  }
  return sortedSeries(await Promise.all(FAMILIES.map((name) => registry.getSingleMetricAsString(name))));
}

/** Each family's series lines, sorted (the order of label sets in the text is prom-client's insertion order). */
function sortedSeries(texts: string[]): string {
  return texts.map((text) => text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).sort().join('\n')).join('\n');
}

const endpointOf = (url: string): string => {
  const path = new URL(url).pathname.replace(/^\/2\.0/, '');
  if (/^\/repositories\/[^/]+\/[^/]+\/commits$/.test(path)) return ROUTES[0];
  if (/^\/repositories\/[^/]+\/[^/]+\/pullrequests$/.test(path)) return ROUTES[1];
  return path === '/user' ? ROUTES[2] : 'other';
};

describe('upstream metrics counted in batches', () => {
  // Fewer than a batch (only the scrape hands them over), a batch and some, several batches.
  test.each([1, 7, 300, 1000])('%i attempts read back exactly as one inc and observe per attempt give', async (count) => {
    const metrics = createMetrics({ routeNames: new Set(), upstreamBasePath: '/2.0', upstreamRoutes: ROUTES });
    const all = attempts(count);
    for (const attempt of all) metrics.upstream(attempt);
    const read = sortedSeries(await Promise.all(FAMILIES.map((name) => metrics.registry.getSingleMetricAsString(name))));
    expect(read).toBe(await oracle(all, endpointOf));
    // A second scrape reads the same; attempts after it add to what was read.
    expect(sortedSeries(await Promise.all(FAMILIES.map((name) => metrics.registry.getSingleMetricAsString(name))))).toBe(read);
    const more = attempts(count + 5).slice(count);
    for (const attempt of more) metrics.upstream(attempt);
    expect(sortedSeries(await Promise.all(FAMILIES.map((name) => metrics.registry.getSingleMetricAsString(name))))).toBe(await oracle([...all, ...more], endpointOf));
  });

  test('/metrics as a whole (registry.metrics) holds the attempts not yet handed over', async () => {
    const metrics = createMetrics({ routeNames: new Set(), upstreamBasePath: '/2.0', upstreamRoutes: ROUTES });
    for (const attempt of attempts(3)) metrics.upstream(attempt);
    const text = await metrics.registry.metrics();
    const total = [...text.matchAll(/^bitbucket_odata_upstream_requests_total\{.*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    expect(total).toBe(3);
    expect(text).toMatch(/^bitbucket_odata_upstream_request_duration_seconds_count\{endpoint="\/repositories\/\{workspace\}\/\{repo_slug\}\/commits"\} 1$/m);
  });

  test('prom-client is called once per label set a batch holds, not once per attempt', async () => {
    const inc = jest.spyOn(Counter.prototype, 'incWithoutExemplar' as keyof Counter);
    try {
      const metrics = createMetrics({ routeNames: new Set(), upstreamBasePath: '/2.0', upstreamRoutes: ROUTES });
      inc.mockClear();
      for (let i = 0; i < 200; i++) metrics.upstream({ method: 'GET', url: 'https://api.bitbucket.org/2.0/user', status: 200, durationMs: 5 });
      // 200 before: one inc per attempt.
      expect(inc).toHaveBeenCalledTimes(0);
      await metrics.registry.getSingleMetricAsString(FAMILIES[0]);
      expect(inc).toHaveBeenCalledTimes(1);
    } finally {
      inc.mockRestore();
    }
  });
});
