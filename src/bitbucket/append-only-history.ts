/**
 * When a repository's commit list read earlier still is, or only grew at its head (issue #14 item 3): pure checks over
 * the commits' `hash` and `parents[].hash`, and the branch heads Bitbucket lists now.
 *
 * Bitbucket lists a repository's commits (`GET /repositories/{workspace}/{repo_slug}/commits` without `include` or
 * `exclude`) as the commits of its branches, newest first, like `git log` (developer.atlassian.com/cloud/bitbucket/rest/
 * api-group-commits/, "List commits"). So the list is the set of commits reachable from the branch heads, and a list
 * `known` read earlier is still the whole list when
 * - `known` is closed under parents (every parent it names is in it),
 * - every tip of `known` (a commit no other commit of `known` names as a parent) is a branch head now, and
 * - every branch head now is in `known`:
 * then what the heads reach now is exactly `known` (closed, so nothing more; every commit is an ancestor of a tip, and
 * every tip is still a head, so nothing less). A force push or a deleted branch leaves a tip that is no head; a push
 * adds a head that is not in `known`.
 *
 * After a push, the list read again from its start up to the first commit of `known` (`prefix`) followed by `known`
 * is the whole list when the same three conditions hold for that concatenation: a new commit Bitbucket lists further
 * down (an old author date) is the missing parent of a commit of the concatenation, or a head not in it. Whatever fails
 * a check is read again in full: this only ever saves reads, it never decides what the answer holds.
 */

/** What the checks need of a commit as Bitbucket lists it. */
interface CommitLinks {
  hash: string;
  parents: string[];
}

/** `hash` and the parents' hashes of a commit item, or undefined when it lacks them (a `fields` that left them out). */
export function commitLinksOf(item: unknown): CommitLinks | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { hash, parents } = item as { hash?: unknown; parents?: unknown };
  if (typeof hash !== 'string' || !Array.isArray(parents)) return undefined;
  const parentHashes: string[] = [];
  for (const parent of parents) {
    const parentHash = typeof parent === 'object' && parent !== null ? (parent as { hash?: unknown }).hash : undefined;
    if (typeof parentHash !== 'string') return undefined;
    parentHashes.push(parentHash);
  }
  return { hash, parents: parentHashes };
}

/**
 * Whether `items` (a commit list, newest first) is exactly the set of commits `heads` reach: closed under parents,
 * every tip a head, every head listed. False when an item lacks its hash or parents.
 */
export function isWholeHistory(items: readonly unknown[], heads: ReadonlySet<string>): boolean {
  const hashes = new Set<string>();
  const parents = new Set<string>();
  for (const item of items) {
    const links = commitLinksOf(item);
    if (links === undefined) return false;
    hashes.add(links.hash);
    for (const parent of links.parents) parents.add(parent);
  }
  for (const parent of parents) if (!hashes.has(parent)) return false;
  for (const head of heads) if (!hashes.has(head)) return false;
  for (const hash of hashes) if (!parents.has(hash) && !heads.has(hash)) return false;
  return true;
}

/**
 * Where the list read again meets the one known: the index in `page` of the known list's first commit, when the rest
 * of `page` is the known list's beginning item for item (same JSON); undefined otherwise (not there, or changed).
 */
export function meetingPoint(page: readonly unknown[], known: readonly unknown[]): number | undefined {
  if (known.length === 0) return undefined;
  const first = commitLinksOf(known[0])?.hash;
  if (first === undefined) return undefined;
  const at = page.findIndex((item) => commitLinksOf(item)?.hash === first);
  if (at < 0) return undefined;
  const overlap = page.length - at;
  if (overlap > known.length) return undefined;
  for (let index = 0; index < overlap; index++) {
    if (JSON.stringify(page[at + index]) !== JSON.stringify(known[index])) return undefined;
  }
  return at;
}
