/**
 * What the response cache and the list memo need of a store: bytes by key with a lifetime. src/storage's SharedStore
 * has it (in-process, or Redis with REDIS_URL); this layer imports nothing else of src/.
 */
export interface ByteStore {
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
}
