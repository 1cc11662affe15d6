/**
 * Expand a plan's route parameters into concrete upstream streams (one list call sequence each). A parameter fixed
 * by the query takes its values; otherwise it fans out by listing the parent entity set (workspaces, then the
 * repositories of each workspace), through the same executor, so fan-out obeys the same rules as any query.
 */
import type { Expr, Row } from '../odata/ast';
import { ODataError } from '../odata/errors';
import { findDefinition } from '../entity-sets/registry';
import type { EntitySetDefinition, RouteParameter } from '../entity-sets/model';
import type { ExecutionContext } from './execution-context';
import { mapWithConcurrency } from './map-with-concurrency';
import { allOf } from '../odata/conjuncts';
import type { QueryPlan } from './plan-query';
import { parentRevisionColumns, type ParentColumns } from './parent-revisions';
import { leadingOrder } from './read-strategy';
import { typedRouteValue } from './row-from-item';
import type { EdmEntitySet } from '../odata/edm';
import { compareRows } from '../odata/evaluate';

export type StreamParams = Record<string, string>;

/**
 * Executes a query for a parent entity set; injected to avoid an import cycle with `execute-query.ts`. `top`: at most
 * that many values are wanted (the list may stop early).
 */
export type ParentLister = (
  entitySet: string,
  filter: Expr | undefined,
  property: string,
  ctx: ExecutionContext,
  top?: number,
  also?: ParentColumns,
  onPage?: ValuesRead,
) => Promise<string[]>;

/**
 * Told the values of a parent list read so far, after each upstream page of it (the new ones only), before the next
 * page is asked for; never for a list handed whole (a kept list, values the query fixed). The whole list is still the
 * answer: these are a head start, in no particular order.
 */
export type ValuesRead = (values: readonly string[]) => void;

function eqFilter(pairs: Array<[string, string]>): Expr | undefined {
  return allOf(
    pairs.map(([property, value]): Expr => ({ kind: 'compare', op: 'eq', left: { kind: 'property', name: property }, right: { kind: 'literal', type: 'Edm.String', value } })),
  );
}

/**
 * Bitbucket also addresses workspaces and repositories by braced UUID, but the properties behind those parameters
 * hold slugs: a UUID value can equal no row, so it must not reach the path (rows would come back labelled with it).
 */
export function usableValues(param: RouteParameter, values: string[]): string[] {
  return param.fanOut && !param.fanOut.uuidValues ? values.filter((value) => !value.startsWith('{')) : values;
}

export async function valuesFor(param: RouteParameter, partial: StreamParams, plan: QueryPlan, ctx: ExecutionContext, listParent: ParentLister, top?: number, onPage?: ValuesRead): Promise<string[]> {
  const fixed = plan.fixedParams[param.name];
  if (fixed) return usableValues(param, fixed);
  if (!param.fanOut) {
    throw new ODataError('MissingRequiredFilter', { entitySet: plan.def.name, properties: param.property });
  }
  const parent = findDefinition(param.fanOut.entitySet);
  if (!parent) throw new Error(`Fan-out target ${param.fanOut.entitySet} is not declared`);
  const pairs = Object.entries(param.fanOut.parentFilters ?? {}).map(([property, paramName]): [string, string] => [property, partial[paramName]]);
  // A list that is a function of its pull request's revision has the fan-out read that too (parent-revisions.ts).
  return listParent(param.fanOut.entitySet, eqFilter(pairs), param.fanOut.property, ctx, top, parentRevisionColumns(plan.list ?? plan.def.list, param, ctx), onPage);
}

/**
 * The values a stream's rows hold for its route parameters' properties, typed as rows hold them (`Id` 7, not '7'):
 * constant within the stream. A partially resolved stream gives the ones known so far.
 */
export function streamConstants(def: EntitySetDefinition, params: RouteParameter[], stream: StreamParams): Row {
  const constants: Row = {};
  for (const param of params) {
    const property = def.properties.find((candidate) => candidate.name === param.property);
    if (property && stream[param.name] !== undefined) constants[param.property] = typedRouteValue(property, stream[param.name]);
  }
  return constants;
}

/**
 * `keep` (optional) is asked about each partially resolved stream as soon as a parameter is expanded; a stream it
 * refuses is dropped with everything it would fan out to, before any upstream call for it (keyset continuation
 * drops the repositories that lie wholly before the cursor).
 */
