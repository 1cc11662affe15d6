/**
 * A second gateway replica for specs of what replicas share through Redis: an app on the same configuration as the
 * spec's stack (the same REDIS_URL, SKIPTOKEN_SECRET and upstream), ready, with its store checked to be Redis.
 * `close()` stops its readiness checks and its Redis connection (the stack closes its own).
 */
import type { Express } from 'express';
import { createApp, storeOf, upstreamReadinessOf } from '../../src/app';
import type { GatewayConfig } from '../../src/config';
import { createLogger } from '../../src/logger';

export interface SecondReplica {
  app: Express;
  close(): Promise<void>;
}

export async function startSecondReplica(config: GatewayConfig, now?: () => number): Promise<SecondReplica> {
  const app = createApp({ config, logger: createLogger('error', () => undefined), ...(now ? { now } : {}) });
  await upstreamReadinessOf(app).settled();
  if (storeOf(app).kind !== 'redis') throw new Error('startSecondReplica: the configuration has no REDIS_URL, so nothing is shared');
  return {
    app,
    async close() {
      upstreamReadinessOf(app).stop();
      await storeOf(app).close();
    },
  };
}
