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
 * `body` is never modified; the answer may hold parts of it as they are (see `sharesUncopied`), so it is for sending,
 * not for writing into.
 */
export function applyFields(body: unknown, fields: string | undefined, hiddenByDefault: readonly string[] = []): unknown {
  const hidden = hiddenByDefault.map((path) => path.split('.'));
  const directives = fields === undefined || fields === '' ? [] : parseFields(fields);
  const selectOnly = directives.some((directive) => directive.mode === 'select');
  const walk: Walk = { hidden, deepest: Math.max(0, ...hidden.map((pattern) => pattern.length)), path: [], share: sharesUncopied(directives, selectOnly) };
  // Plain paths that copy nothing twice, name no `*` and none the start of another: one walk for all (fieldsTree).
  const tree = walk.share && selectOnly ? fieldsTree(directives) : undefined;
  if (tree) return includeTree(emptyShell(body), body, tree, walk);
  let result: unknown = selectOnly ? emptyShell(body) : defaultView(body, walk);
  for (const directive of directives) {
    if (directive.mode === 'remove') exclude(result, directive.segments);
    else result = include(result, body, directive.segments, 0, walk);
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

/**
 * One application of `fields`: the hidden patterns, the longest one's length, the path of the value being copied (one
 * array, pushed and popped, instead of a new array per key), and whether values below `deepest` may be handed over
 * uncopied.
 */
interface Walk {
  hidden: readonly string[][];
  deepest: number;
  path: string[];
  share: boolean;
}

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

/**
 * Whether the answer may hold parts of `body` as they are instead of copies: when nothing writes into it once built.
 * `-path` deletes in place, and a path that runs through one an earlier entry copied whole (`values.links` then
 * `values.links.self`; the default view then any `+path`) writes into that copy. Everything else only copies the
 * containers on its own path, so a part below them is read once, by the answer's JSON. Copying those parts was about
 * a quarter of `applyFields`, itself ~4 % of a --runInBand run of 20 spec files (CPU profile, 2026-12-06).
 */
function sharesUncopied(directives: readonly FieldsDirective[], selectOnly: boolean): boolean {
  if (!selectOnly) return directives.length === 0;
  return directives.every((later, j) => later.mode === 'select'
    && directives.slice(0, j).every((earlier) => !runsThrough(later.segments, earlier.segments)));
}

/** Whether `path` goes below `prefix` (`*` on either side may be the same field). */
function runsThrough(path: readonly string[], prefix: readonly string[]): boolean {
  return path.length > prefix.length && prefix.every((segment, i) => segment === '*' || path[i] === '*' || path[i] === segment);
}

/** Whether `walk.path` is hidden by default. */
function isHidden(walk: Walk): boolean {
  const { path } = walk;
  return walk.hidden.some((pattern) => pattern.length === path.length && pattern.every((segment, i) => segment === '*' || segment === path[i]));
}

/**
 * The default representation of the value at `walk.path`: without hidden fields. Below the depth of the longest
 * hidden pattern nothing can be hidden, so the rest is copied as it is, or not copied at all (`walk.share`): building
 * each key's path there was a large share of the sandbox's CPU per call in the fan-out bench (bench/run.ts).
 */
function defaultView(value: unknown, walk: Walk): unknown {
  const { path } = walk;
  if (path.length >= walk.deepest) return walk.share ? value : deepCopy(value);
  if (Array.isArray(value)) return value.map((element: unknown) => defaultView(element, walk));
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    path.push(key);
    if (!isHidden(walk)) copy[key] = defaultView(value[key], walk);
    path.pop();
  }
  return copy;
}

/** `defaultView` where nothing is hidden: arrays and records copied, anything else as it is. */
function deepCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepCopy);
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = deepCopy(value[key]);
  return copy;
}

function emptyShell(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(emptyShell);
  return isRecord(value) ? {} : value;
}

/**
 * Copies the fields `segments` (from `depth` on) matches from `source` into `target` (a structure mirroring `source`);
 * `walk.path` is where `source` is.
 */
function include(target: unknown, source: unknown, segments: readonly string[], depth: number, walk: Walk): unknown {
  if (depth === segments.length) return defaultView(source, walk);
  if (Array.isArray(source)) {
    const targets: unknown[] = Array.isArray(target) ? target : [];
    return source.map((element: unknown, i) => include(targets[i], element, segments, depth, walk));
  }
  if (!isRecord(source)) {
    // A scalar where the path wants to go deeper: only wildcards ("everything at these levels") keep it.
    return target === undefined && (source === null || onlyWildcards(segments, depth)) ? source : target;
  }
  const object: Record<string, unknown> = isRecord(target) ? target : {};
  const segment = segments[depth]!;
  if (segment !== '*') {
    if (Object.hasOwn(source, segment)) includeMember(object, source, segment, segments, depth, walk);
  } else {
    for (const key of Object.keys(source)) includeMember(object, source, key, segments, depth, walk);
  }
  return object;
}

/** `include` of one member of a record (a function, not a closure made per record). */
function includeMember(object: Record<string, unknown>, source: Record<string, unknown>, key: string, segments: readonly string[], depth: number, walk: Walk): void {
  walk.path.push(key);
  const included = include(object[key], source[key], segments, depth + 1, walk);
  walk.path.pop();
  if (included !== undefined) object[key] = included;
}

function onlyWildcards(segments: readonly string[], from: number): boolean {
  for (let i = from; i < segments.length; i += 1) if (segments[i] !== '*') return false;
  return true;
}

/** Plain paths as a tree: each field once, its children in the order the paths first name them. */
interface FieldsTree {
  children: Map<string, FieldsTree>;
  /** A path ends here. */
  end: boolean;
}

/**
 * The tree of `directives`, or undefined where it would not give their answer: a `*` (its fields depend on the body),
 * or a path that is the start of another (`b.c` then `b`: a scalar `b` is dropped by the first and kept by the second).
 */
function fieldsTree(directives: readonly FieldsDirective[]): FieldsTree | undefined {
  const root: FieldsTree = { children: new Map(), end: false };
  for (const { segments } of directives) {
    let node = root;
    for (const segment of segments) {
      if (segment === '*' || node.end) return undefined;
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = { children: new Map(), end: false }));
      node = child;
    }
    if (node.children.size > 0) return undefined;
    node.end = true;
  }
  return root;
}

/**
 * `include` of every path of `tree` at once, for paths where none is the start of another and none names `*` (what the
 * gateway sends: `next,values.hash,values.date,…`): the same answer as including them one after the other, whose
 * only effect on each other is the order in which they add a field to an object, which is the order the tree keeps.
 * One walk over a page's records instead of one per path: the list pages of spec/http/differential name 10–20 paths.
 */
function includeTree(target: unknown, source: unknown, tree: FieldsTree, walk: Walk): unknown {
  if (tree.end) return defaultView(source, walk);
  if (Array.isArray(source)) {
    const targets: unknown[] = Array.isArray(target) ? target : [];
    return source.map((element: unknown, i) => includeTree(targets[i], element, tree, walk));
  }
  // A scalar where the path wants to go deeper: dropped, but null kept (no `*` here), as `include` does.
  if (!isRecord(source)) return target === undefined && source === null ? source : target;
  const object: Record<string, unknown> = isRecord(target) ? target : {};
  for (const [segment, child] of tree.children) {
    if (!Object.hasOwn(source, segment)) continue;
    walk.path.push(segment);
    const included = includeTree(object[segment], source[segment], child, walk);
    walk.path.pop();
    if (included !== undefined) object[segment] = included;
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
