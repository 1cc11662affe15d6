/**
 * A query plan told as data a person can read: what goes to Bitbucket (route, path, `q`, `sort`, `fields`) and what
 * the gateway does itself. The `X-Upstream-Plan` header (src/http/upstream-plan-header.ts) carries it, and the web
 * console (console/) puts it into words. It holds what the query says and the route templates, never a credential.
 */
import type { ODataQuery } from '../odata/ast';
import type { QueryPlan } from './plan-query';

export interface PlanDescription {
  entitySet: string;
  /** Bitbucket's list route, or its single-entity route when every parameter is fixed to one value. */
  route: 'list' | 'get';
  /** The route template with the parameters the query fixes to one value filled in, e.g. `/repositories/acme-dev/{repo_slug}/pullrequests`. */
  path: string;
  /** Route parameters the query fixes, with their values (several values: one stream each). */
  fixed: Record<string, string[]>;
  /** Route parameters left open: read over every value the caller can see (a fan-out). */
  fanOut: string[];
  /** BBQL sent as `q=`, when any part of the filter could be pushed. */
  q?: string;
  /** Whether `q` selects exactly the answer's rows (false: it only narrows, the filter decides here). */
  qExact: boolean;
  /** `sort=` sent to Bitbucket, e.g. `-created_on`. */
  sort?: string;
  /** `fields=` sent to Bitbucket; absent: Bitbucket's default representation. */
  fields?: string;
  /** What the gateway does itself, in words. */
  evaluatedHere: string[];
}

/** Fills `{name}` of a route template with a fixed value (encoded as a path segment), leaving open ones as they are. */
function fillPath(template: string, fixed: Record<string, string[]>): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const values = fixed[name];
    return values && values.length === 1 ? encodeURIComponent(values[0] as string) : whole;
  });
}

export function describePlan(plan: QueryPlan, query: ODataQuery): PlanDescription {
  const def = plan.def;
  const route = plan.useGet || !plan.list ? 'get' : 'list';
  const routeDef = route === 'get' ? def.get : plan.list;
  const params = routeDef?.params ?? [];
  const here: string[] = [];
  if (query.filter !== undefined) {
    const sentSomething = plan.bbql.q !== undefined || Object.keys(plan.fixedParams).length > 0;
    if (plan.exact) here.push('$filter: checked again on every row (what went to Bitbucket selects exactly these rows)');
    else if (!sentSomething) here.push('$filter: all of it, here (no part of it could be sent to Bitbucket)');
    else here.push('$filter: decided here on every row (what went to Bitbucket only narrows)');
  }
  if (query.search !== undefined) here.push(`$search '${query.search}'`);
  const sort = plan.upstreamSort ? `${plan.upstreamSort.direction === 'desc' ? '-' : ''}${plan.upstreamSort.field}` : undefined;
  if (query.orderby.length > 0) {
    here.push(sort ? `$orderby: Bitbucket sorts by ${sort} within each stream; ties, the rest of the order and the merge across streams here` : '$orderby: sorted here');
  }
  if (query.skip !== undefined || query.top !== undefined) {
    here.push(`${[query.skip !== undefined ? `$skip=${query.skip}` : '', query.top !== undefined ? `$top=${query.top}` : ''].filter(Boolean).join(' and ')}: counted here (reading stops early when the order allows)`);
  }
  if (query.select !== undefined) here.push(`$select: the columns ${query.select.join(', ')}`);
  const fields = route === 'get' ? plan.getFields : plan.listFields;
  return {
    entitySet: def.name,
    route,
    path: fillPath(routeDef?.path ?? '', plan.fixedParams),
    fixed: plan.fixedParams,
    fanOut: params.filter((param) => plan.fixedParams[param.name] === undefined).map((param) => param.name),
    ...(plan.bbql.q !== undefined ? { q: plan.bbql.q } : {}),
    qExact: plan.bbql.q !== undefined && plan.exact,
    ...(sort !== undefined ? { sort } : {}),
    ...(fields !== undefined ? { fields } : {}),
    evaluatedHere: here,
  };
}
