/**
 * A vocabulary-aware annotation checker (client rule MD-01): every `<Annotation>` of a CSDL XML document must name a
 * term defined in a vocabulary (the OASIS Core and Capabilities files in spec/fixtures/vocabularies/, or a `<Term>`
 * of the document itself), and its value must have the term's type: a String TypeDefinition takes `String=`, an
 * EnumType `EnumMember="Alias.Type/Member"` with members that exist, a complex type a `<Record>` whose properties
 * exist in it (or a base type) and whose values type-check in turn, a collection a `<Collection>` of such items.
 * ODataLib (Power Query, Dataverse) rejects a document whose annotations do not (SAP-samples data-warehouse-cloud-connectors#10).
 * Returns readable problems; an empty list means every annotation type-checks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

type Node = Record<string, unknown>;

interface Vocabulary {
  terms: Map<string, { type: string; appliesTo?: string[] }>;
  typeDefinitions: Map<string, string>;
  enums: Map<string, Set<string>>;
  complex: Map<string, { base?: string; properties: Map<string, string> }>;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (_name, _path, _leaf, isAttribute) => !isAttribute, preserveOrder: false });
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'vocabularies');
export const VOCABULARY_FILES = ['Org.OData.Core.V1.xml', 'Org.OData.Capabilities.V1.xml'];

const list = (node: Node | undefined, name: string): Node[] => ((node?.[name] as Node[] | undefined) ?? []);
const at = (node: Node | undefined, name: string): string | undefined => node?.[`@${name}`] as string | undefined;

function schemasOf(xml: string): Node[] {
  const doc = parser.parse(xml) as Node;
  const edmx = list(doc, 'edmx:Edmx')[0];
  return list(list(edmx, 'edmx:DataServices')[0], 'Schema');
}

function aliasesOf(xml: string): Map<string, string> {
  const doc = parser.parse(xml) as Node;
  const aliases = new Map<string, string>();
  for (const reference of list(list(doc, 'edmx:Edmx')[0], 'edmx:Reference')) {
    for (const include of list(reference, 'edmx:Include')) aliases.set(at(include, 'Alias') ?? (at(include, 'Namespace') as string), at(include, 'Namespace') as string);
  }
  for (const schema of schemasOf(xml)) {
    const namespace = at(schema, 'Namespace') as string;
    aliases.set(namespace, namespace);
    if (at(schema, 'Alias')) aliases.set(at(schema, 'Alias') as string, namespace);
  }
  return aliases;
}

/** `Alias.Name` or `Namespace.Name` → `Namespace.Name`; `Collection(X)` keeps its wrapper. */
function qualify(name: string, aliases: Map<string, string>): string {
  const collection = /^Collection\((.*)\)$/.exec(name);
  if (collection) return `Collection(${qualify(collection[1], aliases)})`;
  const dot = name.lastIndexOf('.');
  const prefix = name.slice(0, dot);
  return `${aliases.get(prefix) ?? prefix}.${name.slice(dot + 1)}`;
}

function addSchemas(into: Vocabulary, xml: string): void {
  const aliases = aliasesOf(xml);
  for (const schema of schemasOf(xml)) {
    const namespace = at(schema, 'Namespace') as string;
    for (const term of list(schema, 'Term')) into.terms.set(`${namespace}.${at(term, 'Name')}`, { type: qualify(at(term, 'Type') as string, aliases), appliesTo: at(term, 'AppliesTo')?.split(/\s+/) });
    for (const definition of list(schema, 'TypeDefinition')) into.typeDefinitions.set(`${namespace}.${at(definition, 'Name')}`, at(definition, 'UnderlyingType') as string);
    for (const enumType of list(schema, 'EnumType')) into.enums.set(`${namespace}.${at(enumType, 'Name')}`, new Set(list(enumType, 'Member').map((member) => at(member, 'Name') as string)));
    for (const complex of list(schema, 'ComplexType')) {
      into.complex.set(`${namespace}.${at(complex, 'Name')}`, {
        base: at(complex, 'BaseType') ? qualify(at(complex, 'BaseType') as string, aliases) : undefined,
        properties: new Map([...list(complex, 'Property'), ...list(complex, 'NavigationProperty')].map((p) => [at(p, 'Name') as string, qualify(at(p, 'Type') as string, aliases)])),
      });
    }
  }
}

export function loadVocabularies(document: string): Vocabulary {
  const vocabulary: Vocabulary = { terms: new Map(), typeDefinitions: new Map(), enums: new Map(), complex: new Map() };
  for (const file of VOCABULARY_FILES) addSchemas(vocabulary, readFileSync(join(FIXTURES, file), 'utf8'));
  addSchemas(vocabulary, document); // terms the document defines itself
  return vocabulary;
}

/** Inline expression attributes and their element forms (CSDL XML §14.4). */
const CONSTANTS = ['Bool', 'String', 'Int', 'Decimal', 'Float', 'Date', 'DateTimeOffset', 'Duration', 'Guid', 'EnumMember', 'PropertyPath', 'NavigationPropertyPath', 'AnnotationPath', 'Path'];

function expressionOf(node: Node): { kind: string; value: unknown } | undefined {
  for (const name of CONSTANTS) {
    if (at(node, name) !== undefined) return { kind: name, value: at(node, name) };
    if (node[name] !== undefined) return { kind: name, value: (node[name] as unknown[])[0] };
  }
  for (const name of ['Record', 'Collection']) if (node[name] !== undefined) return { kind: name, value: (node[name] as Node[])[0] };
  return undefined;
}

