/**
 * The pushdown split: which parts of an OData query Bitbucket does (path parameters, `q`, `sort`, `fields`,
 * `pagelen`) and which are done here. Pure: no I/O, so planner tests state both halves as data.
 */
import type { Expr, ODataQuery, OrderByItem } from '../odata/ast';
import type { EntitySetDefinition, ListRoute, PropertyDefinition, RouteParameter } from '../entity-sets/model';
import { LRUCache } from 'lru-cache';
import { isRefused, refusalsRemembered } from './pushdown-refusals';
import { sourcePaths } from './row-from-item';
import { conjuncts } from '../odata/conjuncts';
import { toBbql, type BbqlTranslation } from './to-bbql';
import { foldConstants, isConstantFalse } from '../odata/fold-constants';
import { edmOf } from '../entity-sets/to-edm-model';

export interface UpstreamSort {
  property: string;
  field: string;
  direction: 'asc' | 'desc';
}

export interface QueryPlan {
  def: EntitySetDefinition;
  /** The list route read: `def.list`, or one of `def.narrowerLists` the filter allows (`narrowerList`). */
  list?: ListRoute;
  /** Route parameter name → the values the query allows (one stream per combination). Absent = fan out or required. */
  fixedParams: Record<string, string[]>;
  /** Use the single-entity route (all of its parameters fixed to one value each). */
  useGet: boolean;
  bbql: BbqlTranslation;
  /**
   * The order of the answer: `$orderby`, then the key (OData paging needs a stable order); or, when
   * `byUpstreamPosition`, the properties constant within a stream, which the rows' upstream positions complete.
   */
  order: OrderByItem[];
  /** After `order`, rows follow their position in their stream as Bitbucket delivered them (`answerOrder`). */
  byUpstreamPosition: boolean;
  /** Properties constant within one upstream stream (route parameters). */
  streamConstant: string[];
  /** The first order item Bitbucket can produce within a stream, when it can. */
  upstreamSort?: UpstreamSort;
  /** `fields=` for list and get routes, or undefined for Bitbucket's default representation. */
  listFields?: string;
  getFields?: string;
  /** True when the rows Bitbucket returns are exactly the answer's rows (before order/skip/top). */
  exact: boolean;
  /** The filter is constant false (`foldConstants`): the answer is empty (count 0) without a call to Bitbucket. */
  noRows: boolean;
}

/** Values a conjunct fixes for a property: `P eq 'v'`, `'v' eq P`, `P in ('a','b')`. */
function fixedValues(expr: Expr, property: string): string[] | undefined {
  if (expr.kind === 'compare' && expr.op === 'eq') {
    const [prop, lit] = expr.left.kind === 'property' ? [expr.left, expr.right] : [expr.right, expr.left];
    if (prop.kind === 'property' && prop.name === property && lit.kind === 'literal' && lit.value !== null) return [String(lit.value)];
  }
  if (expr.kind === 'in' && expr.operand.kind === 'property' && expr.operand.name === property) {
    if (expr.list.every((item) => item.kind === 'literal' && item.value !== null)) {
      return expr.list.map((item) => String((item as { value: unknown }).value));
    }
  }
  return undefined;
}

function intersect(a: string[] | undefined, b: string[]): string[] {
  return a === undefined ? [...new Set(b)] : a.filter((value) => b.includes(value));
}

/** Fix route parameters from the filter's top-level conjuncts; returns the conjuncts consumed. */
function fixParams(params: RouteParameter[], filter: Expr | undefined): { fixed: Record<string, string[]>; consumed: Set<Expr> } {
  const fixed: Record<string, string[]> = {};
  const consumed = new Set<Expr>();
  for (const conjunct of conjuncts(filter)) {
    for (const param of params) {
      const values = fixedValues(conjunct, param.property);
      if (values) {
        fixed[param.name] = intersect(fixed[param.name], values);
        consumed.add(conjunct);
      }
    }
  }
  return { fixed, consumed };
}

/**
 * The total order of an answer: `$orderby`, then the key properties it does not name, ascending (OData needs a stable
 * order across pages, Part 1 §11.2.6.3-4). Keyset continuation (`src/paging/keyset-cursor.ts`) needs it total.
 */
