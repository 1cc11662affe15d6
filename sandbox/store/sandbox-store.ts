import { systemClock, type Clock } from '../auth/clock';
import type { SeedOptions } from '../seed/build-seed';
import { formatMicros, msToMicros, SEED_NOW_MS, type Micros } from '../seed/clock';
import { seedCopy, type SeedCache } from '../seed/seed-copies';
import type {
  MembershipRecord, ProjectRecord, RepositoryData, SeedData, UserRecord, WebhookRecord, WorkspaceRecord,
} from '../seed/records';

/** Braced UUIDs compare case-insensitively; Bitbucket accepts `{UUID}` in upper or lower case. */
const sameUuid = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const isBracedUuid = (value: string): boolean => value.startsWith('{') && value.endsWith('}');

/**
 * The sandbox's data: plain in-memory collections built from the seed, with lookup helpers. Writes mutate the
 * collections directly (push, splice, assign); `reset()` takes a fresh copy of the seed, so the data after a reset is
 * exactly the data after start-up. Lookups scan: the largest scanned list is one repository's commits.
 */
export class SandboxStore {
  private current: SeedData;
  /** Workspace webhooks (`/workspaces/{ws}/hooks`) by workspace UUID: the seed has none, writes add them. */
  private workspaceHooks = new Map<string, WebhookRecord[]>();
  private lastWriteAt: Micros = 0;

  /**
   * `clock` is the instance's clock (sandbox-state.ts): writes are stamped with its time. `seedCache`: where the
   * seed's text is kept between stores (seed-copies.ts); the process's own when not given.
   */
  constructor(readonly seedOptions: SeedOptions, private readonly clock: Clock = systemClock, private readonly seedCache?: SeedCache) {
    this.current = seedCopy(seedOptions, seedCache);
  }

  /** Back to the seed: every write since start-up (or the last reset) is gone. */
  reset(): void {
    this.current = seedCopy(this.seedOptions, this.seedCache);
    this.workspaceHooks = new Map();
    this.lastWriteAt = 0;
  }

  /** The webhooks of a workspace (the live array: writes push into it and splice it). */
  workspaceWebhooksOf(workspaceUuid: string): WebhookRecord[] {
    let hooks = this.workspaceHooks.get(workspaceUuid);
    if (!hooks) this.workspaceHooks.set(workspaceUuid, (hooks = []));
    return hooks;
  }

  /**
   * The time a write happens, formatted as Bitbucket formats `updated_on`: the sandbox clock, but never before the
   * seed's "now" and always at least one microsecond after the previous write, so every write changes `updated_on`
   * (clients use it as a version, e.g. the gateway's If-Match) and write order is visible in the data.
   */
  writeTimestamp(): { micros: Micros; formatted: string } {
    const micros = Math.max(msToMicros(this.clock.now()), msToMicros(SEED_NOW_MS), this.lastWriteAt + 1);
    this.lastWriteAt = micros;
    return { micros, formatted: formatMicros(micros) };
  }

  get data(): SeedData {
    return this.current;
  }

  get users(): UserRecord[] { return this.current.users; }
  get workspaces(): WorkspaceRecord[] { return this.current.workspaces; }
  get memberships(): MembershipRecord[] { return this.current.memberships; }
  get projects(): ProjectRecord[] { return this.current.projects; }
  get repositories(): RepositoryData[] { return this.current.repositories; }

  /** By braced UUID or account id, as Bitbucket's `{selected_user}` path segments accept. */
  findUser(uuidOrAccountId: string): UserRecord | undefined {
    return this.current.users.find((u) => sameUuid(u.uuid, uuidOrAccountId) || u.accountId === uuidOrAccountId);
  }

  /** Users named by a record are always in the seed; a missing one is a bug in a write, so fail loudly. */
  user(uuid: string): UserRecord {
    const found = this.findUser(uuid);
    if (!found) throw new Error(`SandboxStore: no user ${uuid}`);
    return found;
  }

  /** By slug or braced UUID (path segments accept both). */
  findWorkspace(slugOrUuid: string): WorkspaceRecord | undefined {
    return this.current.workspaces.find((w) => (isBracedUuid(slugOrUuid) ? sameUuid(w.uuid, slugOrUuid) : w.slug === slugOrUuid));
  }

  workspace(uuid: string): WorkspaceRecord {
    const found = this.current.workspaces.find((w) => w.uuid === uuid);
    if (!found) throw new Error(`SandboxStore: no workspace ${uuid}`);
    return found;
  }

  membershipsOf(workspaceUuid: string): MembershipRecord[] {
    return this.current.memberships.filter((m) => m.workspaceUuid === workspaceUuid);
  }

  membershipsOfUser(userUuid: string): MembershipRecord[] {
    return this.current.memberships.filter((m) => sameUuid(m.userUuid, userUuid));
  }

  findMembership(workspaceUuid: string, userUuid: string): MembershipRecord | undefined {
    return userUuid === '' ? undefined : this.current.memberships.find((m) => m.workspaceUuid === workspaceUuid && sameUuid(m.userUuid, userUuid));
  }

  projectsOf(workspaceUuid: string): ProjectRecord[] {
    return this.current.projects.filter((p) => p.workspaceUuid === workspaceUuid);
  }

  project(uuid: string): ProjectRecord {
    const found = this.current.projects.find((p) => p.uuid === uuid);
    if (!found) throw new Error(`SandboxStore: no project ${uuid}`);
    return found;
  }

  /** Project keys are unique within a workspace; Bitbucket matches them case-sensitively (keys are upper case). */
  findProject(workspaceUuid: string, key: string): ProjectRecord | undefined {
    return this.current.projects.find((p) => p.workspaceUuid === workspaceUuid && p.key === key);
  }

  repositoriesOf(workspaceUuid: string): RepositoryData[] {
    return this.current.repositories.filter((r) => r.repository.workspaceUuid === workspaceUuid);
  }

  /** By slug (Bitbucket slugs are lower case; the lookup is case-insensitive like Bitbucket's) or braced UUID. */
  findRepository(workspaceUuid: string, slugOrUuid: string): RepositoryData | undefined {
    return this.current.repositories.find((r) => r.repository.workspaceUuid === workspaceUuid
      && (isBracedUuid(slugOrUuid) ? sameUuid(r.repository.uuid, slugOrUuid) : r.repository.slug === slugOrUuid.toLowerCase()));
  }
}