function propertiesOf(vocabulary: Vocabulary, type: string): Map<string, string> {
  const complex = vocabulary.complex.get(type);
  if (!complex) return new Map();
  return new Map([...(complex.base ? propertiesOf(vocabulary, complex.base) : new Map<string, string>()), ...complex.properties]);
}

function isDerived(vocabulary: Vocabulary, type: string, from: string): boolean {
  for (let current: string | undefined = type; current; current = vocabulary.complex.get(current)?.base) if (current === from) return true;
  return false;
}

const PRIMITIVE_FORM: Record<string, string[]> = {
  'Edm.Boolean': ['Bool'],
  'Edm.String': ['String'],
  'Edm.Int32': ['Int'],
  'Edm.Int64': ['Int'],
  'Edm.Byte': ['Int'],
  'Edm.Decimal': ['Decimal', 'Int'],
  'Edm.Double': ['Float', 'Int'],
  'Edm.Guid': ['Guid'],
  'Edm.PropertyPath': ['PropertyPath'],
  'Edm.NavigationPropertyPath': ['NavigationPropertyPath'],
  'Edm.AnyPropertyPath': ['PropertyPath', 'NavigationPropertyPath'],
  'Edm.AnnotationPath': ['AnnotationPath'],
  'Edm.ModelElementPath': ['Path', 'PropertyPath', 'NavigationPropertyPath', 'AnnotationPath'],
};

function check(vocabulary: Vocabulary, aliases: Map<string, string>, type: string, expression: { kind: string; value: unknown } | undefined, where: string, problems: string[]): void {
  if (expression === undefined) {
    // A term of type Core.Tag (Edm.Boolean) may be applied without a value: true.
    if (vocabulary.typeDefinitions.get(type) !== 'Edm.Boolean' && type !== 'Edm.Boolean') problems.push(`${where}: no value for a ${type}`);
    return;
  }
  const collection = /^Collection\((.*)\)$/.exec(type);
  if (collection) {
    if (expression.kind !== 'Collection') return void problems.push(`${where}: a ${type} needs <Collection>, not ${expression.kind}`);
    const items = expression.value as Node;
    for (const [kind, values] of Object.entries(items ?? {})) {
      if (kind.startsWith('@') || kind === '#text') continue;
      for (const [index, value] of (values as unknown[]).entries()) check(vocabulary, aliases, collection[1], { kind, value }, `${where}[${index}]`, problems);
    }
    return;
  }
  const underlying = vocabulary.typeDefinitions.get(type);
  if (underlying) return check(vocabulary, aliases, underlying, expression, where, problems);
  const members = vocabulary.enums.get(type);
  if (members) {
    if (expression.kind !== 'EnumMember') return void problems.push(`${where}: the enum ${type} needs EnumMember="Alias.Type/Member", not ${expression.kind}`);
    for (const value of String(expression.value).trim().split(/\s+/)) {
      const [enumType, member] = value.split('/');
      if (qualify(enumType, aliases) !== type || !members.has(member)) problems.push(`${where}: ${value} is not a member of ${type}`);
    }
    return;
  }
  if (vocabulary.complex.has(type)) {
    if (expression.kind !== 'Record') return void problems.push(`${where}: the complex type ${type} needs <Record>, not ${expression.kind}`);
    const record = expression.value as Node;
    const recordType = at(record, 'Type') ? qualify(at(record, 'Type') as string, aliases) : type;
    if (!isDerived(vocabulary, recordType, type)) problems.push(`${where}: Record Type ${recordType} is not ${type} or derived from it`);
    const properties = propertiesOf(vocabulary, recordType);
    for (const value of list(record, 'PropertyValue')) {
      const name = at(value, 'Property') as string;
      const propertyType = properties.get(name);
      if (!propertyType) problems.push(`${where}: ${recordType} has no property ${name}`);
      else check(vocabulary, aliases, propertyType, expressionOf(value), `${where}/${name}`, problems);
    }
    return;
  }
  const forms = PRIMITIVE_FORM[type];
  if (forms && !forms.includes(expression.kind)) problems.push(`${where}: a ${type} needs ${forms.join(' or ')}, not ${expression.kind}`);
  if (!forms && !type.startsWith('Edm.')) problems.push(`${where}: unknown type ${type}`);
}

/** Every annotation of `xml` checked against its term's type (and, when the term says, where it may apply). */
export function checkAnnotations(xml: string): { problems: string[]; checked: number; terms: Set<string> } {
  const vocabulary = loadVocabularies(xml);
  const aliases = aliasesOf(xml);
  const problems: string[] = [];
  let checked = 0;
  const terms = new Set<string>();
  const visit = (node: Node, element: string, where: string): void => {
    for (const annotation of list(node, 'Annotation')) {
      checked += 1;
      const term = qualify(at(annotation, 'Term') as string, aliases);
      terms.add(term);
      const definition = vocabulary.terms.get(term);
      const place = `${where}@${at(annotation, 'Term')}`;
      if (!definition) {
        problems.push(`${place}: no vocabulary defines ${term}`);
        continue;
      }
      if (definition.appliesTo && !definition.appliesTo.includes(element)) problems.push(`${place}: ${term} applies to ${definition.appliesTo.join(', ')}, not ${element}`);
      check(vocabulary, aliases, definition.type, expressionOf(annotation), place, problems);
    }
    for (const [name, value] of Object.entries(node)) {
      if (name.startsWith('@') || name === 'Annotation' || !Array.isArray(value)) continue;
      for (const item of value) if (item && typeof item === 'object') visit(item as Node, name.replace(/^edmx:/, ''), `${where}/${name}${at(item as Node, 'Name') ? `[${at(item as Node, 'Name')}]` : ''}`);
    }
  };
  visit(parser.parse(xml) as Node, 'Document', '');
  return { problems, checked, terms };
}
