/**
 * The annotation policy: which vocabulary terms `$metadata` states about each model element, decided once and
 * rendered by both CSDL writers. Reads only the EdmModel (declarations), never names an entity set.
 */
import type { FunctionName } from '../ast';
import { isComputed, type EdmAction, type EdmActionParameter, type EdmEntitySet, type EdmProperty } from '../edm';
import { SUPPORTED_FORMATS } from '../serialize/json-format';
import {
  type Annotation,
  type AnnotationValue,
  bool,
  enumMember,
  propertyPaths,
  record,
  str,
  strings,
} from './annotation';
import type { NavigationFacts } from './csdl-facts';
import { DEFAULT_METADATA_ANNOTATIONS, type MetadataAnnotations } from './metadata-annotations-option';
import { RECORD_TYPES, TERMS } from './vocabularies';

function describe(description: string): Annotation[] {
  return description.trim() === '' ? [] : [{ term: TERMS.description, value: str(description) }];
}

export function entityTypeAnnotations(set: EdmEntitySet): Annotation[] {
  return describe(set.description);
}

/**
 * Core.Computed (a Core.Tag) marks values the server computes: clients must not send them in write bodies.
 * Core.Immutable marks a non-key property given on insert that no update changes (a pull request's source branch);
 * keys are immutable anyway, and the term is defined for non-key properties only.
 */
export function propertyAnnotations(set: EdmEntitySet, property: EdmProperty): Annotation[] {
  const write = property.writable;
  const immutable = write !== undefined && write.onInsert && !write.onUpdate && !set.key.includes(property.name);
  return [
    ...describe(property.description),
    ...(isComputed(property) ? [{ term: TERMS.computed, value: bool(true) }] : []),
    ...(immutable ? [{ term: TERMS.immutable, value: bool(true) }] : []),
  ];
}

export function navigationAnnotations(facts: NavigationFacts): Annotation[] {
  return facts.joinDescription === undefined ? [] : describe(facts.joinDescription);
}

export function actionAnnotations(action: EdmAction): Annotation[] {
  return describe(action.description);
}

export function parameterAnnotations(parameter: EdmActionParameter): Annotation[] {
  return describe(parameter.description);
}

/**
 * Per entity set: Core.Description, a human-readable note on what runs upstream, the Capabilities restrictions
 * (Org.OData.Capabilities.V1) and, on the opt-in document only (MD-02, metadata-annotations-option.ts), our Gateway
 * pushdown terms. Singletons get the description only: the query restrictions apply to collections.
 */
export function entitySetAnnotations(set: EdmEntitySet, annotations: MetadataAnnotations = DEFAULT_METADATA_ANNOTATIONS): Annotation[] {
  if (set.singleton) return describe(set.description);
  const caps = set.capabilities;
  const required = caps.requiredProperties;
  return [
    ...describe(set.description),
    { term: TERMS.longDescription, value: str(pushdownNote(set)) },
    { term: TERMS.countRestrictions, value: record(RECORD_TYPES.countRestrictions, [['Countable', bool(caps.countable)]]) },
    { term: TERMS.topSupported, value: bool(caps.topSupported) },
    { term: TERMS.skipSupported, value: bool(caps.skipSupported) },
    {
      term: TERMS.searchRestrictions,
      value: record(RECORD_TYPES.searchRestrictions, [['Searchable', bool(caps.searchable)]]),
    },
    {
      // Every property is filterable: what Bitbucket cannot evaluate, the gateway evaluates after fetching.
      // RequiredProperties lists only what truly must be fixed; with fan-out over workspaces it is usually none.
      term: TERMS.filterRestrictions,
      value: record(RECORD_TYPES.filterRestrictions, [
        ['Filterable', bool(true)],
        ['RequiresFilter', bool(required.length > 0)],
        ...(required.length > 0 ? [['RequiredProperties', propertyPaths(required)] satisfies [string, AnnotationValue]] : []),
      ]),
    },
    { term: TERMS.sortRestrictions, value: record(RECORD_TYPES.sortRestrictions, [['Sortable', bool(true)]]) },
    {
      // $expand follows one level of navigation (src/http/expand-rows.ts); a nested $expand is refused, so
      // MaxLevels says 1. MaxLevels is a member of Capabilities.ExpandRestrictionsType; it is an integer, not an enum
      // member, so a reader with an older embedded vocabulary has no member to reject (see vocabularies.ts).
      term: TERMS.expandRestrictions,
      value: record(RECORD_TYPES.expandRestrictions, [
        ['Expandable', bool(true)],
        ['MaxLevels', { kind: 'int', value: 1 }],
      ]),
    },
    {
      term: TERMS.insertRestrictions,
      value: record(RECORD_TYPES.insertRestrictions, [['Insertable', bool(caps.insertable)]]),
    },
    {
      term: TERMS.updateRestrictions,
      value: record(RECORD_TYPES.updateRestrictions, [['Updatable', bool(caps.updatable)]]),
    },
    {
      term: TERMS.deleteRestrictions,
      value: record(RECORD_TYPES.deleteRestrictions, [['Deletable', bool(caps.deletable)]]),
    },
    ...(annotations.gateway
      ? [
          { term: TERMS.pushdownFilterable, value: propertyPaths(caps.pushdownFilterable) },
          { term: TERMS.pushdownSortable, value: propertyPaths(caps.pushdownSortable) },
        ]
      : []),
  ];
}

function pushdownNote(set: EdmEntitySet): string {
  const { pushdownFilterable, pushdownSortable } = set.capabilities;
  const filters =
    pushdownFilterable.length > 0
      ? `Filters on ${pushdownFilterable.join(', ')} are evaluated upstream; filters on other properties are evaluated by the gateway after fetching.`
      : 'All filters are evaluated by the gateway after fetching.';
  const sorts =
    pushdownSortable.length > 0
      ? `Sorting by ${pushdownSortable.join(', ')} is done upstream; other sort orders are applied by the gateway.`
      : 'All sort orders are applied by the gateway.';
  return `${filters} ${sorts}`;
}

/**
 * The functions $filter accepts (OData 4.0 URL Conventions §5.1.1.4-5.1.1.9). Typed against FunctionName so a new
 * function in the grammar fails to compile until it is published here too.
 */
const FILTER_FUNCTION_SET: Record<FunctionName, true> = {
  contains: true,
  startswith: true,
  endswith: true,
  tolower: true,
  toupper: true,
  length: true,
  trim: true,
  concat: true,
  indexof: true,
  substring: true,
  year: true,
  month: true,
  day: true,
  hour: true,
  minute: true,
  second: true,
  fractionalseconds: true,
  date: true,
  time: true,
  now: true,
  round: true,
  floor: true,
  ceiling: true,
};

export const FILTER_FUNCTIONS: readonly string[] = Object.keys(FILTER_FUNCTION_SET);

/** Container-level capabilities (Capabilities vocabulary terms that apply to EntityContainer). */
export function containerAnnotations(): Annotation[] {
  return [
    // Intermediate conformance: OData 4.0 Part 1 §13.1.2 ($select, $filter, $orderby, $top, $skip, $count, ...).
    { term: TERMS.conformanceLevel, value: enumMember('Capabilities.ConformanceLevelType', 'Intermediate') },
    { term: TERMS.supportedFormats, value: strings(SUPPORTED_FORMATS) },
    { term: TERMS.asynchronousRequestsSupported, value: bool(false) },
    { term: TERMS.batchSupported, value: bool(false) },
    { term: TERMS.filterFunctions, value: strings(FILTER_FUNCTIONS) },
  ];
}