export async function resolveStreams(
  plan: QueryPlan,
  params: RouteParameter[],
  ctx: ExecutionContext,
  listParent: ParentLister,
  keep?: (partial: StreamParams) => boolean,
): Promise<StreamParams[]> {
  const limit = ctx.limits.maxFanOut;
  // The refusal is the answer whatever the parent lists still in flight bring: their calls are abandoned (and awaited,
  // map-with-concurrency.ts, so that the answer counts them) instead of reading on to fill their room.
  const tooWide = (param: RouteParameter, count: number | string): ODataError => {
    const refusal = fanOutTooWide(params, param, count, limit);
    ctx.abandon?.(refusal);
    return refusal;
  };
  const kept = keep === undefined ? fixedStreamsOf(plan, params) : undefined;
  if (kept) {
    // As the loop below would: the first parameter after which there are too many streams is the one named.
    const over = kept.counts.findIndex((count) => count > limit);
    if (over >= 0) throw tooWide(params[over], kept.counts[over]);
    return [...kept.streams];
  }
  let streams: StreamParams[] = [{}];
  for (const param of params) {
    const fixed = plan.fixedParams[param.name];
    if (fixed) {
      // Values the query fixed are known without a call: expanded here, with no worker pool and promise per stream
      // (`valuesFor` answers them at once). A 100-commit page fixes both of its parameters, and the pool cost ~20 µs
      // of its CPU under load (issue #15: CPU per answer page).
      const values = usableValues(param, fixed);
      const expanded = streams.flatMap((partial) => values.map((value) => ({ ...partial, [param.name]: value })));
      streams = keep ? expanded.filter(keep) : expanded;
      if (streams.length > limit) throw tooWide(param, streams.length);
      continue;
    }
    // A fan-out is refused as soon as it is known to pass the limit: each parent list is asked for no more values
    // than still fit, plus one to see the limit passed (CommitStatuses over every repository used to list every
    // commit first). Not when `keep` drops some of the values afterwards: a cut list could then lose kept ones.
    const bounded = keep === undefined && param.fanOut !== undefined && plan.fixedParams[param.name] === undefined;
    let found = 0;
    const expanded = await mapWithConcurrency(streams, ctx.limits.fanOutConcurrency, async (partial) => {
      const room = limit + 1 - found;
      if (bounded && room <= 0) throw tooWide(param, `more than ${limit}`);
      const values = await valuesFor(param, partial, plan, ctx, listParent, bounded ? room : undefined);
      found += values.length;
      if (bounded && found > limit) throw tooWide(param, `more than ${limit}`);
      return values.map((value) => ({ ...partial, [param.name]: value }));
    });
    streams = keep ? expanded.flat().filter(keep) : expanded.flat();
    if (streams.length > limit) throw tooWide(param, streams.length);
  }
  return streams;
}

/** The streams of a plan whose filter fixes every parameter, and how many there were after each parameter. */
interface FixedStreams {
  streams: readonly StreamParams[];
  counts: number[];
}

/**
 * Streams of a kept plan (`planQuery` hands out the same frozen plan for the same query) whose filter fixes every
 * route parameter: a function of the plan alone, so worked out once, frozen. A 100-commit page is one such stream,
 * and expanding it on every request cost ~20 µs of its CPU under load (issue #15: CPU per answer page).
 */
const keptFixedStreams = new WeakMap<QueryPlan, WeakMap<readonly RouteParameter[], FixedStreams>>();

function fixedStreamsOf(plan: QueryPlan, params: readonly RouteParameter[]): FixedStreams | undefined {
  if (!Object.isFrozen(plan) || !params.every((param) => plan.fixedParams[param.name] !== undefined)) return undefined;
  let forPlan = keptFixedStreams.get(plan);
  if (!forPlan) keptFixedStreams.set(plan, (forPlan = new WeakMap()));
  let kept = forPlan.get(params);
  if (!kept) {
    let streams: StreamParams[] = [Object.freeze({})];
    const counts: number[] = [];
    for (const param of params) {
      const values = usableValues(param, plan.fixedParams[param.name]);
      streams = streams.flatMap((partial) => values.map((value) => Object.freeze({ ...partial, [param.name]: value })));
      counts.push(streams.length);
    }
    forPlan.set(params, (kept = { streams: Object.freeze(streams), counts }));
  }
  return kept;
}

