/**
 * Freezes a tree of plain objects and arrays all the way down, and gives it back. For what is kept and handed to
 * request after request (a parsed `$filter`, its folded form): a write to it throws in strict mode (every module is),
 * so no consumer can change what the next request gets.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
