/**
 * Derivations from the EdmModel that both CSDL representations (XML and JSON) need: qualified type names,
 * nullability, facets, navigation types and referential constraints. Written once here so the writers only spell.
 */
import type { EdmType } from '../ast';
import type { EdmAction, EdmEntitySet, EdmModel, EdmNavigationProperty, EdmProperty } from '../edm';
import { DATE_TIME_OFFSET_PRECISION } from '../serialize/format-value';

/** The name of the binding parameter of bound actions (the ODataLib convention; CSDL 4.0 §12.1.3 leaves it free). */
export const BINDING_PARAMETER = 'bindingParameter';

export function qualifiedTypeName(model: EdmModel, typeName: string): string {
  return `${model.namespace}.${typeName}`;
}

/**
 * Temporal precision (CSDL 4.0 §6.2.4): without the facet a DateTimeOffset has precision 0, i.e. no fractional
 * seconds at all. We serialise up to microseconds (Bitbucket's timestamps carry six digits), so say so. ODataLib accepts
 * 0-12; Power Query's datetimezone keeps 100 ns, so six digits arrive intact.
 */
export function precisionOf(type: EdmType): number | undefined {
  return type === 'Edm.DateTimeOffset' || type === 'Edm.TimeOfDay' || type === 'Edm.Duration'
    ? DATE_TIME_OFFSET_PRECISION
    : undefined;
}

/**
 * Decimal scale (CSDL 4.0 §6.2.5): without the facet the scale is 0, which would declare every Edm.Decimal an
 * integer. Our decimals come from JSON numbers of any scale, so declare it variable.
 */
export function scaleOf(type: EdmType): 'variable' | undefined {
  return type === 'Edm.Decimal' ? 'variable' : undefined;
}

/** Key properties are never nullable (CSDL 4.0 §6.5: "key properties MUST NOT be nullable"), whatever the declaration says. */
export function isNullable(set: EdmEntitySet, property: EdmProperty): boolean {
  return property.nullable && !set.key.includes(property.name);
}

/** Entity types in model order, one per type name (two sets may share a type). */
export function entityTypesOf(model: EdmModel): EdmEntitySet[] {
  const seen = new Set<string>();
  return model.entitySets.filter((set) => {
    if (seen.has(set.typeName)) return false;
    seen.add(set.typeName);
    return true;
  });
}

export interface NavigationFacts {
  targetSet: EdmEntitySet;
  /** `Bitbucket.PullRequest` or `Collection(Bitbucket.PullRequest)`. */
  type: string;
  /** Only for single-valued navigation; collection-valued navigation has no Nullable facet. */
  nullable?: boolean;
  /** Dependent property (on this type) → principal property (on the target), in declaration order. */
  referentialConstraints: Array<{ property: string; referencedProperty: string }>;
  /** A sentence describing the join, for collection-valued navigation where no constraint can be declared. */
  joinDescription?: string;
}

/**
 * The EdmModel states constraints as "target property ← source property". CSDL 4.0 §7.2 puts a ReferentialConstraint
 * on the dependent side: Property on the declaring type, ReferencedProperty on the target type, which must be the
 * principal, i.e. single-valued. ODataLib enforces that (ValidationRules.NavigationPropertyPrincipalEndMultiplicity:
 * a principal end of multiplicity `*` is an error), and Power Query runs ODataLib. So a collection-valued navigation
 * (Repository → PullRequests) carries no ReferentialConstraint; its join is described in Core.Description instead.
 * For single-valued navigation the facet Nullable follows the same ODataLib rule: not nullable when no dependent
 * property is nullable, nullable otherwise.
 */
export function navigationFacts(model: EdmModel, set: EdmEntitySet, navigation: EdmNavigationProperty): NavigationFacts {
  const targetSet = model.entitySets.find((candidate) => candidate.name === navigation.target);
  if (targetSet === undefined) {
    throw new Error(`Navigation ${set.typeName}/${navigation.name} targets unknown entity set '${navigation.target}'.`);
  }
  const qualified = qualifiedTypeName(model, targetSet.typeName);
  const pairs = Object.entries(navigation.constraints).map(([targetProperty, sourceProperty]) => ({
    property: sourceProperty,
    referencedProperty: targetProperty,
  }));
  if (navigation.collection) {
    const join = pairs.map((pair) => `${pair.referencedProperty} = ${pair.property}`).join(' and ');
    return {
      targetSet,
      type: `Collection(${qualified})`,
      referentialConstraints: [],
      joinDescription: pairs.length > 0 ? `The ${targetSet.name} whose ${join} of this ${set.typeName}.` : undefined,
    };
  }
  const dependents = pairs.map((pair) => set.properties.find((property) => property.name === pair.property));
  const anyNullable = dependents.some((property) => property === undefined || isNullable(set, property));
  return {
    targetSet,
    type: qualified,
    nullable: pairs.length === 0 || anyNullable,
    referentialConstraints: pairs,
  };
}

/** Actions bound to entity types, deduplicated like the entity types themselves. */
export function boundActionsOf(model: EdmModel): Array<{ set: EdmEntitySet; action: EdmAction }> {
  return entityTypesOf(model).flatMap((set) => set.actions.map((action) => ({ set, action })));
}
