/**
 * `$expand`, executed: for a page of parent rows (already filtered, ordered and paged), each expanded navigation
 * property becomes queries on its target entity set through its referential constraints, run by the same executor
 * as any query so pushdown applies (OData 4.01 Part 2 §5.1.3; the constraints are the navigation's declaration).
 *
 * - Single-valued (PullRequest → Repository): one by-key read per distinct related key on the page, however many
 *   parents share it, with bounded concurrency (`fanOutConcurrency`); none for an entity the request's fan-out
 *   listed already (`src/plan/listed-rows.ts`: the repositories a fan-out over repositories read).
 * - Collection-valued (Repository → PullRequests): per parent, the target set filtered by the constraint values
 *   (`Workspace eq … and RepositorySlug eq …`) and the nested `$filter`, `$orderby`, `$skip`, `$top`, `$count`: the
 *   same rows in the same order as the navigation path `Repositories(…)/PullRequests` with those options. An
 *   expansion has no server paging, so at most `maxExpandRows` per parent: more is a 400 that asks for a nested
 *   `$top` or `$filter`, never a silent cut.
 *
 * The result is what the serializer writes (`ExpandedNavigation`); this module is the one that knows entity-set
 * declarations, the serializer knows only the EDM.
 */
import type { Expr, ODataQuery, Row } from '../odata/ast';
import { ODataError } from '../odata/errors';
import type { ResolvedExpansion } from '../odata/parse';
import type { ExpandedNavigation, ExpandedValue } from '../odata/serialize';
import type { EntitySetDefinition } from '../entity-sets/model';
import { findDefinition } from '../entity-sets/registry';
import { edmOf } from '../entity-sets/to-edm-model';
import { executeQuery } from '../plan/execute-query';
import type { ExecutionContext } from '../plan/execution-context';
import { mapWithConcurrency } from '../plan/map-with-concurrency';
import { listedRow } from '../plan/listed-rows';
import { allOf } from '../odata/conjuncts';
import { propertyEquals } from './resolve-target';
import { etagOf } from '../entity-sets/etag-of';

export interface ExpandLimits {
  /** Most related entities one collection-valued expansion may hold per parent (MAX_EXPAND_ROWS). */
  maxExpandRows: number;
}

function targetOf(expansion: ResolvedExpansion): EntitySetDefinition {
  const target = findDefinition(expansion.navigation.target);
  if (!target) throw new Error(`Navigation target ${expansion.navigation.target} is not declared`);
  return target;
}

/**
 * The parent row's values of the navigation's constraints, keyed by target property; undefined when one is null
 * (no related entity can match a null key part).
 */
function constraintValues(expansion: ResolvedExpansion, parent: Row): Row | undefined {
  const values: Row = {};
  for (const [targetProperty, sourceProperty] of Object.entries(expansion.navigation.constraints)) {
    const value = parent[sourceProperty];
    if (value === null || value === undefined) return undefined;
    values[targetProperty] = value;
  }
  return values;
}

/** `A eq 1 and B eq 'x'` on the target, typed by the target's declarations. */
function constraintFilter(target: EntitySetDefinition, values: Row): Expr | undefined {
  return allOf(Object.entries(values).map(([name, value]) => propertyEquals(target, name, value)));
}

/** One string per distinct constraint tuple, for deduplicating reads across the page. */
function tupleKey(values: Row): string {
  return JSON.stringify(Object.keys(values).sort().map((name) => values[name]));
}

/** Distinct constraint tuples of the page, in first-seen order. */
function distinctTuples(expansion: ResolvedExpansion, parents: readonly Row[]): Map<string, Row> {
  const tuples = new Map<string, Row>();
  for (const parent of parents) {
    const values = constraintValues(expansion, parent);
    if (values) {
      const key = tupleKey(values);
      if (!tuples.has(key)) tuples.set(key, values);
    }
  }
  return tuples;
}

/**
 * A row listed whole, cut to what a by-key read with this `$select` holds (the key and the selected properties), so
 * the expansion is written the same whichever way the row came (an ETag only where the read had its version).
 */
function narrowed(row: Row, target: EntitySetDefinition, select: string[] | undefined): Row {
  if (select === undefined) return row;
  const keep = new Set([...target.key, ...select]);
  return Object.fromEntries(Object.entries(row).filter(([name]) => keep.has(name)));
}