function fanOutTooWide(params: readonly RouteParameter[], param: RouteParameter, count: number | string, limit: number): ODataError {
  return new ODataError('FanOutTooWide', {
    count,
    unit: param.fanOut?.entitySet.toLowerCase() ?? param.name,
    limit,
    properties: params.map((p) => p.property).join(' or '),
  });
}

/**
 * Whether the streams are read in the order of their own route values: the order they are read in turn by
 * (`leadingOrder`) starts with the route parameters' properties, in route order (the default key order of commits,
 * pull requests, pipelines over a fan-out). Then `resolveStreamsAfter` may give a continuation page its streams.
 */
export function ordersByStreamValues(plan: QueryPlan, params: readonly RouteParameter[]): boolean {
  const leading = leadingOrder(plan);
  return params.length > 0 && params.every((param, index) => leading[index]?.property === param.property);
}

/**
 * The streams of a continuation page read in turn (`ordersByStreamValues`), in the order they are read, from the first
 * one `keep` takes: what `resolveStreams` with `keep`, sorted as `inTurnParamsOrder` sorts (collect-rows.ts), gives,
 * without building, testing and sorting every stream before the cursor on every page (issue #15.3: a walk of 100,000
 * commits in 100-row pages listed, filtered and sorted all 225 repositories on each of its 1,000 pages to read one or
 * two). The parent lists are still asked for (on a continuation page they come from `parent-list-memo.ts`, with their
 * side effects), and the levels above the last are resolved by `resolveStreams` itself; the last level's streams under
 * one parent list are built and sorted once per list (the kept list is the same array on every page that reuses it),
 * and the place of the cursor among them is found by bisection:
 * `keep` drops a stream wholly before the cursor (`positionAfterCursor`), that is one whose route values compare below
 * the cursor's on the order's leading items (or, tied on all of them, one the rest of the order puts at or before it):
 * in a list sorted by those same items with the same comparison, the dropped streams are a prefix. Streams under one
 * parent tie on every item above the last, so each parent's streams sorted by the last item, parents sorted by theirs,
 * is the order `inTurnParamsOrder` gives all of them (stable sorts: equal values stay in list order).
 */
export async function resolveStreamsAfter(
  plan: QueryPlan,
  params: readonly RouteParameter[],
  edm: EdmEntitySet,
  ctx: ExecutionContext,
  listParent: ParentLister,
  keep: (partial: StreamParams) => boolean,
): Promise<StreamParams[]> {
  if (!ordersByStreamValues(plan, params)) throw new Error('resolveStreamsAfter: the streams are not read in the order of their route values');
  const last = params[params.length - 1];
  const upper = params.slice(0, -1);
  const parents = await resolveStreams(plan, [...upper], ctx, listParent, keep);
  const byParent = compareRows(plan.order.slice(0, upper.length), [], edm);
  const under = await mapWithConcurrency(parents, ctx.limits.fanOutConcurrency, async (partial) => {
    const sorted = sortedUnder(plan, params, edm, partial, await valuesFor(last, partial, plan, ctx, listParent));
    return { partial, streams: sorted.slice(firstKept(sorted, keep)) };
  });
  if (upper.length > 0) {
    const constants = new Map(under.map((each) => [each, streamConstants(plan.def, upper, each.partial)]));
    under.sort((a, b) => byParent(constants.get(a) as Row, constants.get(b) as Row));
  }
  const streams = under.flatMap((each) => each.streams);
  if (streams.length > ctx.limits.maxFanOut) throw fanOutTooWide(params, last, streams.length, ctx.limits.maxFanOut);
  return streams;
}

/** Per parent list (by identity) and parent: its streams sorted by the last route parameter's order item. */
const sortedStreams = new WeakMap<readonly string[], Map<string, readonly StreamParams[]>>();

function sortedUnder(plan: QueryPlan, params: readonly RouteParameter[], edm: EdmEntitySet, partial: StreamParams, values: readonly string[]): readonly StreamParams[] {
  const last = params[params.length - 1];
  const item = plan.order[params.length - 1];
  const key = JSON.stringify([plan.def.name, last.name, item.property, item.direction, partial]);
  let lists = sortedStreams.get(values);
  if (!lists) sortedStreams.set(values, (lists = new Map()));
  let sorted = lists.get(key);
  if (!sorted) {
    const byLast = compareRows([item], [], edm);
    // Shared by every page that reuses the list: frozen, so that no reader can change another page's streams.
    const keyed = values.map((value) => {
      const stream = Object.freeze({ ...partial, [last.name]: value });
      return { stream, constants: streamConstants(plan.def, [last], stream) };
    });
    sorted = Object.freeze(keyed.sort((a, b) => byLast(a.constants, b.constants)).map((each) => each.stream));
    lists.set(key, sorted);
  }
  return sorted;
}