export function totalOrder(orderby: OrderByItem[], key: string[]): OrderByItem[] {
  const order = [...orderby];
  for (const property of key) if (!order.some((item) => item.property === property)) order.push({ property, direction: 'asc' });
  return order;
}

export interface AnswerOrder {
  /** Order items on properties: the whole total order, or its part before the upstream position. */
  items: OrderByItem[];
  /** The items are followed by the row's position in its upstream stream (`upstream-position.ts`). */
  byUpstreamPosition: boolean;
}

/**
 * The order of an answer. With `$orderby`, or on a list without `defaultOrder`, the total order (`totalOrder`).
 * Without `$orderby` on a list declaring `defaultOrder: 'upstream'`: the key properties constant within a stream (its
 * route parameters, in key order), then each row's position in its stream, as Bitbucket lists it. Total too: route
 * values tell the streams apart and positions the rows of one stream.
 */
export function answerOrder(def: EntitySetDefinition, orderby: OrderByItem[], list: ListRoute | undefined = def.list): AnswerOrder {
  if (orderby.length > 0 || list?.defaultOrder !== 'upstream') return { items: totalOrder(orderby, def.key), byUpstreamPosition: false };
  const streamConstant = new Set(list.params.map((param) => param.property));
  return { items: def.key.filter((property) => streamConstant.has(property)).map((property) => ({ property, direction: 'asc' })), byUpstreamPosition: true };
}

/** Properties referenced anywhere in an expression. */
export function referencedProperties(expr: Expr | undefined, into: Set<string> = new Set()): Set<string> {
  if (!expr) return into;
  switch (expr.kind) {
    case 'property':
      into.add(expr.name);
      break;
    case 'compare':
    case 'and':
    case 'or':
    case 'arith':
      referencedProperties(expr.left, into);
      referencedProperties(expr.right, into);
      break;
    case 'not':
    case 'negate':
      referencedProperties(expr.operand, into);
      break;
    case 'in':
      referencedProperties(expr.operand, into);
      expr.list.forEach((item) => referencedProperties(item, into));
      break;
    case 'call':
      expr.args.forEach((arg) => referencedProperties(arg, into));
      break;
    case 'literal':
      break;
  }
  return into;
}

function fieldsFor(def: EntitySetDefinition, needed: Set<string>, prefix: string, envelope: string[]): string | undefined {
  const paths = new Set<string>(envelope);
  for (const property of def.properties) {
    if (!needed.has(property.name)) continue;
    for (const path of sourcePaths(property)) paths.add(prefix + path);
  }
  return [...paths].join(',');
}

export interface PlanOptions {
  /**
   * false: push nothing Bitbucket could skip (no `q`, `sort`, `fields`, smaller pages or early stop); only the path
   * parameters that address the resource. For benchmarks that measure what pushdown saves.
   */
  pushdown: boolean;
}

/**
 * The narrower list route to read instead of `def.list` (`EntitySetDefinition.narrowerLists`), the first that fits:
 * - a route below the set's own list (it keeps every parameter of `def.list` and adds its own: one pull request's
 *   activity under the repository's feed) when the filter fixes all its parameters, each added one to one value (one
 *   call per value would cost more than the feed it narrows);
 * - another route (the author's pull requests across a workspace) when the filter fixes its parameters that do not
 *   fan out, unless the filter fixes every parameter of `def.list` (one repository's list is the narrower then).
 */
export function narrowerList(def: EntitySetDefinition, fixed: Record<string, string[]>): ListRoute | undefined {
  const listParams = def.list?.params ?? [];
  const isFixed = (param: { name: string }) => fixed[param.name] !== undefined;
  const listFixed = listParams.every(isFixed);
  return def.narrowerLists?.find((route) => {
    const below = listParams.length > 0 && listParams.every((param) => route.params.some((own) => own.name === param.name));
    if (below) {
      const added = route.params.filter((param) => !listParams.some((listParam) => listParam.name === param.name));
      return route.params.every(isFixed) && added.every((param) => fixed[param.name].length === 1);
    }
    if (listFixed) return false;
    const own = route.params.filter((param) => !param.fanOut);
    return own.length > 0 && own.every(isFixed);
  });
}

