import type { OrderByItem, Row } from '../odata/ast';
import type { EdmEntitySet } from '../odata/edm';
import { compareRows } from '../odata/evaluate';
import type { QueryPlan } from './plan-query';
import { compareUpstreamPositions } from './upstream-position';

/**
 * Total order comparator and the prefix comparator up to the first item Bitbucket sorts. In an order completed by
 * upstream positions, Bitbucket delivers every stream in the whole order: the prefix is the order itself.
 */
export function comparators(plan: QueryPlan, edm: EdmEntitySet): { full: (a: Row, b: Row) => number; prefix?: (a: Row, b: Row) => number } {
  if (plan.byUpstreamPosition) {
    const byConstants = compareRows(plan.order, [], edm);
    const full = (a: Row, b: Row) => byConstants(a, b) || compareUpstreamPositions(a, b);
    return { full, prefix: full };
  }
  const full = compareRows(plan.order, plan.def.key, edm);
  if (!plan.upstreamSort) return { full };
  const cut = plan.order.findIndex((item) => item.property === plan.upstreamSort?.property);
  const prefixItems: OrderByItem[] = plan.order.slice(0, cut + 1);
  return { full, prefix: compareRows(prefixItems, [], edm) };
}
