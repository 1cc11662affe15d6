/**
 * Whether any node of a `$filter` tree (the node itself included) passes `test`. The questions asked of a whole tree
 * before it is kept or folded (does it call `now()`, can it fail, does it read a property) differ only in the node
 * they look for; one walk over the AST's shapes serves them all.
 */
import type { Expr } from './ast';

export function someNode(expr: Expr, test: (node: Expr) => boolean): boolean {
  if (test(expr)) return true;
  switch (expr.kind) {
    case 'literal':
    case 'property':
    case 'path':
      return false;
    case 'compare':
    case 'and':
    case 'or':
    case 'arith':
      return someNode(expr.left, test) || someNode(expr.right, test);
    case 'not':
    case 'negate':
      return someNode(expr.operand, test);
    case 'in':
      return someNode(expr.operand, test) || expr.list.some((item) => someNode(item, test));
    case 'call':
      return expr.args.some((arg) => someNode(arg, test));
  }
}

/** A call of `now()`: its value is the request's (OData 4.01 Part 2 §5.1.1.8), so a tree holding one is not the same for every request. */
export function callsNow(node: Expr): boolean {
  return node.kind === 'call' && node.name === 'now';
}
