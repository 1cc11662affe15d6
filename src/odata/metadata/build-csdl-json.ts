/**
 * `$metadata` as CSDL JSON (OData CSDL JSON Representation 4.01), for clients that ask for
 * `$metadata?$format=json`. Same model, same facts, same annotations as the XML; only the spelling differs.
 * A spec checks that converting our XML with OASIS's own converter (npm `odata-csdl`) yields exactly this document.
 */
import type { EdmType } from '../ast';
import type { EdmAction, EdmEntitySet, EdmModel, EdmProperty } from '../edm';
import { DEFAULT_VERSION, type ODataVersion } from '../version';
import type { Annotation, AnnotationValue } from './annotation';
import {
  actionAnnotations,
  containerAnnotations,
  entitySetAnnotations,
  entityTypeAnnotations,
  navigationAnnotations,
  parameterAnnotations,
  propertyAnnotations,
} from './annotations-for';
import {
  BINDING_PARAMETER,
  entityTypesOf,
  isNullable,
  navigationFacts,
  precisionOf,
  qualifiedTypeName,
  scaleOf,
} from './csdl-facts';
import { DEFAULT_METADATA_ANNOTATIONS, type MetadataAnnotations } from './metadata-annotations-option';
import { GATEWAY_VOCABULARY, REFERENCED_VOCABULARIES } from './vocabularies';

export type CsdlJsonValue = string | number | boolean | null | CsdlJsonValue[] | { [member: string]: CsdlJsonValue };
export type CsdlJsonObject = { [member: string]: CsdlJsonValue };

/** `version`: the OData version the response declares (CSDL JSON `$Version`); the content is the same for both. */
/** `annotations`: the default document uses Core and Capabilities only (MD-02); see metadata-annotations-option.ts. */
export function buildCsdlJson(model: EdmModel, version: ODataVersion = DEFAULT_VERSION, annotations: MetadataAnnotations = DEFAULT_METADATA_ANNOTATIONS): CsdlJsonObject {
  const schema: CsdlJsonObject = {};
  for (const set of entityTypesOf(model)) schema[set.typeName] = entityType(model, set);
  for (const set of entityTypesOf(model)) {
    for (const action of set.actions) {
      // CSDL JSON §12: actions are arrays of overloads, one per binding type.
      const overloads = (schema[action.name] as CsdlJsonValue[] | undefined) ?? [];
      overloads.push(actionOverload(model, set, action));
      schema[action.name] = overloads;
    }
  }
  schema[model.containerName] = entityContainer(model, annotations);

  const references: CsdlJsonObject = {};
  for (const vocabulary of REFERENCED_VOCABULARIES) {
    references[vocabulary.jsonUri] = { $Include: [{ $Namespace: vocabulary.namespace, $Alias: vocabulary.alias }] };
  }
  return {
    $Version: version,
    $Reference: references,
    [model.namespace]: schema,
    ...(annotations.gateway ? { [GATEWAY_VOCABULARY.namespace]: gatewayVocabulary() } : {}),
    $EntityContainer: `${model.namespace}.${model.containerName}`,
  };
}

function entityType(model: EdmModel, set: EdmEntitySet): CsdlJsonObject {
  const type: CsdlJsonObject = { $Kind: 'EntityType', $Key: [...set.key] };
  for (const property of set.properties) type[property.name] = propertyObject(set, property);
  for (const nav of set.navigation) {
    const facts = navigationFacts(model, set, nav);
    const target = qualifiedTypeName(model, facts.targetSet.typeName);
    const navigation: CsdlJsonObject = { $Kind: 'NavigationProperty', $Type: target };
    if (nav.collection) navigation.$Collection = true;
    if (facts.nullable === true) navigation.$Nullable = true;
    if (facts.referentialConstraints.length > 0) {
      const constraints: CsdlJsonObject = {};
      for (const constraint of facts.referentialConstraints) constraints[constraint.property] = constraint.referencedProperty;
      navigation.$ReferentialConstraint = constraints;
    }
    addAnnotations(navigation, navigationAnnotations(facts));
    type[nav.name] = navigation;
  }
  addAnnotations(type, entityTypeAnnotations(set));
  return type;
}

