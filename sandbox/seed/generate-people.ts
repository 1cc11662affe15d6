import { DEMO_USER, OTHER_USER, WORKSPACE_SLUGS } from '../identities';
import { formatMicros, MICROS_PER_DAY, msToMicros, SEED_EPOCH_MS } from './clock';
import { Prng } from './prng';
import type { MembershipRecord, UserRecord, WorkspaceRecord } from './records';
import { PEOPLE } from './vocabulary';

export interface People {
  users: UserRecord[];
  workspaces: WorkspaceRecord[];
  memberships: MembershipRecord[];
}

const WORKSPACE_NAMES: Record<(typeof WORKSPACE_SLUGS)[number], string> = {
  'acme-dev': 'Acme Development',
  'blue-harbor': 'Blue Harbor Logistics',
};

/**
 * Users, the two workspaces and who belongs where. The demo user owns `acme-dev` and is a plain member of
 * `blue-harbor`; the other user is a member of `blue-harbor` only, so `acme-dev`'s private repositories are invisible
 * to them while its public ones are not. Generated users are split between the workspaces with some in both.
 */
export function generatePeople(rng: Prng): People {
  const start = msToMicros(SEED_EPOCH_MS) - 700 * MICROS_PER_DAY; // accounts predate the repositories
  const users: UserRecord[] = [DEMO_USER, OTHER_USER].map((identity) => ({
    uuid: identity.uuid,
    accountId: identity.accountId,
    displayName: identity.displayName,
    nickname: identity.nickname,
    createdOn: formatMicros(start + rng.int(0, 300) * MICROS_PER_DAY + rng.int(0, MICROS_PER_DAY - 1)),
  }));
  for (const [displayName, nickname] of PEOPLE) {
    users.push({
      uuid: rng.uuid(),
      accountId: `557058:${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
      displayName,
      nickname,
      createdOn: formatMicros(start + rng.int(0, 600) * MICROS_PER_DAY + rng.int(0, MICROS_PER_DAY - 1)),
    });
  }

  const workspaces: WorkspaceRecord[] = WORKSPACE_SLUGS.map((slug, index) => {
    const created = msToMicros(SEED_EPOCH_MS) - (200 - index * 50) * MICROS_PER_DAY + rng.int(0, MICROS_PER_DAY - 1);
    return {
      uuid: rng.uuid(),
      slug,
      name: WORKSPACE_NAMES[slug],
      isPrivate: false, // both publicly accessible: public repositories are visible to non-members
      forkingMode: index === 0 ? 'internal_only' : 'allow_forks',
      createdOn: formatMicros(created),
      updatedOn: formatMicros(created + rng.int(100, 1500) * MICROS_PER_DAY),
    };
  });
  const [acme, harbor] = workspaces;

  const memberships: MembershipRecord[] = [
    { workspaceUuid: acme.uuid, userUuid: DEMO_USER.uuid, permission: 'owner', repositoryAccess: 'admin' },
    { workspaceUuid: harbor.uuid, userUuid: DEMO_USER.uuid, permission: 'member', repositoryAccess: 'write' },
    { workspaceUuid: harbor.uuid, userUuid: OTHER_USER.uuid, permission: 'member', repositoryAccess: 'read' },
  ];
  const generated = users.slice(2);
  generated.forEach((user, index) => {
    // Two thirds in acme-dev, the last third in blue-harbor, every fourth one in both.
    const inAcme = index < (generated.length * 2) / 3 || index % 4 === 0;
    const inHarbor = index >= (generated.length * 2) / 3 || index % 4 === 0;
    if (inAcme) memberships.push({ workspaceUuid: acme.uuid, userUuid: user.uuid, permission: index === 3 ? 'owner' : 'member', repositoryAccess: rng.pick(['read', 'write', 'write'] as const) });
    if (inHarbor) memberships.push({ workspaceUuid: harbor.uuid, userUuid: user.uuid, permission: index === generated.length - 1 ? 'owner' : 'member', repositoryAccess: rng.pick(['read', 'write', 'admin'] as const) });
  });
  return { users, workspaces, memberships };
}