export function planQuery(def: EntitySetDefinition, query: ODataQuery, options: PlanOptions = { pushdown: true }): QueryPlan {
  const filter = query.filter;
  // Only a frozen filter is kept by: an unfrozen tree could be changed after its plan was made.
  if (filter !== undefined && !Object.isFrozen(filter)) return planFresh(def, query, options);
  // The usual read (no `$orderby`, `$select` or `$search`) is keyed without serializing anything; a key of the JSON
  // form starts with `[`, so the two never meet.
  const plain = query.orderby.length === 0 && query.select === undefined && query.search === undefined;
  const key = plain ? `${options.pushdown ? 'on' : 'off'} ${refusalsRemembered()}` : JSON.stringify([options.pushdown, refusalsRemembered(), query.orderby, query.select ?? null, query.search ?? null]);
  let forSet = keptPlans.get(def);
  if (!forSet) keptPlans.set(def, (forSet = { unfiltered: new LRUCache({ max: PLANS_PER_FILTER }), byFilter: new WeakMap() }));
  let plans = filter === undefined ? forSet.unfiltered : forSet.byFilter.get(filter);
  if (!plans) forSet.byFilter.set(filter as Expr, (plans = new LRUCache({ max: PLANS_PER_FILTER })));
  let plan = plans.get(key);
  if (!plan) plans.set(key, (plan = freezePlan(planFresh(def, query, options))));
  return plan;
}

function planFresh(def: EntitySetDefinition, query: ODataQuery, options: PlanOptions): QueryPlan {
  // Pushdown off reads the set's own list: choosing a narrower route is a saving too.
  return options.pushdown ? planWith(def, query, true) : withoutPushdown(planWith(def, query, false));
}

/**
 * Plans made already, per entity set, per filter tree, by the rest of what a plan reads of the query (`$orderby`,
 * `$select`, `$search`), whether pushdown is on and how many refusals were remembered (a refusal withdraws a pushdown
 * for good, so plans made before it are never found again). The same `$filter` text is the same frozen tree
 * (`parseFilterCached`), so a URL asked again (a Power BI refresh, every page of a walk) is planned once: planning
 * with the work around it cost 25–30 µs of an answer's CPU under load (issue #15: CPU per answer page). A plan is
 * the same object for all those requests, frozen (but for the set's own declarations it points to), so no reader
 * can change it for the next. Bounded per filter: the options are the clients'.
 */
const keptPlans = new WeakMap<EntitySetDefinition, { unfiltered: LRUCache<string, QueryPlan>; byFilter: WeakMap<Expr, LRUCache<string, QueryPlan>> }>();
const PLANS_PER_FILTER = 20;

function freezePlan(plan: QueryPlan): QueryPlan {
  for (const values of Object.values(plan.fixedParams)) Object.freeze(values);
  Object.freeze(plan.fixedParams);
  for (const item of plan.order) Object.freeze(item);
  Object.freeze(plan.order);
  Object.freeze(plan.streamConstant);
  for (const conjunct of plan.bbql.conjuncts ?? []) Object.freeze(Object.freeze(conjunct).fields);
  if (plan.bbql.conjuncts) Object.freeze(plan.bbql.conjuncts);
  Object.freeze(plan.bbql);
  if (plan.upstreamSort) Object.freeze(plan.upstreamSort);
  return Object.freeze(plan);
}

/**
 * What a plan takes from its entity set alone, whatever the query: worked out once per set instead of on every
 * request (issue #15: the gateway's CPU per answer page). Entity set definitions are constants (src/entity-sets/).
 */
interface SetConstants {
  /** The route parameters a filter may fix: the list's (or get's), then the get's and, when `narrower`, the narrower lists' others. */
  params: { narrower: RouteParameter[]; own: RouteParameter[] };
  /** Every property's name, in declaration order: what an answer without `$select` needs. */
  propertyNames: string[];
  /** `fields=` when every property is needed (no `$select`, the usual read): the list's and the get's. */
  allFields: { list: string | undefined; get: string | undefined };
}

const setConstants = new WeakMap<EntitySetDefinition, SetConstants>();

function constantsOf(def: EntitySetDefinition): SetConstants {
  let constants = setConstants.get(def);
  if (!constants) {
    const every = new Set(def.properties.map((property) => property.name));
    constants = {
      params: { narrower: routeParams(def, true), own: routeParams(def, false) },
      propertyNames: [...every],
      allFields: { list: fieldsFor(def, every, LIST_PREFIX, LIST_ENVELOPE), get: fieldsFor(def, every, '', []) },
    };
    setConstants.set(def, constants);
  }
  return constants;
}

