/**
 * What a member path in an expression (`Repository/Language eq 'rust'`) gets instead of an answer. The syntax is
 * valid OData (4.01 Part 2 §5.1.1.15 "Member access": a path through a single-valued navigation property reaches
 * the related entity's properties), but this service evaluates filters on the rows of one entity set only, and a
 * wrong answer is worse than none. So:
 * - through a single-valued navigation property: 501, with the two ways to get the answer today;
 * - into a collection-valued one: `Nav/Prop` is not a value at all (it needs any/all, not offered) → 400, except
 *   `Nav/$count`, which is valid 4.01 → 501;
 * - after a structural property: nothing can follow a primitive value → 400;
 * - an unknown first segment: the usual UnknownProperty (400).
 */
import type { EdmEntitySet } from '../edm';
import { ODataError } from '../errors';
import { findProperty } from './find-property';

export function memberPathError(segments: readonly string[], entity: EdmEntitySet): ODataError {
  const [first, ...rest] = segments;
  const written = segments.join('/');
  const tail = rest.join('/');
  const navigation = entity.navigation.find((candidate) => candidate.name === first);
  if (navigation && !navigation.collection) {
    return new ODataError(
      'NotImplemented',
      {
        feature: `Filtering on a property of the related ${first} (${written})`,
        hint:
          `Expand it and filter in the client ($expand=${first}($select=${rest[0]})), or filter ${navigation.target} ` +
          `($filter=${tail} …) and follow its navigation to ${entity.name}.`,
      },
      { target: written },
    );
  }
  if (navigation) {
    if (rest[0] === '$count') {
      return new ODataError(
        'NotImplemented',
        { feature: `Counting the related ${first} in $filter (${written})`, hint: `Expand the count ($expand=${first}($count=true;$top=0)) and compare it in the client.` },
        { target: written },
      );
    }
    return new ODataError(
      'InvalidFilter',
      {
        reason:
          `'${written}': ${first} is a collection of ${navigation.target}, so it has no single ${rest[0]} to compare ` +
          `(OData reaches into collections with any/all, which this service does not offer); filter ${navigation.target} directly`,
      },
      { target: written },
    );
  }
  const property = findProperty(entity, first);
  const navigable = entity.navigation.map((candidate) => candidate.name).join(', ') || 'none';
  return new ODataError(
    'InvalidFilter',
    { reason: `'${written}': ${first} is an ${property.type} value, and a path continues only after a navigation property (here: ${navigable})` },
    { target: written },
  );
}
