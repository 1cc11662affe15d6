/**
 * Pull request lists refreshed by `updated_on` (issue #14 item 3): pure helpers for ListMemo.
 *
 * Bitbucket moves a pull request's `updated_on` when the pull request is edited or changes state (it is the version an
 * `If-Match` compares), and filters on it in BBQL (`q=updated_on >= …`, developer.atlassian.com/cloud/bitbucket/rest/intro/, "Filtering and sorting";
 * Faros' and Airbyte's Bitbucket sources sync pull requests that way). A list of every state (`state=OPEN&…&SUPERSEDED`)
 * sorted by `id` loses no pull request (Bitbucket's API deletes none), so the list now is the list known, with the
 * pull requests updated since replacing or joining theirs, in `id` order. Whether approvals, comments and tasks move
 * `updated_on` is on no public record, so lists carrying what they change are not merged (list-memo.ts).
 */

/** What the merge needs of a pull request as Bitbucket lists it. */
interface Versioned {
  id: number;
  updatedOn: number;
}

function versionOf(item: unknown): Versioned | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { id, updated_on: updatedOn } = item as { id?: unknown; updated_on?: unknown };
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || typeof updatedOn !== 'string') return undefined;
  const instant = Date.parse(updatedOn);
  return Number.isFinite(instant) ? { id, updatedOn: instant } : undefined;
}

/** Whether every item carries an integer `id` and a parseable `updated_on`. */
export function allVersioned(items: readonly unknown[]): boolean {
  return items.every((item) => versionOf(item) !== undefined);
}

/**
 * The lower bound of the next refresh: the latest `updated_on` known, less `marginMs` (a write whose transaction
 * committed after the previous read may carry an earlier time), as a BBQL datetime; undefined for an empty list or
 * an item without a version.
 */
export function updatedSince(items: readonly unknown[], marginMs: number): string | undefined {
  let latest = -Infinity;
  for (const item of items) {
    const version = versionOf(item);
    if (version === undefined) return undefined;
    latest = Math.max(latest, version.updatedOn);
  }
  if (!Number.isFinite(latest)) return undefined;
  return new Date(latest - marginMs).toISOString().replace(/Z$/, '+00:00');
}

/** `known` with `changed` replacing or joining items of the same `id`, in `id` order; undefined if one has no version. */
export function mergeById(known: readonly unknown[], changed: readonly unknown[]): unknown[] | undefined {
  const byId = new Map<number, unknown>();
  for (const item of [...known, ...changed]) {
    const version = versionOf(item);
    if (version === undefined) return undefined;
    byId.set(version.id, item);
  }
  return [...byId.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
}
