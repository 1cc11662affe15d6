/**
 * A structural validator for the CSDL rules that matter to our clients, applied to the XML a client receives:
 * types resolve, keys are non-nullable, bindings target existing sets of the right type, referential constraints
 * obey ODataLib's rules (Power Query runs ODataLib), and every annotation uses a term, record type, record member
 * and enum member spelled as in the OASIS vocabularies. Returns readable problems; an empty list means valid.
 */
import { annotationsOf, attr, child, children, readCsdl, type XmlNode } from './parse-csdl';

/** Primitive and abstract types of CSDL 4.0 §4.4 that may appear in a Type attribute. */
const EDM_TYPES = new Set([
  'Edm.Binary', 'Edm.Boolean', 'Edm.Byte', 'Edm.Date', 'Edm.DateTimeOffset', 'Edm.Decimal', 'Edm.Double',
  'Edm.Duration', 'Edm.Guid', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.SByte', 'Edm.Single', 'Edm.Stream',
  'Edm.String', 'Edm.TimeOfDay', 'Edm.PropertyPath', 'Edm.NavigationPropertyPath', 'Edm.AnnotationPath',
]);

const TEMPORAL_TYPES = new Set(['Edm.DateTimeOffset', 'Edm.TimeOfDay', 'Edm.Duration']);

type TermShape =
  | { kind: 'Bool' | 'String' }
  | { kind: 'Collection'; item: 'String' | 'PropertyPath' }
  | { kind: 'Record'; type: string; members: readonly string[] }
  | { kind: 'Enum'; type: string; members: readonly string[] };

interface KnownTerm {
  shape: TermShape;
  /** Where the term may be applied (Capabilities vocabulary AppliesTo), as element names. */
  appliesTo: readonly string[];
}

/** Transcribed from Org.OData.Core.V1 and Org.OData.Capabilities.V1 (terms and members that ODataLib 7 knows). */
const VOCABULARY: Record<string, KnownTerm> = {
  'Core.Description': { shape: { kind: 'String' }, appliesTo: ['*'] },
  'Core.LongDescription': { shape: { kind: 'String' }, appliesTo: ['*'] },
  'Core.Computed': { shape: { kind: 'Bool' }, appliesTo: ['Property'] },
  'Core.Immutable': { shape: { kind: 'Bool' }, appliesTo: ['Property'] },
  'Capabilities.CountRestrictions': {
    shape: { kind: 'Record', type: 'Capabilities.CountRestrictionsType', members: ['Countable', 'NonCountableProperties', 'NonCountableNavigationProperties'] },
    appliesTo: ['EntitySet'],
  },
  'Capabilities.TopSupported': { shape: { kind: 'Bool' }, appliesTo: ['EntitySet'] },
  'Capabilities.SkipSupported': { shape: { kind: 'Bool' }, appliesTo: ['EntitySet'] },
  'Capabilities.SearchRestrictions': {
    shape: { kind: 'Record', type: 'Capabilities.SearchRestrictionsType', members: ['Searchable', 'UnsupportedExpressions'] },
    appliesTo: ['EntitySet'],
  },
  'Capabilities.FilterRestrictions': {
    shape: {
      kind: 'Record',
      type: 'Capabilities.FilterRestrictionsType',
      members: ['Filterable', 'RequiresFilter', 'RequiredProperties', 'NonFilterableProperties', 'FilterExpressionRestrictions', 'MaxLevels'],
    },
    appliesTo: ['EntitySet'],
  },
  'Capabilities.SortRestrictions': {
    shape: {
      kind: 'Record',
      type: 'Capabilities.SortRestrictionsType',
      members: ['Sortable', 'AscendingOnlyProperties', 'DescendingOnlyProperties', 'NonSortableProperties'],
    },
    appliesTo: ['EntitySet'],
  },
  'Capabilities.ExpandRestrictions': {
    shape: { kind: 'Record', type: 'Capabilities.ExpandRestrictionsType', members: ['Expandable', 'NonExpandableProperties', 'MaxLevels'] },
    appliesTo: ['EntitySet'],
  },
  'Capabilities.InsertRestrictions': {
    shape: { kind: 'Record', type: 'Capabilities.InsertRestrictionsType', members: ['Insertable', 'NonInsertableNavigationProperties'] },
    appliesTo: ['EntitySet'],
  },
  'Capabilities.UpdateRestrictions': {
    shape: { kind: 'Record', type: 'Capabilities.UpdateRestrictionsType', members: ['Updatable', 'NonUpdatableNavigationProperties'] },
    appliesTo: ['EntitySet'],
  },
  'Capabilities.DeleteRestrictions': {
    shape: { kind: 'Record', type: 'Capabilities.DeleteRestrictionsType', members: ['Deletable', 'NonDeletableNavigationProperties'] },
    appliesTo: ['EntitySet'],
  },
  'Capabilities.ConformanceLevel': {
    shape: { kind: 'Enum', type: 'Capabilities.ConformanceLevelType', members: ['Minimal', 'Intermediate', 'Advanced'] },
    appliesTo: ['EntityContainer'],
  },
  'Capabilities.SupportedFormats': { shape: { kind: 'Collection', item: 'String' }, appliesTo: ['EntityContainer'] },
  'Capabilities.AsynchronousRequestsSupported': { shape: { kind: 'Bool' }, appliesTo: ['EntityContainer'] },
  'Capabilities.BatchSupported': { shape: { kind: 'Bool' }, appliesTo: ['EntityContainer'] },
  'Capabilities.FilterFunctions': { shape: { kind: 'Collection', item: 'String' }, appliesTo: ['EntityContainer'] },
};

