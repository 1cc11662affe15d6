/**
 * The entity data model as the OData layer sees it: types, keys, navigation and capabilities, and nothing about
 * where the data comes from. `src/entity-sets/to-edm-model.ts` derives it from the entity-set declarations.
 */
import type { EdmType } from './ast';

export interface EdmProperty {
  name: string;
  type: EdmType;
  nullable: boolean;
  description: string;
  /**
   * How clients may write the property. Absent: the server computes it (Core.Computed) and write bodies that carry
   * it are refused.
   */
  writable?: EdmPropertyWrite;
}

export interface EdmPropertyWrite {
  /** May be given when creating (POST). */
  onInsert: boolean;
  /** May be changed later (PATCH/PUT); insert-only properties are Core.Immutable. */
  onUpdate: boolean;
  /** Must be given when creating. */
  requiredOnInsert: boolean;
  /** The only values a write accepts, when the server restricts them. */
  allowedValues?: readonly string[];
}

/** A property no client can write: the server computes it. */
export function isComputed(property: Pick<EdmProperty, 'writable'>): boolean {
  return property.writable === undefined;
}

export interface EdmNavigationProperty {
  name: string;
  /** Target entity set name. */
  target: string;
  collection: boolean;
  /** Target property ← source property (referential constraints). */
  constraints: Record<string, string>;
}

export interface EdmActionParameter {
  name: string;
  type: EdmType;
  nullable: boolean;
  description: string;
  /** The only values the action accepts, when restricted (a merge strategy). */
  allowedValues?: readonly string[];
}

/** A bound action such as `Bitbucket.Merge` on a PullRequest. */
export interface EdmAction {
  name: string;
  description: string;
  parameters: EdmActionParameter[];
  /** True when the action returns the updated entity. */
  returnsEntity: boolean;
}

export interface EdmCapabilities {
  countable: boolean;
  topSupported: boolean;
  skipSupported: boolean;
  searchable: boolean;
  insertable: boolean;
  updatable: boolean;
  deletable: boolean;
  /** Properties that must be fixed (by key or `eq`) for a query to run, e.g. none when fan-out covers them. */
  requiredProperties: string[];
  /** Properties whose filters Bitbucket evaluates upstream (published for clients that care about speed). */
  pushdownFilterable: string[];
  /** Properties whose order Bitbucket can produce upstream. */
  pushdownSortable: string[];
}

export interface EdmEntitySet {
  /** Entity set (or singleton) name, e.g. `PullRequests`, `Me`. */
  name: string;
  /** Entity type name, e.g. `PullRequest`. */
  typeName: string;
  description: string;
  key: string[];
  properties: EdmProperty[];
  navigation: EdmNavigationProperty[];
  singleton: boolean;
  capabilities: EdmCapabilities;
  actions: EdmAction[];
}

export interface EdmModel {
  /** Schema namespace, e.g. `Bitbucket`; bound actions are addressed as `Bitbucket.Merge`. */
  namespace: string;
  containerName: string;
  entitySets: EdmEntitySet[];
}

/** Find an entity set or singleton by its exact name. */
export function findEntitySet(model: EdmModel, name: string): EdmEntitySet | undefined {
  return model.entitySets.find((set) => set.name === name);
}