/** CSDL JSON defaults: `$Type` Edm.String, `$Nullable` false; members equal to their default are left out. */
function propertyObject(set: EdmEntitySet, property: EdmProperty): CsdlJsonObject {
  const result = typed(property.type, isNullable(set, property));
  addAnnotations(result, propertyAnnotations(set, property));
  return result;
}

function typed(type: EdmType, nullable: boolean): CsdlJsonObject {
  const result: CsdlJsonObject = {};
  if (type !== 'Edm.String') result.$Type = type;
  if (nullable) result.$Nullable = true;
  const precision = precisionOf(type);
  if (precision !== undefined) result.$Precision = precision;
  // In CSDL JSON an absent $Scale on Edm.Decimal means "variable" (unlike XML, where it means 0), so the XML's
  // Scale="variable" needs no member here.
  if (scaleOf(type) !== 'variable' && type === 'Edm.Decimal') result.$Scale = 0;
  return result;
}

function actionOverload(model: EdmModel, set: EdmEntitySet, action: EdmAction): CsdlJsonObject {
  const entityTypeName = qualifiedTypeName(model, set.typeName);
  const overload: CsdlJsonObject = { $Kind: 'Action', $IsBound: true };
  if (action.returnsEntity) overload.$EntitySetPath = BINDING_PARAMETER;
  overload.$Parameter = [
    { $Name: BINDING_PARAMETER, $Type: entityTypeName },
    ...action.parameters.map((parameter) => {
      const result: CsdlJsonObject = { $Name: parameter.name, ...typed(parameter.type, parameter.nullable) };
      addAnnotations(result, parameterAnnotations(parameter));
      return result;
    }),
  ];
  if (action.returnsEntity) overload.$ReturnType = { $Type: entityTypeName };
  addAnnotations(overload, actionAnnotations(action));
  return overload;
}

function entityContainer(model: EdmModel, annotations: MetadataAnnotations): CsdlJsonObject {
  const container: CsdlJsonObject = { $Kind: 'EntityContainer' };
  for (const set of model.entitySets) {
    const member: CsdlJsonObject = set.singleton
      ? { $Type: qualifiedTypeName(model, set.typeName) }
      : { $Collection: true, $Type: qualifiedTypeName(model, set.typeName) };
    if (set.navigation.length > 0) {
      const bindings: CsdlJsonObject = {};
      for (const nav of set.navigation) bindings[nav.name] = navigationFacts(model, set, nav).targetSet.name;
      member.$NavigationPropertyBinding = bindings;
    }
    addAnnotations(member, entitySetAnnotations(set, annotations));
    container[set.name] = member;
  }
  addAnnotations(container, containerAnnotations());
  return container;
}

function gatewayVocabulary(): CsdlJsonObject {
  const schema: CsdlJsonObject = { $Alias: GATEWAY_VOCABULARY.alias };
  for (const term of GATEWAY_VOCABULARY.terms) {
    const collection = /^Collection\((.*)\)$/.exec(term.type);
    schema[term.name] = {
      $Kind: 'Term',
      ...(collection ? { $Collection: true, $Type: collection[1] ?? term.type } : { $Type: term.type }),
      $AppliesTo: [term.appliesTo],
      '@Core.Description': term.description,
    };
  }
  return schema;
}

function addAnnotations(target: CsdlJsonObject, annotations: Annotation[]): void {
  for (const annotation of annotations) target[`@${annotation.term}`] = jsonValue(annotation.value);
}

/**
 * CSDL JSON 4.01 §14.4: enum members by name, path constants as plain strings. Records leave out their type: it is
 * the declared type of the term (or of the record property), so the type control information is optional.
 */
function jsonValue(value: AnnotationValue): CsdlJsonValue {
  switch (value.kind) {
    case 'bool':
    case 'string':
    case 'int':
      return value.value;
    case 'enum':
      return value.member;
    case 'propertyPath':
    case 'navigationPropertyPath':
      return value.value;
    case 'collection':
      return value.items.map(jsonValue);
    case 'record': {
      const result: CsdlJsonObject = {};
      for (const [name, propertyValue] of value.properties) result[name] = jsonValue(propertyValue);
      return result;
    }
  }
}
