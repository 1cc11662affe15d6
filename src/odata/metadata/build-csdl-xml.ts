/**
 * `$metadata` as OData 4.0 CSDL XML (OData CSDL XML Representation 4.01, written in its 4.0 subset: Version="4.0"
 * is what Power Query, Excel and Power Apps read). A response in OData 4.01 says Version="4.01" over the same
 * content: CSDL 4.01 is a superset of 4.0, and the document's version must be the one the response declares. Everything comes from the EdmModel; the annotation policy lives
 * in annotations-for.ts and the derived facts in csdl-facts.ts.
 */
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
import { type XmlElement, renderXmlDocument, xmlElement, xmlText } from './xml-writer';

const EDMX_NS = 'http://docs.oasis-open.org/odata/ns/edmx';
const EDM_NS = 'http://docs.oasis-open.org/odata/ns/edm';

/** `annotations`: the default document uses Core and Capabilities only (MD-02); see metadata-annotations-option.ts. */
export function buildCsdlXml(model: EdmModel, version: ODataVersion = DEFAULT_VERSION, annotations: MetadataAnnotations = DEFAULT_METADATA_ANNOTATIONS): string {
  const references = REFERENCED_VOCABULARIES.map((vocabulary) =>
    xmlElement('edmx:Reference', [['Uri', vocabulary.uri]], [
      xmlElement('edmx:Include', [
        ['Namespace', vocabulary.namespace],
        ['Alias', vocabulary.alias],
      ]),
    ]),
  );
  const serviceSchema = xmlElement('Schema', [['xmlns', EDM_NS], ['Namespace', model.namespace]], [
    ...entityTypesOf(model).map((set) => entityTypeElement(model, set)),
    ...entityTypesOf(model).flatMap((set) => set.actions.map((action) => actionElement(model, set, action))),
    entityContainerElement(model, annotations),
  ]);
  const root = xmlElement('edmx:Edmx', [['xmlns:edmx', EDMX_NS], ['Version', version]], [
    ...references,
    xmlElement('edmx:DataServices', [], [serviceSchema, ...(annotations.gateway ? [gatewayVocabularySchema()] : [])]),
  ]);
  return renderXmlDocument(root);
}

function entityTypeElement(model: EdmModel, set: EdmEntitySet): XmlElement {
  const key = xmlElement('Key', [], set.key.map((name) => xmlElement('PropertyRef', [['Name', name]])));
  const properties = set.properties.map((property) => propertyElement(set, property));
  const navigation = set.navigation.map((nav) => {
    const facts = navigationFacts(model, set, nav);
    return xmlElement(
      'NavigationProperty',
      [
        ['Name', nav.name],
        ['Type', facts.type],
        ['Nullable', facts.nullable === undefined ? undefined : String(facts.nullable)],
      ],
      [
        ...facts.referentialConstraints.map((constraint) =>
          xmlElement('ReferentialConstraint', [
            ['Property', constraint.property],
            ['ReferencedProperty', constraint.referencedProperty],
          ]),
        ),
        ...annotationElements(navigationAnnotations(facts)),
      ],
    );
  });
  return xmlElement('EntityType', [['Name', set.typeName]], [
    key,
    ...properties,
    ...navigation,
    ...annotationElements(entityTypeAnnotations(set)),
  ]);
}

function propertyElement(set: EdmEntitySet, property: EdmProperty): XmlElement {
  const precision = precisionOf(property.type);
  return xmlElement(
    'Property',
    [
      ['Name', property.name],
      ['Type', property.type],
      ['Nullable', String(isNullable(set, property))],
      ['Precision', precision === undefined ? undefined : String(precision)],
      ['Scale', scaleOf(property.type)],
    ],
    annotationElements(propertyAnnotations(set, property)),
  );
}

