/**
 * The items a list page's `values` hold for an entity set. Usually the values themselves; for a list declaring
 * `rowsFrom` (`PullRequestParticipants` reads the pull request list with `fields=+values.participants`), one item per
 * element of the array at `rowsFrom.path` of each value, with the value it came from under `rowsFrom.parentAs`, so
 * one Bitbucket call for a page of pull requests serves the participants of all of them.
 */
import type { ListRoute } from '../entity-sets/model';

export function listItems(list: Pick<ListRoute, 'rowsFrom'>, values: readonly unknown[]): readonly unknown[] {
  const rowsFrom = list.rowsFrom;
  if (!rowsFrom) return values;
  const segments = rowsFrom.path.split('.');
  const items: unknown[] = [];
  for (const value of values) {
    let elements: unknown = value;
    for (const segment of segments) {
      elements = elements !== null && typeof elements === 'object' && !Array.isArray(elements) ? (elements as Record<string, unknown>)[segment] : undefined;
    }
    if (!Array.isArray(elements)) continue;
    for (const element of elements) {
      if (element !== null && typeof element === 'object' && !Array.isArray(element)) items.push({ ...(element as Record<string, unknown>), [rowsFrom.parentAs]: value });
    }
  }
  return items;
}
