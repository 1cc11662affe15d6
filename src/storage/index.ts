/** Storage shared between requests (and, with Redis, between replicas): see shared-store.ts. */
export type { IfAbsentEntry, SharedStore } from './shared-store';
export { MemoryStore, type MemoryStoreOptions } from './memory-store';
export { RedisStore, type RedisStoreOptions } from './redis-store';
export { StoreUnavailable, redisLocation, type StoreFailureKind } from './store-unavailable';
export { createStore, type StoreSettings } from './create-store';
export { checkEvictionPolicy, evictionPolicyProblem } from './eviction-policy-check';
