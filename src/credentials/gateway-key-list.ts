/**
 * Which gateway keys each user has, kept in the app's store (issue #14): in the process's memory by default, in Redis
 * with `REDIS_URL`, so that any replica lists a user's keys and revokes them, whichever replica created them. A key
 * itself is stateless (a sealed value Power BI holds, gateway-keys.ts): this list is only what the user sees and what
 * a revocation checks ownership against, so it holds ids, labels and dates, never a secret.
 *
 * One record per owner (a Redis hash: a field per key id), so two replicas creating keys for one user at once both
 * keep theirs, and a user can only ever read or remove fields of their own record. The record's name is a hash of the
 * owner's Bitbucket account uuid: the store never names the account. Plain SHA-256, not a keyed hash: every replica
 * must find the same record with no secret beyond SESSION_KEYS (which rotate), and a uuid is no credential.
 */
import { createHash } from 'node:crypto';
import type { SharedStore } from '../storage';

/** What a key lists as; never its secret or its tokens. */
export interface GatewayKeyInfo {
  id: string;
  label: string;
  createdAt: number;
  expiresAt: number;
}

export class GatewayKeyList {
  constructor(
    private readonly store: SharedStore,
    private readonly now: () => number,
  ) {}

  async add(owner: string, info: GatewayKeyInfo): Promise<void> {
    const { id, label, createdAt, expiresAt } = info;
    const record = recordOf(owner);
    await this.store.putField(record, id, Buffer.from(JSON.stringify({ label, createdAt, expiresAt })), (expiresAt - this.now()) / 1000);
  }

  /** `owner`'s keys that have not expired, oldest first; expired ones are removed on the way. */
  async list(owner: string): Promise<GatewayKeyInfo[]> {
    const record = recordOf(owner);
    const now = this.now();
    const listed: GatewayKeyInfo[] = [];
    for (const [id, value] of await this.store.fields(record)) {
      const info = infoOf(id, value);
      // A field that does not read (written by another version) is left alone: it ends with the record.
      if (!info) continue;
      if (info.expiresAt <= now) await this.store.deleteField(record, id);
      else listed.push(info);
    }
    return listed.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** `owner`'s key `id`, if they have it (another owner's key of that id is never found here). */
  async find(owner: string, id: string): Promise<GatewayKeyInfo | undefined> {
    return (await this.list(owner)).find((info) => info.id === id);
  }

  /** Takes `id` off `owner`'s list; false when it was not there (or another replica took it off first). */
  remove(owner: string, id: string): Promise<boolean> {
    return this.store.deleteField(recordOf(owner), id);
  }
}

function recordOf(owner: string): string {
  return `gateway-keys:${createHash('sha256').update('gateway-key owner\0').update(owner).digest('base64url')}`;
}

function infoOf(id: string, value: Buffer): GatewayKeyInfo | undefined {
  try {
    const { label, createdAt, expiresAt } = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
    if (typeof label !== 'string' || typeof createdAt !== 'number' || typeof expiresAt !== 'number') return undefined;
    return { id, label, createdAt, expiresAt };
  } catch {
    return undefined;
  }
}