/** The index of the first stream `keep` takes in `sorted`, where the ones it drops are a prefix (`resolveStreamsAfter`). */
export function firstKept(sorted: readonly StreamParams[], keep: (stream: StreamParams) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keep(sorted[middle])) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The parameter naming the entity a list or an entity belongs to: the last one that fans out over a parent set. */
export function parentParam(params: readonly RouteParameter[]): RouteParameter | undefined {
  for (let index = params.length - 1; index >= 0; index--) if (params[index].fanOut) return params[index];
  return undefined;
}

/**
 * Whether a stream of `def` (or one entity, for its get route) must have its parent confirmed before its rows may
 * carry the route values the client spelled: a string key property filled from a route value (`{ routeParam }`: the
 * items do not state it, e.g. a pull request comment names its pull request only by id and link) that the client
 * fixed, under a parent the client fixed too. A parent reached by fan-out needs nothing: the parent's listing
 * compared its keys (read from Bitbucket's canonical values) with the client's values exactly. The cheapest correct
 * check is one by-key read of the parent (`parentExists`): per parent, not per page.
 */
export function parentCheckNeeded(def: EntitySetDefinition, params: readonly RouteParameter[], fixed: QueryPlan['fixedParams']): boolean {
  const parent = parentParam(params);
  if (!parent?.fanOut || parent.fanOut.listsSome || fixed[parent.name] === undefined) return false;
  return params.some((param) => {
    const property = def.properties.find((candidate) => candidate.name === param.property);
    return fixed[param.name] !== undefined && property?.type === 'Edm.String' && typeof property.source === 'object' && 'routeParam' in property.source;
  });
}

/** `property eq value` for each pair, each literal typed as the parent declares the property (`Id eq 7`). */
function typedEqFilter(parent: EntitySetDefinition, pairs: Array<[string, string]>): Expr | undefined {
  return allOf(
    pairs.map(([name, value]): Expr => {
      const property = parent.properties.find((candidate) => candidate.name === name);
      const typed = property ? typedRouteValue(property, value) : value;
      return { kind: 'compare', op: 'eq', left: { kind: 'property', name }, right: { kind: 'literal', type: typed === null ? 'null' : (property?.type ?? 'Edm.String'), value: typed } };
    }),
  );
}

/**
 * Whether the parent entity named by `param` exists under exactly the values given (OData keys compare
 * case-sensitively, and the parent's keys come from Bitbucket's canonical values): one query of the parent set by
 * its key through the executor, so a by-key GET where the parent set has one (a repository, a pull request) and the
 * parent's own rules for a 404. Asked once per parent and request (`ctx` is per request).
 */
export async function parentExists(param: RouteParameter, values: StreamParams, ctx: ExecutionContext, listParent: ParentLister): Promise<boolean> {
  const fanOut = param.fanOut;
  if (!fanOut) throw new Error(`Route parameter ${param.name} names no parent set`);
  const parent = findDefinition(fanOut.entitySet);
  if (!parent) throw new Error(`Fan-out target ${fanOut.entitySet} is not declared`);
  const pairs: Array<[string, string]> = [
    ...Object.entries(fanOut.parentFilters ?? {}).map(([property, paramName]): [string, string] => [property, values[paramName]]),
    [fanOut.property, values[param.name]],
  ];
  const cacheKey = JSON.stringify([fanOut.entitySet, pairs]);
  let cache = parentChecks.get(ctx);
  if (!cache) parentChecks.set(ctx, (cache = new Map()));
  let answer = cache.get(cacheKey);
  if (!answer) {
    answer = listParent(fanOut.entitySet, typedEqFilter(parent, pairs), fanOut.property, ctx).then((found) => found.includes(values[param.name]));
    cache.set(cacheKey, answer);
  }
  return answer;
}

const parentChecks = new WeakMap<ExecutionContext, Map<string, Promise<boolean>>>();
