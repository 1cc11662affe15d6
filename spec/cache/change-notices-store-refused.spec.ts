/**
 * A change notice the store cannot keep is answered 503, so that Bitbucket sends it again (it tries a delivery three
 * times in all), never 204: a notice acknowledged but not marked would leave a changed repository's answers trusted.
 * A Redis of the spec's own under `maxmemory` with `noeviction` refuses every write (OOM).
 */
import { noticeTrustOf } from '../../src/app';
import { changeNoticeMetrics } from '../../src/http/change-notice-receiver';
import { describeWithPrivateRedis, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';
import { startStack, type Stack } from '../helpers/stack';
import { postDelivery } from './signed-delivery';

const SECRET = 'spec-webhook-secret-refused-0123';

describeWithPrivateRedis('a change notice the store refuses', () => {
  let redis: PrivateRedis;
  let stack: Stack;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    stack = await startStack({ env: { REDIS_URL: redis.url, UPSTREAM_CACHE_SECONDS: '10', WEBHOOK_SECRET: SECRET, WEBHOOK_WORKSPACES: 'acme-dev' } });
  });
  afterAll(async () => {
    noticeTrustOf(stack.app)?.stop();
    await stack.close();
    await redis.stop();
  });

  test('is 503 with Retry-After (Bitbucket retries it), counted as received and not applied; so is a delivery it cannot read', async () => {
    const used = Number(/used_memory:(\d+)/.exec(String(await redis.admin.info('memory')))![1]);
    await redis.admin.config('SET', 'maxmemory', String(used), 'maxmemory-policy', 'noeviction');
    const applied = changeNoticeMetrics.applied;
    const response = await postDelivery(stack.request, 'repo:push', { repository: { full_name: 'acme-dev/platform-api' }, actor: {} }, { secret: SECRET });
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('StoreUnavailable');
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(changeNoticeMetrics.applied).toBe(applied);
    // A signed delivery it cannot read withdraws every trust by a new epoch in the store before it answers: refused
    // too, that is the store's 503 (sent again), not a 400 that would leave the other replicas trusting.
    const unreadable = await postDelivery(stack.request, 'repo:push', { actor: {} }, { secret: SECRET });
    expect(unreadable.status).toBe(503);
    expect(unreadable.body.error.code).toBe('StoreUnavailable');
    await redis.admin.config('SET', 'maxmemory', '0');
    expect((await postDelivery(stack.request, 'repo:push', { actor: {} }, { secret: SECRET })).status).toBe(400);
  });
});