/** A bound action (CSDL 4.0 §12.1): the first parameter is the binding parameter, typed as the entity type. */
function actionElement(model: EdmModel, set: EdmEntitySet, action: EdmAction): XmlElement {
  const entityType = qualifiedTypeName(model, set.typeName);
  return xmlElement(
    'Action',
    [
      ['Name', action.name],
      ['IsBound', 'true'],
      ['EntitySetPath', action.returnsEntity ? BINDING_PARAMETER : undefined],
    ],
    [
      xmlElement('Parameter', [['Name', BINDING_PARAMETER], ['Type', entityType], ['Nullable', 'false']]),
      ...action.parameters.map((parameter) => {
        const precision = precisionOf(parameter.type);
        return xmlElement(
          'Parameter',
          [
            ['Name', parameter.name],
            ['Type', parameter.type],
            ['Nullable', String(parameter.nullable)],
            ['Precision', precision === undefined ? undefined : String(precision)],
            ['Scale', scaleOf(parameter.type)],
          ],
          annotationElements(parameterAnnotations(parameter)),
        );
      }),
      ...(action.returnsEntity ? [xmlElement('ReturnType', [['Type', entityType], ['Nullable', 'false']])] : []),
      ...annotationElements(actionAnnotations(action)),
    ],
  );
}

function entityContainerElement(model: EdmModel, annotations: MetadataAnnotations): XmlElement {
  const members = model.entitySets.map((set) =>
    xmlElement(
      set.singleton ? 'Singleton' : 'EntitySet',
      [
        ['Name', set.name],
        [set.singleton ? 'Type' : 'EntityType', qualifiedTypeName(model, set.typeName)],
      ],
      [
        // Every navigation is bound to its target set, so clients can build canonical URLs for related entities.
        ...set.navigation.map((nav) =>
          xmlElement('NavigationPropertyBinding', [
            ['Path', nav.name],
            ['Target', navigationFacts(model, set, nav).targetSet.name],
          ]),
        ),
        ...annotationElements(entitySetAnnotations(set, annotations)),
      ],
    ),
  );
  return xmlElement('EntityContainer', [['Name', model.containerName]], [
    ...members,
    ...annotationElements(containerAnnotations()),
  ]);
}

/** Our vocabulary as its own schema (see vocabularies.ts). */
function gatewayVocabularySchema(): XmlElement {
  return xmlElement(
    'Schema',
    [['xmlns', EDM_NS], ['Namespace', GATEWAY_VOCABULARY.namespace], ['Alias', GATEWAY_VOCABULARY.alias]],
    GATEWAY_VOCABULARY.terms.map((term) =>
      xmlElement('Term', [['Name', term.name], ['Type', term.type], ['AppliesTo', term.appliesTo]], [
        ...annotationElements([{ term: 'Core.Description', value: { kind: 'string', value: term.description } }]),
      ]),
    ),
  );
}

function annotationElements(annotations: Annotation[]): XmlElement[] {
  return annotations.map((annotation) => {
    const inline = inlineAttribute(annotation.value);
    return inline === undefined
      ? xmlElement('Annotation', [['Term', annotation.term]], [valueElement(annotation.value)])
      : xmlElement('Annotation', [['Term', annotation.term], inline]);
  });
}

/** Constant expressions go in attribute notation (CSDL 4.0 §14.4), structured ones in element notation. */
function inlineAttribute(value: AnnotationValue): readonly [string, string] | undefined {
  switch (value.kind) {
    case 'bool':
      return ['Bool', String(value.value)];
    case 'string':
      return ['String', value.value];
    case 'int':
      return ['Int', String(value.value)];
    case 'enum':
      return ['EnumMember', `${value.type}/${value.member}`];
    case 'propertyPath':
      return ['PropertyPath', value.value];
    case 'navigationPropertyPath':
      return ['NavigationPropertyPath', value.value];
    default:
      return undefined;
  }
}

function valueElement(value: AnnotationValue): XmlElement {
  switch (value.kind) {
    case 'bool':
      return xmlText('Bool', String(value.value));
    case 'string':
      return xmlText('String', value.value);
    case 'int':
      return xmlText('Int', String(value.value));
    case 'enum':
      return xmlText('EnumMember', `${value.type}/${value.member}`);
    case 'propertyPath':
      return xmlText('PropertyPath', value.value);
    case 'navigationPropertyPath':
      return xmlText('NavigationPropertyPath', value.value);
    case 'collection':
      return xmlElement('Collection', [], value.items.map(valueElement));
    case 'record':
      return xmlElement(
        'Record',
        [['Type', value.type]],
        value.properties.map(([name, propertyValue]) => {
          const inline = inlineAttribute(propertyValue);
          return inline === undefined
            ? xmlElement('PropertyValue', [['Property', name]], [valueElement(propertyValue)])
            : xmlElement('PropertyValue', [['Property', name], inline]);
        }),
      );
  }
}
