import { formatMicros, MICROS_PER_DAY } from './clock';
import { Prng } from './prng';
import type { BranchRestrictionRecord, RepositoryRecord, UserRecord, WebhookRecord } from './records';

export interface RepositorySettings {
  branchRestrictions: BranchRestrictionRecord[];
  defaultReviewerUuids: string[];
  webhooks: WebhookRecord[];
}

/** Branch restriction ids are unique across Bitbucket: one counter for the whole seed. */
export interface RestrictionIdCounter { next: number }

const WEBHOOK_EVENTS = ['repo:push', 'pullrequest:created', 'pullrequest:updated', 'pullrequest:fulfilled', 'repo:commit_status_updated', 'pullrequest:comment_created'];

/** Branch restrictions on the main branch and release branches, default reviewers and webhooks for one repository. */
export function generateSettings(rng: Prng, repository: RepositoryRecord, members: UserRecord[], admins: UserRecord[], ids: RestrictionIdCounter): RepositorySettings {
  const main = repository.mainBranch;
  const rules: Array<Omit<BranchRestrictionRecord, 'id'>> = [
    { kind: 'push', branchMatchKind: 'glob', pattern: main, branchType: null, value: null, userUuids: admins.map((a) => a.uuid) },
    { kind: 'force', branchMatchKind: 'glob', pattern: main, branchType: null, value: null, userUuids: [] },
    { kind: 'require_approvals_to_merge', branchMatchKind: 'glob', pattern: main, branchType: null, value: rng.int(1, 2), userUuids: [] },
    { kind: 'delete', branchMatchKind: 'glob', pattern: 'release/*', branchType: null, value: null, userUuids: [] },
    { kind: 'require_passing_builds_to_merge', branchMatchKind: 'branching_model', pattern: '', branchType: 'production', value: 1, userUuids: [] },
  ];
  const branchRestrictions = rng.sample(rules, rng.int(0, rules.length)).map((rule) => ({ id: ids.next++, ...rule }));
  branchRestrictions.sort((a, b) => a.id - b.id);

  const created = Date.parse(repository.createdOn) * 1000;
  const webhooks: WebhookRecord[] = Array.from({ length: rng.int(0, 2) }, (_, i) => ({
    uuid: rng.uuid(),
    url: i === 0 ? `https://ci.example.com/hooks/${repository.slug}` : `https://chat.example.com/bitbucket?channel=${encodeURIComponent('#déploiements')}`,
    description: i === 0 ? 'CI trigger' : '',
    active: rng.chance(0.8),
    createdAt: formatMicros(created + rng.int(1, 300) * MICROS_PER_DAY + rng.int(0, MICROS_PER_DAY - 1)),
    events: rng.sample(WEBHOOK_EVENTS, rng.int(1, 4)).sort(),
    // A public demo value, derived rather than drawn so the data stream stays as it was.
    secret: rng.chance(0.5) ? `seed-secret-${repository.slug}-${i}` : null,
  }));
  return { branchRestrictions, defaultReviewerUuids: rng.sample(members, rng.int(0, 2)).map((m) => m.uuid), webhooks };
}
