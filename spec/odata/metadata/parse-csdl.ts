/**
 * Reads our CSDL XML back (fast-xml-parser) into a small typed view for assertions, so specs check the document a
 * client receives rather than the builder's internals.
 */
import { XMLParser } from 'fast-xml-parser';

export interface XmlNode {
  [name: string]: unknown;
}

const ARRAY_ELEMENTS = new Set([
  'edmx:Reference',
  'edmx:Include',
  'Schema',
  'EntityType',
  'PropertyRef',
  'Property',
  'NavigationProperty',
  'ReferentialConstraint',
  'Action',
  'Parameter',
  'EntitySet',
  'Singleton',
  'NavigationPropertyBinding',
  'Annotation',
  'PropertyValue',
  'Term',
  'String',
  'PropertyPath',
  'NavigationPropertyPath',
]);

export function parseCsdl(xml: string): XmlNode {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    htmlEntities: true,
    isArray: (name) => ARRAY_ELEMENTS.has(name),
  });
  return parser.parse(xml) as XmlNode;
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** Text items of repeated text elements (`<String>a</String><String>b</String>`). */
export function texts(node: XmlNode | undefined, name: string): string[] {
  return children(node, name).map((item) => (typeof item === 'string' ? item : String((item as XmlNode)['#text'] ?? '')));
}

export interface ParsedCsdl {
  root: XmlNode;
  edmx: XmlNode;
  schemas: XmlNode[];
  service: XmlNode;
  container: XmlNode;
}

export function readCsdl(xml: string, namespace: string): ParsedCsdl {
  const root = parseCsdl(xml);
  const edmx = child(root, 'edmx:Edmx');
  const schemas = children(child(edmx, 'edmx:DataServices'), 'Schema');
  const service = schemas.find((schema) => attr(schema, 'Namespace') === namespace);
  const container = child(service, 'EntityContainer');
  if (edmx === undefined || service === undefined || container === undefined) {
    throw new Error('The CSDL lacks edmx:Edmx, the service schema or its EntityContainer.');
  }
  return { root, edmx, schemas, service, container };
}

/** `{term: annotation}` for the annotations directly on a node. */
export function annotationsOf(node: XmlNode | undefined): Map<string, XmlNode> {
  return new Map(children(node, 'Annotation').map((annotation) => [attr(annotation, 'Term') ?? '', annotation]));
}

/** The PropertyValues of an annotation's Record, by property name. */
export function recordOf(annotation: XmlNode | undefined): Map<string, XmlNode> {
  const recordNode = child(annotation, 'Record');
  return new Map(children(recordNode, 'PropertyValue').map((value) => [attr(value, 'Property') ?? '', value]));
}
