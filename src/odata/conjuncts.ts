/**
 * A `$filter` as its top-level `and` conjuncts, and back. OData's `and` is commutative for the rows it selects
 * (OData 4.01 Part 2 §5.1.1.2), so the planner may treat each conjunct on its own (push one, keep another here) and
 * the router may AND constraints the URL implies (a key, a navigation) with the client's filter.
 */
import type { Expr } from './ast';

/** Split a filter into its top-level `and` conjuncts. */
export function conjuncts(expr: Expr | undefined): Expr[] {
  if (!expr) return [];
  return expr.kind === 'and' ? [...conjuncts(expr.left), ...conjuncts(expr.right)] : [expr];
}

/** The inverse of `conjuncts`: join expressions with `and` (undefined ones are skipped; none gives undefined). */
export function allOf(exprs: Array<Expr | undefined>): Expr | undefined {
  return exprs.reduce<Expr | undefined>((acc, expr) => (acc && expr ? { kind: 'and', left: acc, right: expr } : acc ?? expr), undefined);
}

/**
 * `allOf([left, right])` for two frozen trees (a target's implied filter and a kept `$filter`): the same frozen node
 * for the same pair, so that what is kept by a tree further on (the plan, the compiled predicate) is found again when
 * the URL is asked again (issue #15: CPU per answer page). Any other pair is joined anew, as `allOf` does.
 */
export function allOfKept(left: Expr | undefined, right: Expr | undefined): Expr | undefined {
  if (!left || !right || !Object.isFrozen(left) || !Object.isFrozen(right)) return allOf([left, right]);
  let byRight = keptPairs.get(left);
  if (!byRight) keptPairs.set(left, (byRight = new WeakMap()));
  let joined = byRight.get(right);
  if (!joined) byRight.set(right, (joined = Object.freeze<Expr>({ kind: 'and', left, right })));
  return joined;
}

const keptPairs = new WeakMap<Expr, WeakMap<Expr, Expr>>();
