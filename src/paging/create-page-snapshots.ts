/**
 * Where paging snapshots and the credential checks of their pages live: in the process by default, or in the store
 * replicas share when it is Redis (`REDIS_URL`), so that a nextLink served by another replica continues from the
 * snapshot (issue #14 item 4). The choice follows the store, as the budget's and the cache's do.
 */
import type { GatewayConfig } from '../config';
import type { Logger } from '../logger';
import { RedisStore, type SharedStore } from '../storage';
import { CredentialLiveness } from './credential-liveness';
import { PageSnapshots, type PagingSnapshotStore } from './page-snapshots';
import { RedisPageSnapshots } from './redis-page-snapshots';
import { SharedCredentialLiveness, type CredentialCheck } from './shared-credential-liveness';

export interface PagingStores {
  snapshots: PagingSnapshotStore;
  liveness: CredentialCheck;
}

export function createPageSnapshots(options: {
  config: Pick<GatewayConfig, 'pagingSnapshots' | 'credentialRecheckSeconds' | 'skiptokenSecret'>;
  /** The app's store; without one (or with the in-process one) snapshots stay in the process. */
  store?: SharedStore;
  /** The process's row budget: in-process snapshots hold their rows against it. */
  budget: ConstructorParameters<typeof PageSnapshots>[2];
  now?: () => number;
  logger?: Logger;
}): PagingStores {
  const { config, store, budget, now, logger } = options;
  if (store instanceof RedisStore) {
    return {
      snapshots: new RedisPageSnapshots({ store, limits: config.pagingSnapshots, ...(now ? { now } : {}), ...(logger ? { logger } : {}) }),
      liveness: new SharedCredentialLiveness({ store, secret: config.skiptokenSecret, recheckSeconds: config.credentialRecheckSeconds, ...(now ? { now } : {}), ...(logger ? { logger } : {}) }),
    };
  }
  return { snapshots: new PageSnapshots(config.pagingSnapshots, now, budget), liveness: new CredentialLiveness(config.credentialRecheckSeconds, now) };
}