function routeParams(def: EntitySetDefinition, narrower: boolean): RouteParameter[] {
  const params = def.list?.params ?? def.get?.params ?? [];
  const narrowerParams = narrower ? (def.narrowerLists ?? []).flatMap((route) => route.params) : [];
  return [...params, ...[...(def.get?.params ?? []), ...narrowerParams].filter((p, at, all) => !params.some((q) => q.name === p.name) && all.findIndex((q) => q.name === p.name) === at)];
}

/** A list page's items are under `values`; `next`, `size`, `page` and `pagelen` are the page's own. */
const LIST_PREFIX = 'values.';
const LIST_ENVELOPE = ['next', 'size', 'page', 'pagelen'];

function planWith(def: EntitySetDefinition, query: ODataQuery, narrower: boolean): QueryPlan {
  const constants = constantsOf(def);
  const allParams = narrower ? constants.params.narrower : constants.params.own;
  // Constant parts of the filter are folded first (`1 eq 1` must not keep `q` from being exact); the residual still
  // evaluates the client's filter as written, which selects the same rows.
  const filter = foldConstants(query.filter, edmOf(def));
  const { fixed, consumed } = fixParams(allParams, filter);
  const list = (narrower ? narrowerList(def, fixed) : undefined) ?? def.list;

  const getParams = def.get?.params ?? [];
  const useGet = def.singleton === true || (def.get !== undefined && getParams.every((p) => fixed[p.name]?.length === 1));

  // Conjuncts that fix list route parameters are honoured by the path; the rest may go into `q`.
  const consumedByList = new Set([...consumed].filter((expr) => (list?.params ?? []).some((p) => fixedValues(expr, p.property))));
  const noRows = isConstantFalse(filter);
  // No row passes: nothing is read, and "none" is exactly the answer.
  const bbql = list && !noRows ? toBbql(def, filter, consumedByList) : { exact: true };
  const streamConstant = (list?.params ?? []).map((p) => p.property);

  const { items: order, byUpstreamPosition } = answerOrder(def, query.orderby, list);
  const firstVarying = order.find((item) => !streamConstant.includes(item.property));
  const sortProperty: PropertyDefinition | undefined = firstVarying && def.properties.find((p) => p.name === firstVarying.property);
  const upstreamSort =
    list?.supportsSort && sortProperty?.sort && !sortProperty.nullable && firstVarying && !isRefused(def.name, 'sort', sortProperty.sort)
      ? { property: sortProperty.name, field: sortProperty.sort, direction: firstVarying.direction }
      : undefined;

  const needed = new Set<string>([...def.key, ...order.map((o) => o.property), ...referencedProperties(query.filter)]);
  for (const name of query.select ?? constants.propertyNames) needed.add(name);
  if (query.search) for (const name of def.searchable ?? []) needed.add(name);
  // `fieldsFor` reads only the set's properties in `needed`: with all of them, its answer is the set's own.
  const everyProperty = query.select === undefined || constants.propertyNames.every((name) => needed.has(name));

  return {
    def,
    ...(list ? { list } : {}),
    fixedParams: fixed,
    useGet,
    bbql,
    order,
    byUpstreamPosition,
    streamConstant,
    upstreamSort,
    listFields: list ? (everyProperty ? constants.allFields.list : fieldsFor(def, needed, LIST_PREFIX, LIST_ENVELOPE)) : undefined,
    getFields: def.get ? (everyProperty ? constants.allFields.get : fieldsFor(def, needed, '', [])) : undefined,
    exact: bbql.exact && !query.search,
    noRows,
  };
}

/**
 * The baseline `PUSHDOWN=off` measures against: nothing that narrows or orders what Bitbucket sends (`q`, `sort`,
 * page sizes, early stops). `fields=` stays: it says what each row carries, not which rows come, and Bitbucket's
 * lists leave out some of what an answer needs unless `fields=` names it (a pull request's `participants` and
 * `reviewers`), so dropping it would answer other rows, not measure a saving.
 */
function withoutPushdown(plan: QueryPlan): QueryPlan {
  return { ...plan, bbql: { exact: false }, upstreamSort: undefined, exact: false };
}
