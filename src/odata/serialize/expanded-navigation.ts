/**
 * What the serializer needs to write an expanded navigation property inline (OData 4.01 JSON Format §8.3): the
 * target set and nested `$select`, and each parent's value. The executor of the expansion fills it; the serializer
 * knows nothing of how the values were fetched.
 */
import type { Row } from '../ast';
import type { EdmEntitySet } from '../edm';

export type ExpandedValue =
  /** A single-valued navigation: the related entity, or null when there is none. */
  | { kind: 'entity'; row: Row | null }
  /** A collection-valued navigation: the related entities, and their count when the nested `$count=true` asked. */
  | { kind: 'collection'; rows: readonly Row[]; count?: number };

export interface ExpandedNavigation {
  /** The navigation property's name on the parent, e.g. `Repository`. */
  name: string;
  /** The navigation's target entity set. */
  set: EdmEntitySet;
  /** The nested `$select`; undefined (or `*`) for every property. */
  select?: readonly string[];
  /** The value for one parent row, as the expansion resolved it. */
  valueOf(parent: Row): ExpandedValue;
  /** The entity tag of a related row, when its set has one. */
  etag?: (row: Row) => string | undefined;
}
