/**
 * Resolves a dotted path (`source.branch.name`, `reviewers.uuid`) against a Bitbucket JSON item.
 *
 * Arrays are crossed transparently, as a SQL join would: `reviewers.uuid` yields one candidate per reviewer.
 * The result is the list of candidate values, with `null` standing for "absent": a missing key, an explicit
 * null, a null or scalar midway along the path, and an empty array all resolve to `[null]` (a LEFT JOIN that
 * found no row). `crossedArray` says whether any array was crossed, which sorting needs to refuse such paths.
 */
export interface ResolvedPath {
  candidates: unknown[];
  crossedArray: boolean;
}

export function resolvePath(item: unknown, path: string): ResolvedPath {
  let crossedArray = false;
  let current: unknown[] = [item];
  for (const segment of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      const elements = Array.isArray(value) ? value : [value];
      if (Array.isArray(value)) crossedArray = true;
      if (Array.isArray(value) && value.length === 0) next.push(null);
      for (const element of elements) next.push(isRecord(element) ? (element[segment] ?? null) : null);
    }
    current = next;
  }
  const candidates: unknown[] = [];
  for (const value of current) {
    if (!Array.isArray(value)) {
      candidates.push(value);
      continue;
    }
    crossedArray = true;
    if (value.length === 0) candidates.push(null);
    else candidates.push(...value.map((element: unknown) => element ?? null));
  }
  return { candidates, crossedArray };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
