/**
 * Context URLs (OData 4.0 JSON Format §10): `{serviceRoot}$metadata#{fragment}` tells a client what a payload
 * describes. Navigation results use their target set's context (`#PullRequests`) because every navigation is bound
 * to an entity set by NavigationPropertyBinding (§10.1); pass the target set.
 */
import type { KeyValues } from '../ast';
import type { EdmEntitySet } from '../edm';
import { keyPredicate } from './key-predicate';

export interface ContextUrlOptions {
  /** `$select` in request order: `#PullRequests(Id,Title)` (§10.9 projected entities). */
  select?: readonly string[];
  /**
   * Expanded navigation properties (§10.9): each as `Name(nested select)`, after the selected properties:
   * `#PullRequests(Id,Repository(Name))`, and `#PullRequests(Repository(*))` when nothing nested is selected: not the
   * empty `Repository()`, which ODataLib's context-URL reader (inside Power Query) fails on (OData/odata.net#2081).
   * A navigation property both selected and expanded is listed once, expanded.
   */
  expand?: ReadonlyArray<{ name: string; select?: readonly string[] }>;
  /** A single entity: `#PullRequests/$entity` (§10.2). Singletons are always `#Me`. */
  singleEntity?: boolean;
  /** An individual property of one entity (§10.14): `#PullRequests(Workspace='w',...)/Title`, `#Me/DisplayName`. */
  property?: { key?: KeyValues; name: string };
}

export function contextUrl(serviceRoot: string, set: EdmEntitySet, options: ContextUrlOptions = {}): string {
  const base = `${serviceRoot}$metadata#${set.name}`;
  if (options.property !== undefined) {
    const key = set.singleton || options.property.key === undefined ? '' : keyPredicate(set, options.property.key);
    return `${base}${key}/${options.property.name}`;
  }
  const expanded = new Set((options.expand ?? []).map((item) => item.name));
  const items = [
    ...(options.select ?? []).filter((name) => !expanded.has(name)),
    ...(options.expand ?? []).map((item) => `${item.name}(${isAll(item.select) ? '*' : (item.select ?? []).join(',')})`),
  ];
  const selectList = items.length > 0 ? `(${items.join(',')})` : '';
  const entity = options.singleEntity === true && !set.singleton ? '/$entity' : '';
  return `${base}${selectList}${entity}`;
}

function isAll(select: readonly string[] | undefined): boolean {
  return select === undefined || select.length === 0 || select.includes('*');
}
