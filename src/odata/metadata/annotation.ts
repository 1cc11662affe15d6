/**
 * A neutral annotation tree: which term, with what typed value. The annotation policy (annotations-for.ts) produces
 * these once; the CSDL XML and CSDL JSON writers each render them, so the two representations cannot drift.
 * (CSDL XML 4.0 §14.3-14.4 constant and dynamic expressions; CSDL JSON 4.01 §14.)
 */

export type AnnotationValue =
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  /** An enum member, qualified by the enum type's alias-qualified name, e.g. `Capabilities.ConformanceLevelType/Intermediate`. */
  | { kind: 'enum'; type: string; member: string }
  | { kind: 'propertyPath'; value: string }
  | { kind: 'navigationPropertyPath'; value: string }
  | { kind: 'collection'; items: AnnotationValue[] }
  | { kind: 'record'; type: string; properties: Array<[string, AnnotationValue]> };

export interface Annotation {
  /** Alias-qualified term name, e.g. `Core.Description`. */
  term: string;
  value: AnnotationValue;
}

export const bool = (value: boolean): AnnotationValue => ({ kind: 'bool', value });
export const str = (value: string): AnnotationValue => ({ kind: 'string', value });
export const enumMember = (type: string, member: string): AnnotationValue => ({ kind: 'enum', type, member });
export const propertyPaths = (names: readonly string[]): AnnotationValue => ({
  kind: 'collection',
  items: names.map((value) => ({ kind: 'propertyPath', value })),
});
export const navigationPropertyPaths = (names: readonly string[]): AnnotationValue => ({
  kind: 'collection',
  items: names.map((value) => ({ kind: 'navigationPropertyPath', value })),
});
export const strings = (values: readonly string[]): AnnotationValue => ({
  kind: 'collection',
  items: values.map((value) => ({ kind: 'string', value })),
});
export const record = (type: string, properties: Array<[string, AnnotationValue]>): AnnotationValue => ({
  kind: 'record',
  type,
  properties,
});