const SIMPLE_IDENTIFIER = /^[_\p{L}][_\p{L}\p{Nd}]{0,127}$/u;

export function csdlProblems(xml: string, namespace: string): string[] {
  const problems: string[] = [];
  const { edmx, schemas, service, container } = readCsdl(xml, namespace);

  if (attr(edmx, 'Version') !== '4.0') problems.push(`edmx:Edmx Version is ${attr(edmx, 'Version')}, expected 4.0`);
  const aliases = new Map<string, string>();
  for (const reference of children(edmx, 'edmx:Reference')) {
    for (const include of children(reference, 'edmx:Include')) aliases.set(attr(include, 'Alias') ?? '', attr(include, 'Namespace') ?? '');
  }
  const localTerms = new Map<string, XmlNode>();
  for (const schema of schemas) {
    const qualifier = attr(schema, 'Alias') ?? attr(schema, 'Namespace') ?? '';
    for (const term of children(schema, 'Term')) localTerms.set(`${qualifier}.${attr(term, 'Name')}`, term);
  }

  const entityTypes = new Map(children(service, 'EntityType').map((type) => [`${namespace}.${attr(type, 'Name')}`, type]));
  const resolves = (type: string | undefined): boolean => {
    if (type === undefined) return false;
    const inner = /^Collection\((.*)\)$/.exec(type)?.[1] ?? type;
    return EDM_TYPES.has(inner) || entityTypes.has(inner);
  };
  const propertiesOf = (type: XmlNode | undefined) =>
    new Map(children(type, 'Property').map((property) => [attr(property, 'Name') ?? '', property]));

  for (const [qualified, type] of entityTypes) {
    const properties = propertiesOf(type);
    const memberNames = [...children(type, 'Property'), ...children(type, 'NavigationProperty')].map((member) => attr(member, 'Name') ?? '');
    for (const name of memberNames) if (!SIMPLE_IDENTIFIER.test(name)) problems.push(`${qualified}: '${name}' is not a SimpleIdentifier`);
    if (new Set(memberNames).size !== memberNames.length) problems.push(`${qualified}: duplicate member names`);

    const keyRefs = children(child(type, 'Key'), 'PropertyRef');
    if (keyRefs.length === 0) problems.push(`${qualified}: no key`);
    for (const ref of keyRefs) {
      const property = properties.get(attr(ref, 'Name') ?? '');
      if (property === undefined) problems.push(`${qualified}: key ${attr(ref, 'Name')} is not a property`);
      else if (attr(property, 'Nullable') !== 'false') problems.push(`${qualified}: key ${attr(ref, 'Name')} is nullable`);
    }
    for (const property of properties.values()) {
      const propertyType = attr(property, 'Type');
      if (!resolves(propertyType)) problems.push(`${qualified}/${attr(property, 'Name')}: type ${propertyType} does not resolve`);
      const precision = attr(property, 'Precision');
      if (precision !== undefined && (!TEMPORAL_TYPES.has(propertyType ?? '') || Number(precision) > 12)) {
        problems.push(`${qualified}/${attr(property, 'Name')}: Precision ${precision} on ${propertyType}`);
      }
      problems.push(...annotationProblems(property, 'Property', `${qualified}/${attr(property, 'Name')}`, aliases, localTerms));
    }
    for (const nav of children(type, 'NavigationProperty')) {
      const where = `${qualified}/${attr(nav, 'Name')}`;
      const navType = attr(nav, 'Type') ?? '';
      const targetName = /^Collection\((.*)\)$/.exec(navType)?.[1] ?? navType;
      const target = entityTypes.get(targetName);
      if (target === undefined) problems.push(`${where}: target type ${navType} is not an entity type`);
      const constraints = children(nav, 'ReferentialConstraint');
      if (navType.startsWith('Collection(') && constraints.length > 0) {
        problems.push(`${where}: ReferentialConstraint on a collection-valued navigation (ODataLib: principal end '*')`);
      }
      const dependents: XmlNode[] = [];
      for (const constraint of constraints) {
        const dependent = properties.get(attr(constraint, 'Property') ?? '');
        const principal = propertiesOf(target).get(attr(constraint, 'ReferencedProperty') ?? '');
        if (dependent === undefined || principal === undefined) {
          problems.push(`${where}: constraint ${attr(constraint, 'Property')} → ${attr(constraint, 'ReferencedProperty')} names a missing property`);
          continue;
        }
        if (attr(dependent, 'Type') !== attr(principal, 'Type')) problems.push(`${where}: constraint types differ`);
        dependents.push(dependent);
      }
      if (dependents.length > 0) {
        const nullable = attr(nav, 'Nullable') !== 'false';
        const allNullable = dependents.every((dependent) => attr(dependent, 'Nullable') !== 'false');
        const noneNullable = dependents.every((dependent) => attr(dependent, 'Nullable') === 'false');
        if (allNullable && !nullable) problems.push(`${where}: all dependent properties nullable but navigation not nullable`);
        if (noneNullable && nullable) problems.push(`${where}: no dependent property nullable but navigation nullable`);
      }
    }
    problems.push(...annotationProblems(type, 'EntityType', qualified, aliases, localTerms));
  }

  for (const action of children(service, 'Action')) {
    const where = `Action ${attr(action, 'Name')}`;
    const parameters = children(action, 'Parameter');
    if (attr(action, 'IsBound') === 'true') {
      const binding = parameters[0];
      if (binding === undefined || !entityTypes.has(attr(binding, 'Type') ?? '')) problems.push(`${where}: binding parameter is not an entity type`);
      const path = attr(action, 'EntitySetPath');
      if (path !== undefined && path.split('/')[0] !== attr(binding, 'Name')) problems.push(`${where}: EntitySetPath does not start at the binding parameter`);
    }
    for (const parameter of parameters) if (!resolves(attr(parameter, 'Type'))) problems.push(`${where}: parameter type ${attr(parameter, 'Type')}`);
    const returnType = child(action, 'ReturnType');
    if (returnType !== undefined && !resolves(attr(returnType, 'Type'))) problems.push(`${where}: return type does not resolve`);
  }

  const members = new Map<string, { node: XmlNode; type: string; kind: string }>();
  for (const set of children(container, 'EntitySet')) {
    members.set(attr(set, 'Name') ?? '', { node: set, type: attr(set, 'EntityType') ?? '', kind: 'EntitySet' });
  }
  for (const singleton of children(container, 'Singleton')) {
    members.set(attr(singleton, 'Name') ?? '', { node: singleton, type: attr(singleton, 'Type') ?? '', kind: 'Singleton' });
  }
  for (const [name, { node, type, kind }] of members) {
    const entityType = entityTypes.get(type);
    if (entityType === undefined) problems.push(`${name}: type ${type} is not an entity type`);
    for (const binding of children(node, 'NavigationPropertyBinding')) {
      const nav = children(entityType, 'NavigationProperty').find((candidate) => attr(candidate, 'Name') === attr(binding, 'Path'));
      const target = members.get(attr(binding, 'Target') ?? '');
      if (nav === undefined) problems.push(`${name}: binding path ${attr(binding, 'Path')} is not a navigation property`);
      if (target === undefined) problems.push(`${name}: binding target ${attr(binding, 'Target')} does not exist`);
      else if (nav !== undefined && !(attr(nav, 'Type') ?? '').includes(target.type)) {
        problems.push(`${name}: binding ${attr(binding, 'Path')} targets ${attr(binding, 'Target')} of another type`);
      }
    }
    problems.push(...annotationProblems(node, kind, name, aliases, localTerms));
  }
  problems.push(...annotationProblems(container, 'EntityContainer', 'EntityContainer', aliases, localTerms));
  return problems;
}

