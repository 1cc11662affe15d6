/**
 * A presenter written as data: each member of the presented object, in its order, with the function that computes
 * it from the presenter's inputs. Declared once per schema (no function made per record).
 */
export type Members<I> = Readonly<Record<string, (inputs: I) => unknown>>;

/**
 * The object `members` describes, in their order; with `only`, just the members it names (a list with `q`, `sort` or
 * `fields` reads few members of most records it presents, see `MembersNeeded` in serve-route.ts). Without `only`,
 * the whole object, as a literal of the same members would be.
 */
export function presentMembers<I>(members: Members<I>, inputs: I, only?: ReadonlySet<string>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const key of Object.keys(members)) {
    if (only === undefined || only.has(key)) object[key] = members[key]!(inputs);
  }
  return object;
}
