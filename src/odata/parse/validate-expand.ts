/**
 * Checks a parsed `$expand` against the model before anything runs: each item names a navigation property of the
 * entity set (400 UnknownNavigationProperty listing those that exist), its nested options name properties of the
 * target and type-check as a query on it (the same checks as a top-level query), and a single-valued navigation
 * takes only `$select` (OData 4.01 Part 2 §5.1.3: the collection options apply to collection-valued ones).
 */
import type { ExpandItem } from '../ast';
import { findEntitySet, type EdmEntitySet, type EdmModel, type EdmNavigationProperty } from '../edm';
import { ODataError } from '../errors';
import { collectionOptionsGiven } from './collection-options';
import { validateQuery } from '../evaluate';

export interface ResolvedExpansion {
  item: ExpandItem;
  navigation: EdmNavigationProperty;
  target: EdmEntitySet;
}

export function validateExpand(expand: readonly ExpandItem[], set: EdmEntitySet, model: EdmModel): ResolvedExpansion[] {
  return expand.map((item) => {
    const navigation = set.navigation.find((candidate) => candidate.name === item.navigation);
    if (!navigation) {
      throw new ODataError(
        'UnknownNavigationProperty',
        { navigation: item.navigation, type: set.typeName, available: set.navigation.map((candidate) => candidate.name).join(', ') || 'none' },
        { target: item.navigation },
      );
    }
    const target = findEntitySet(model, navigation.target);
    if (!target) throw new Error(`Navigation target ${navigation.target} of ${set.typeName}.${navigation.name} is not in the model.`);
    const { options } = item;
    if (!navigation.collection) {
      const given = collectionOptionsGiven(options);
      if (given.length > 0) {
        throw new ODataError('InvalidExpand', { reason: `${navigation.name} is a single entity, so ${given.join(', ')} cannot apply inside it; only $select can` }, { target: navigation.name });
      }
    }
    validateQuery({ ...options }, target);
    return { item, navigation, target };
  });
}