function annotationProblems(
  node: XmlNode,
  kind: string,
  where: string,
  aliases: Map<string, string>,
  localTerms: Map<string, XmlNode>,
): string[] {
  const problems: string[] = [];
  for (const [term, annotation] of annotationsOf(node)) {
    const alias = term.split('.')[0] ?? '';
    const local = localTerms.get(term);
    if (local !== undefined) {
      if (attr(local, 'AppliesTo') !== undefined && !(attr(local, 'AppliesTo') ?? '').split(' ').includes(kind)) {
        problems.push(`${where}: ${term} does not apply to ${kind}`);
      }
      continue;
    }
    if (!aliases.has(alias)) {
      problems.push(`${where}: ${term} uses alias '${alias}' that no edmx:Include declares`);
      continue;
    }
    const known = VOCABULARY[term];
    if (known === undefined) {
      problems.push(`${where}: unknown term ${term}`);
      continue;
    }
    if (!known.appliesTo.includes('*') && !known.appliesTo.includes(kind)) problems.push(`${where}: ${term} does not apply to ${kind}`);
    const shape = known.shape;
    switch (shape.kind) {
      case 'Bool':
        if (!['true', 'false'].includes(attr(annotation, 'Bool') ?? '')) problems.push(`${where}: ${term} needs Bool`);
        break;
      case 'String':
        if (attr(annotation, 'String') === undefined) problems.push(`${where}: ${term} needs String`);
        break;
      case 'Collection':
        if (child(annotation, 'Collection') === undefined) problems.push(`${where}: ${term} needs a Collection`);
        break;
      case 'Enum': {
        const [type, member] = (attr(annotation, 'EnumMember') ?? '').split('/');
        if (type !== shape.type || !shape.members.includes(member ?? '')) problems.push(`${where}: ${term} enum member ${attr(annotation, 'EnumMember')}`);
        break;
      }
      case 'Record': {
        const recordNode = child(annotation, 'Record');
        if (recordNode === undefined) {
          problems.push(`${where}: ${term} needs a Record`);
          break;
        }
        if (attr(recordNode, 'Type') !== shape.type) problems.push(`${where}: ${term} record type ${attr(recordNode, 'Type')}`);
        for (const value of children(recordNode, 'PropertyValue')) {
          if (!shape.members.includes(attr(value, 'Property') ?? '')) problems.push(`${where}: ${term} has no member ${attr(value, 'Property')}`);
        }
        break;
      }
    }
  }
  return problems;
}
