/**
 * A store that refuses to keep an answer costs calls, never the answer (issue #14 item 4). Redis answers OOM to
 * writes once `maxmemory` is reached and it may evict nothing: under `noeviction`, or under the recommended
 * `volatile-lru` when only keys without a lifetime (the security records) are left (redis.conf: "with any of the above
 * policies, when there are no suitable keys for eviction, Redis will return an error on write operations"). The
 * response cache and the list memo then serve what Bitbucket answered without keeping it, and count it
 * (`unkept`). On a redis-server of this file's own (spec/helpers/private-redis.ts), set to refuse every write.
 */
import { cacheMetrics } from '../../src/bitbucket';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { describeWithPrivateRedis, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';

describeWithPrivateRedis('cache writes Redis refuses', () => {
  let stack: Stack;
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    stack = await startStack({ env: { REDIS_URL: redis.url, UPSTREAM_CACHE_SECONDS: '60' } });
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  test('answers are served (and equal) while Redis refuses to keep them; each read then costs its calls again', async () => {
    const read = async (url: string) => {
      await stack.clearUpstreamCalls();
      const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
      return { status: response.status, value: (response.body as { value?: unknown[] }).value, calls: (await stack.upstreamCalls()).length };
    };
    const urls = ['/odata/Repositories?$top=3', '/odata/Commits?$top=5'];
    await redis.admin.config('SET', 'maxmemory', '1', 'maxmemory-policy', 'noeviction');
    await expect(redis.admin.set('spec-probe', '1')).rejects.toThrow(/OOM/);
    const unkept = cacheMetrics.unkept;
    for (const url of urls) {
      const first = await read(url);
      expect({ url, status: first.status }).toEqual({ url, status: 200 });
      expect(first.value?.length).toBeGreaterThan(0);
      expect(first.calls).toBeGreaterThan(0);
      const second = await read(url);
      expect(second).toEqual(first);
    }
    expect(cacheMetrics.unkept).toBeGreaterThan(unkept);
  });
});
