import { queryErrors } from './query-errors';
import { isRecord } from './resolve-path';

/**
 * Bitbucket's partial responses (`fields`, narrative "Partial responses"), applied to a full representation.
 *
 * `body` must be the FULL representation, including fields Bitbucket leaves out by default; `hiddenByDefault` lists
 * those (dotted paths from the body's root, `*` allowed: `values.reviewers` on the pull-request list, "Field
 * discovery"). The three modes, applied left to right:
 * - `-path` removes matching fields (`-links`; `-links.*` empties `links`);
 * - `+path` adds matching fields to the default ones (`+values.reviewers`);
 * - a plain `path` switches to "only these": the response starts empty and gets only the listed fields
 *   (`values.id,next`); the envelope is not kept implicitly, so `fields=values.id` drops `next`.
 * Arrays are transparent (`values.id` reaches every element). `*` matches every field at one level, including
 * hidden ones there (`fields=*.*` reveals `values.reviewers`). A requested field comes with its default subtree;
 * hidden fields below it stay hidden unless named.
 * A path that matches nothing is ignored, which is how Bitbucket treats `+foo` sent unencoded: the `+` arrives as
 * a space, the entry becomes the plain field " foo", it "will not match any fields" and, being plain, switches the
 * response to "only these" (README.md, "fields"). An absent or empty `fields` gives the default representation.
 */
export function applyFields(body: unknown, fields: string | undefined, hiddenByDefault: readonly string[] = []): unknown {
  const hidden = hiddenByDefault.map((path) => path.split('.'));
  const deepest = Math.max(0, ...hidden.map((pattern) => pattern.length));
  const isHidden: IsHidden = Object.assign((path: readonly string[]): boolean => hidden.some((pattern) => matchesPattern(pattern, path)), { deepest });
  const directives = fields === undefined || fields === '' ? [] : parseFields(fields);
  const selectOnly = directives.some((directive) => directive.mode === 'select');
  let result: unknown = selectOnly ? emptyShell(body) : defaultView(body, [], isHidden);
  for (const directive of directives) {
    if (directive.mode === 'remove') exclude(result, directive.segments);
    else result = include(result, body, directive.segments, [], isHidden);
  }
  return result;
}

/**
 * The members of the objects at `below` (`['values']`: a list page's records) that `applyFields(body, fields)` can
 * read; `undefined` when it may read any of them: no `fields` or no plain path (the default view), a `+path` (it adds
 * to the default view), a plain path that stops at or above those objects or names `*` at their level, or an entry
 * `applyFields` refuses (it answers that, later, as before). A `-path` only deletes from what the others copied.
 * What lets a list present only those members of its page (serve-route.ts): the answer is the same.
 */
export function membersRead(fields: string | undefined, below: readonly string[]): ReadonlySet<string> | undefined {
  if (fields === undefined || fields === '') return undefined;
  const members = new Set<string>();
  let selects = false;
  for (const entry of fields.split(',')) {
    const mode = entry.startsWith('+') ? 'add' : entry.startsWith('-') ? 'remove' : 'select';
    const segments = (mode === 'select' ? entry : entry.slice(1)).split('.');
    if (segments.some((segment) => segment === '') || mode === 'add') return undefined;
    if (mode === 'remove') continue;
    selects = true;
    if (segments.length <= below.length) {
      if (segments.every((segment, i) => segment === '*' || segment === below[i])) return undefined;
      continue;
    }
    if (!below.every((segment, i) => segments[i] === '*' || segments[i] === segment)) continue;
    const member = segments[below.length]!;
    if (member === '*') return undefined;
    members.add(member);
  }
  return selects ? members : undefined;
}

/** Whether a path is hidden by default; no path longer than `deepest` (the longest pattern) is. */
type IsHidden = ((path: readonly string[]) => boolean) & { deepest: number };

interface FieldsDirective {
  mode: 'add' | 'remove' | 'select';
  segments: string[];
}

function parseFields(fields: string): FieldsDirective[] {
  return fields.split(',').map((entry) => {
    const mode = entry.startsWith('+') ? 'add' : entry.startsWith('-') ? 'remove' : 'select';
    const path = mode === 'select' ? entry : entry.slice(1);
    const segments = path.split('.');
    if (segments.some((segment) => segment === '')) throw queryErrors.invalidFields(entry);
    return { mode, segments };
  });
}

function matchesPattern(pattern: readonly string[], path: readonly string[]): boolean {
  return pattern.length === path.length && pattern.every((segment, i) => segment === '*' || segment === path[i]);
}

/**
 * The default representation: a deep copy without hidden fields. Below the depth of the longest hidden pattern nothing
 * can be hidden, so the rest is copied without building each key's path (most of a pull request list's keys: this
 * was a large share of the sandbox's CPU per call in the fan-out bench, bench/run.ts).
 */
function defaultView(value: unknown, path: readonly string[], isHidden: IsHidden): unknown {
  if (path.length >= isHidden.deepest) return deepCopy(value);
  if (Array.isArray(value)) return value.map((element: unknown) => defaultView(element, path, isHidden));
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, key];
    if (!isHidden(childPath)) copy[key] = defaultView(child, childPath, isHidden);
  }
  return copy;
}

/** `defaultView` where nothing is hidden: arrays and records copied, anything else as it is. */
function deepCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepCopy);
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) copy[key] = deepCopy(child);
  return copy;
}

function emptyShell(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(emptyShell);
  return isRecord(value) ? {} : value;
}

/** Copies the fields `segments` matches from `source` into `target` (a structure mirroring `source`). */
function include(
  target: unknown,
  source: unknown,
  segments: readonly string[],
  path: readonly string[],
  isHidden: IsHidden,
): unknown {
  if (segments.length === 0) return defaultView(source, path, isHidden);
  if (Array.isArray(source)) {
    const targets: unknown[] = Array.isArray(target) ? target : [];
    return source.map((element: unknown, i) => include(targets[i], element, segments, path, isHidden));
  }
  if (!isRecord(source)) {
    // A scalar where the path wants to go deeper: only wildcards ("everything at these levels") keep it.
    const onlyWildcards = segments.every((segment) => segment === '*');
    return target === undefined && (source === null || onlyWildcards) ? source : target;
  }
  const object: Record<string, unknown> = isRecord(target) ? target : {};
  const [segment, ...rest] = segments as [string, ...string[]];
  const keys = segment === '*' ? Object.keys(source) : Object.hasOwn(source, segment) ? [segment] : [];
  for (const key of keys) {
    const included = include(object[key], source[key], rest, [...path, key], isHidden);
    if (included !== undefined) object[key] = included;
  }
  return object;
}

/** Deletes the fields `segments` matches from `target`, in place. */
function exclude(target: unknown, segments: readonly string[]): void {
  if (Array.isArray(target)) {
    for (const element of target) exclude(element, segments);
    return;
  }
  if (!isRecord(target)) return;
  const [segment, ...rest] = segments as [string, ...string[]];
  const keys = segment === '*' ? Object.keys(target) : Object.hasOwn(target, segment) ? [segment] : [];
  for (const key of keys) {
    if (rest.length === 0) delete target[key];
    else exclude(target[key], rest);
  }
}
