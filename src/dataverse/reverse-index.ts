/**
 * The way back from a Dataverse Guid key to the composite key Bitbucket's routes need, without asking Bitbucket:
 * every row the Dataverse root serves is remembered (Guid → composite key), so a later by-key read
 * (`PullRequests(<guid>)`, what the Data Provider sends when a user opens a record from a view) costs exactly what
 * the same read by composite key costs on `/odata/`.
 *
 * The Guid cannot carry the key itself: a name-based UUID is a hash (name-based-uuid.ts), and a composite key
 * (workspace, repository slug, id, a 40-character hash) does not fit the 122 free bits of a UUID, so the way back
 * is kept. It is kept in the app's shared store (src/storage: in-process, or Redis with `REDIS_URL`), so replicas
 * behind a load balancer resolve each other's Guids, and in this process's own bounded LRU (`maxEntries`, about
 * 200 bytes each), which answers its own rows without a store round trip and saves rewriting what the store already
 * holds. An entry lives `ttlSeconds` in the store from its last write; a row served again rewrites it once half of
 * that has passed, or at once if its key changed (a repository renamed: same UUID, another slug).
 *
 * A store that cannot be reached (Redis away) is logged and leaves this process's own entries: a Guid not found is a
 * 4xx that says how to find the row (list it, or filter on the key), never a wrong row.
 */
import type { Logger } from '../logger';
import type { KeyValues } from '../odata/ast';
import type { SharedStore } from '../storage';

const KEY_PREFIX = 'dataverse-guid:';

interface LocalEntry {
  json: string;
  /** Epoch milliseconds of the last write to the store (0: not written there). */
  storedAt: number;
}

export interface ReverseIndexOptions {
  maxEntries: number;
  ttlSeconds: number;
  logger?: Logger;
  now?: () => number;
}

export class ReverseIndex {
  readonly #local = new Map<string, LocalEntry>();
  readonly #store: SharedStore | undefined;
  readonly #options: ReverseIndexOptions;
  readonly #now: () => number;

  constructor(store: SharedStore | undefined, options: ReverseIndexOptions) {
    this.#store = store;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async remember(setName: string, guid: string, key: KeyValues): Promise<void> {
    const id = idOf(setName, guid);
    const json = JSON.stringify(key);
    const known = this.#local.get(id);
    const fresh = known !== undefined && known.json === json && this.#now() - known.storedAt < (this.#options.ttlSeconds * 1000) / 2;
    this.#keep(id, { json, storedAt: fresh ? known.storedAt : 0 });
    if (fresh || !this.#store) return;
    try {
      await this.#store.set(`${KEY_PREFIX}${id}`, Buffer.from(json, 'utf8'), this.#options.ttlSeconds);
      this.#keep(id, { json, storedAt: this.#now() });
    } catch (error) {
      this.#warn('remember', error);
    }
  }

  /** The composite key last served under this Guid, here or by another replica sharing the store. */
  async lookup(setName: string, guid: string): Promise<KeyValues | undefined> {
    const id = idOf(setName, guid);
    const known = this.#local.get(id);
    if (known !== undefined) {
      this.#keep(id, known);
      return JSON.parse(known.json) as KeyValues;
    }
    if (!this.#store) return undefined;
    let stored: Buffer | undefined;
    try {
      stored = await this.#store.get(`${KEY_PREFIX}${id}`);
    } catch (error) {
      this.#warn('lookup', error);
      return undefined;
    }
    if (stored === undefined) return undefined;
    const json = stored.toString('utf8');
    this.#keep(id, { json, storedAt: this.#now() });
    return JSON.parse(json) as KeyValues;
  }

  /** `lookup` of several Guids at once, for a filter that names them: the Guids found, lower case. */
  async lookupMany(setName: string, guids: readonly string[]): Promise<Map<string, KeyValues>> {
    const distinct = [...new Set(guids.map((guid) => guid.toLowerCase()))];
    const keys = await Promise.all(distinct.map((guid) => this.lookup(setName, guid)));
    return new Map(distinct.flatMap((guid, index) => (keys[index] === undefined ? [] : [[guid, keys[index] as KeyValues]])));
  }

  get size(): number {
    return this.#local.size;
  }

  /** Most recently used last; the least recently used go first beyond maxEntries. */
  #keep(id: string, entry: LocalEntry): void {
    if (this.#options.maxEntries <= 0) return;
    this.#local.delete(id);
    this.#local.set(id, entry);
    while (this.#local.size > this.#options.maxEntries) {
      const oldest = this.#local.keys().next();
      if (oldest.done) break;
      this.#local.delete(oldest.value);
    }
  }

  #warn(operation: string, error: unknown): void {
    this.#options.logger?.warn(`the Dataverse Guid index could not ${operation} in the shared store`, { store: this.#store?.kind, problem: error instanceof Error ? error.message : String(error) });
  }
}

function idOf(setName: string, guid: string): string {
  return `${setName}(${guid})`;
}
