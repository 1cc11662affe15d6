import { createMetrics } from '../../src/http/metrics';

/** The endpoint label of each URL, read back from the exposition text. */
async function labelsOf(urls: string[]): Promise<string[]> {
  const metrics = createMetrics({
    routeNames: new Set(),
    upstreamBasePath: '/2.0',
    upstreamRoutes: ['/repositories/{workspace}/{repo_slug}/commits', '/repositories/{workspace}/{repo_slug}/commit/{commit}', '/user'],
  });
  const labels: string[] = [];
  for (const url of urls) {
    await metrics.registry.resetMetrics();
    metrics.upstream({ method: 'GET', url, status: 200, durationMs: 1 });
    const text = await metrics.registry.getSingleMetricAsString('bitbucket_odata_upstream_requests_total');
    labels.push(/endpoint="([^"]*)"/.exec(text)?.[1] ?? 'none');
  }
  return labels;
}

describe('upstream endpoint label (kept per path, #15.3)', () => {
  it('is the route template of the URL\'s path, whatever its query or fragment, on first and repeated use', async () => {
    const urls = [
      'http://127.0.0.1:7990/2.0/repositories/ws/repo/commits?page=2&pagelen=100',
      'http://127.0.0.1:7990/2.0/repositories/ws/repo/commits?page=3&q=a/b/c',
      'http://127.0.0.1:7990/2.0/repositories/ws/repo/commits#x/y',
      'http://127.0.0.1:7990/2.0/repositories/ws/repo/commit/abc?fields=hash',
      'http://127.0.0.1:7990/2.0/user',
      'http://127.0.0.1:7990/2.0/repositories/ws/repo/commits/extra?page=1',
      'http://127.0.0.1:7990/2.0/repositories/ws/repo/commits?page=4',
      'not a url?page=1',
    ];
    expect(await labelsOf(urls)).toEqual([
      '/repositories/{workspace}/{repo_slug}/commits',
      '/repositories/{workspace}/{repo_slug}/commits',
      '/repositories/{workspace}/{repo_slug}/commits',
      '/repositories/{workspace}/{repo_slug}/commit/{commit}',
      '/user',
      'other',
      '/repositories/{workspace}/{repo_slug}/commits',
      'other',
    ]);
  });
});