async function expandSingle(expansion: ResolvedExpansion, parents: readonly Row[], ctx: ExecutionContext): Promise<(parent: Row) => ExpandedValue> {
  const target = targetOf(expansion);
  const tuples = [...distinctTuples(expansion, parents)];
  const found = await mapWithConcurrency(tuples, ctx.limits.fanOutConcurrency, async ([, values]) => {
    // The fan-out that read the parents listed this entity already (a repository of the workspace): no call.
    const listed = listedRow(ctx, target, values);
    if (listed) return narrowed(listed, target, expansion.item.options.select);
    const query: ODataQuery = { filter: constraintFilter(target, values), orderby: [], count: false, top: 1, select: expansion.item.options.select };
    return (await executeQuery(target, query, ctx)).rows[0] ?? null;
  });
  const byTuple = new Map(tuples.map(([key], index) => [key, found[index]]));
  return (parent) => {
    const values = constraintValues(expansion, parent);
    return { kind: 'entity', row: values ? (byTuple.get(tupleKey(values)) ?? null) : null };
  };
}

async function expandCollection(
  expansion: ResolvedExpansion,
  parent: EntitySetDefinition,
  parents: readonly Row[],
  ctx: ExecutionContext,
  limits: ExpandLimits,
): Promise<(parent: Row) => ExpandedValue> {
  const target = targetOf(expansion);
  const { options } = expansion.item;
  const tuples = [...distinctTuples(expansion, parents)];
  // Each parent costs at least one upstream read: the fan-out limit of a query bounds it like any other fan-out.
  if (tuples.length > ctx.limits.maxFanOut) {
    throw new ODataError('FanOutTooWide', {
      count: tuples.length,
      unit: `${parent.typeName} entities to expand ${expansion.navigation.name} for`,
      limit: ctx.limits.maxFanOut,
      properties: `${parent.name}, or ask for fewer of them with $top`,
    });
  }
  const max = limits.maxExpandRows;
  // One row beyond the cap tells whether it would be exceeded, without reading the whole related set.
  const capped = options.top === undefined || options.top > max;
  const top = capped ? max + 1 : options.top;
  const results = await mapWithConcurrency(tuples, ctx.limits.fanOutConcurrency, async ([, values]) => {
    const query: ODataQuery = { ...options, filter: allOf([constraintFilter(target, values), options.filter]), top };
    const result = await executeQuery(target, query, ctx);
    if (capped && result.rows.length > max) {
      throw new ODataError('ExpandTooLarge', { navigation: expansion.navigation.name, limit: max, target: target.name, type: parent.typeName });
    }
    return result;
  });
  const byTuple = new Map(tuples.map(([key], index) => [key, results[index]]));
  return (row) => {
    const values = constraintValues(expansion, row);
    const result = values ? byTuple.get(tupleKey(values)) : undefined;
    return { kind: 'collection', rows: result?.rows ?? [], ...(options.count ? { count: result?.count ?? 0 } : {}) };
  };
}

/** Run every expansion of the request over `parents` and describe the values for the serializer. */
export async function expandRows(
  parent: EntitySetDefinition,
  parents: readonly Row[],
  expansions: readonly ResolvedExpansion[],
  ctx: ExecutionContext,
  limits: ExpandLimits,
): Promise<ExpandedNavigation[]> {
  const navigations: ExpandedNavigation[] = [];
  // One expansion after another: each bounds its own concurrency, so together they never exceed it.
  for (const expansion of expansions) {
    const target = targetOf(expansion);
    const valueOf = expansion.navigation.collection
      ? await expandCollection(expansion, parent, parents, ctx, limits)
      : await expandSingle(expansion, parents, ctx);
    navigations.push({
      name: expansion.navigation.name,
      set: edmOf(target),
      select: expansion.item.options.select,
      valueOf,
      etag: (row) => etagOf(target, row),
    });
  }
  return navigations;
}

/**
 * The parent's `$select` extended by the properties the expansions read their constraint values from, for the
 * parent's own query (the serializer still writes only what `$select` named): a projection must not starve them.
 */
export function selectForExpansion(select: string[] | undefined, expansions: readonly ResolvedExpansion[]): string[] | undefined {
  if (select === undefined || expansions.length === 0) return select;
  const sources = expansions.flatMap((expansion) => Object.values(expansion.navigation.constraints));
  return [...new Set([...select, ...sources])];
}
