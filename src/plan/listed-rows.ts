/**
 * Rows a request's fan-out already listed (the repositories of a workspace, before their pull requests), kept for the
 * rest of that request, so that `$expand=Repository` on the answer takes each repository from there instead of
 * reading it again by key (issue #15: +241 calls on the large seed). Per request (`ExecutionContext`), never across
 * requests or credentials: a row is as fresh as the answer it expands.
 *
 * Only sets that some navigation property targets as single-valued are kept (`keepsListedRows`): those are the ones a
 * `$expand` reads by key; the fan-out then lists their rows whole (every property), which costs bytes, not calls.
 */
import type { Row } from '../odata/ast';
import type { EntitySetDefinition } from '../entity-sets/model';
import { ENTITY_SETS } from '../entity-sets/registry';
import type { ExecutionContext } from './execution-context';

const kept = new WeakMap<ExecutionContext, Map<string, Map<string, Row>>>();

let singleTargets: Set<string> | undefined;

/** Whether rows of `def` listed by a fan-out are worth keeping: a single-valued navigation property targets it. */
export function keepsListedRows(def: EntitySetDefinition): boolean {
  singleTargets ??= new Set(ENTITY_SETS.flatMap((set) => (set.navigation ?? []).filter((nav) => !nav.collection).map((nav) => nav.target)));
  return singleTargets.has(def.name);
}

function keyOf(def: EntitySetDefinition, values: Row): string | undefined {
  if (def.key.some((property) => values[property] === undefined || values[property] === null)) return undefined;
  return JSON.stringify(def.key.map((property) => values[property]));
}

/** Keep rows of `def` holding every property of the set (a listing with no `$select`). */
export function keepListedRows(ctx: ExecutionContext, def: EntitySetDefinition, rows: readonly Row[]): void {
  let bySet = kept.get(ctx);
  if (!bySet) kept.set(ctx, (bySet = new Map()));
  let byKey = bySet.get(def.name);
  if (!byKey) bySet.set(def.name, (byKey = new Map()));
  for (const row of rows) {
    const key = keyOf(def, row);
    if (key !== undefined) byKey.set(key, row);
  }
}

/**
 * The kept row of `def` whose key properties equal `values` (exactly: OData keys are case-sensitive), when `values`
 * names exactly the key; undefined when none was listed in this request.
 */
export function listedRow(ctx: ExecutionContext, def: EntitySetDefinition, values: Row): Row | undefined {
  const names = Object.keys(values);
  if (names.length !== def.key.length || !def.key.every((property) => names.includes(property))) return undefined;
  const key = keyOf(def, values);
  return key === undefined ? undefined : kept.get(ctx)?.get(def.name)?.get(key);
}
