/**
 * Says at start-up when the Redis behind `REDIS_URL` may evict the security records or the budget's counts. Records
 * (sign-outs, gateway-key revocations and lists, sealed renewed tokens) and tallies (the budget) have no lifetime, so
 * Redis's `volatile-*` policies never evict them ("only keys with an expire set", redis.conf); an `allkeys-*` policy
 * may, and a revocation it evicts lets the key in again on every replica that did not revoke it. The gateway cannot
 * set the policy (managed services refuse CONFIG SET), so it reads it (`INFO memory`, which they answer) and warns; a
 * Redis that does not say is left unjudged.
 */
import type { Logger } from '../logger';
import type { SharedStore } from './shared-store';
import { RedisStore } from './redis-store';

/** What is wrong with `policy` under `maxmemoryBytes` (0: unbounded), or undefined when nothing is. */
export function evictionPolicyProblem(policy: string, maxmemoryBytes: number): string | undefined {
  if (maxmemoryBytes > 0 && policy.startsWith('allkeys-')) {
    return `Redis evicts any key under maxmemory (maxmemory-policy ${policy}): a sign-out or key revocation it evicts would be accepted again by other replicas, and calls of the hour the budget counted could be spent again; set maxmemory-policy volatile-lru (README, "Several replicas behind a load balancer")`;
  }
  if (maxmemoryBytes > 0 && policy === 'noeviction') {
    return `Redis evicts nothing under maxmemory (maxmemory-policy noeviction): once full it refuses writes and the budget fails every request; set maxmemory-policy volatile-lru (README, "Several replicas behind a load balancer")`;
  }
  return undefined;
}

/** Reads the Redis store's eviction settings and logs a warning when they may lose security state; never throws. */
export async function checkEvictionPolicy(store: SharedStore, logger: Logger): Promise<void> {
  if (!(store instanceof RedisStore)) return;
  try {
    const info = await store.connection.redis.info('memory');
    const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
    const maxmemory = Number(/^maxmemory:(\d+)/m.exec(info)?.[1] ?? 0);
    const problem = policy === undefined ? undefined : evictionPolicyProblem(policy, maxmemory);
    if (problem) logger.warn(problem, { maxmemoryPolicy: policy, maxmemory });
  } catch {
    // Redis away at start-up: the first request that needs it says so; this check only advises.
  }
}
