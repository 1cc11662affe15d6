/**
 * The way back from a Dataverse Guid key to the composite key Bitbucket's routes need, without asking Bitbucket:
 * every row the Dataverse root serves is remembered here (Guid → composite key), so a later by-key read
 * (`PullRequests(<guid>)`, what the Data Provider sends when a user opens a record from a view) costs exactly what
 * the same read by composite key costs on `/odata/`.
 *
 * Limits, stated in the README: per process (another replica, or a restart, has not seen the row: the read answers
 * 404 saying so until the row is listed again there), and bounded: the least recently used entries go first beyond
 * `maxEntries` (about 200 bytes each).
 */
import type { KeyValues } from '../odata/ast';

export class ReverseIndex {
  private readonly entries = new Map<string, KeyValues>();

  constructor(private readonly maxEntries: number) {}

  remember(setName: string, guid: string, key: KeyValues): void {
    if (this.maxEntries <= 0) return;
    const id = `${setName}(${guid})`;
    this.entries.delete(id);
    this.entries.set(id, key);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /** The composite key last served under this Guid, refreshed as most recently used. */
  lookup(setName: string, guid: string): KeyValues | undefined {
    const id = `${setName}(${guid})`;
    const key = this.entries.get(id);
    if (key === undefined) return undefined;
    this.entries.delete(id);
    this.entries.set(id, key);
    return key;
  }

  get size(): number {
    return this.entries.size;
  }
}
