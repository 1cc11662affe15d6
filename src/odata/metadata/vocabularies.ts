/**
 * The vocabularies `$metadata` references, and the one small vocabulary of our own.
 *
 * Term and type names follow the OASIS vocabularies (Org.OData.Core.V1, Org.OData.Capabilities.V1). Only terms and
 * record members that already existed when ODataLib 7 (the reader inside Power Query / Power BI / Excel) embedded
 * its copies are used: ODataLib resolves these aliases against its embedded copy and rejects unknown enum members
 * (e.g. "InvalidEnumMemberPath" reported against Datasphere's $metadata, SAP-samples/data-warehouse-cloud-connectors#10).
 */

export interface VocabularyReference {
  /** The standard URI of the vocabulary's CSDL XML document (the OASIS TC's published location). */
  uri: string;
  /** The same vocabulary as CSDL JSON, referenced from CSDL JSON documents (as OASIS's own xml2json converter does). */
  jsonUri: string;
  namespace: string;
  alias: string;
}

export const CORE_VOCABULARY: VocabularyReference = {
  uri: 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml',
  jsonUri: 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.json',
  namespace: 'Org.OData.Core.V1',
  alias: 'Core',
};

export const CAPABILITIES_VOCABULARY: VocabularyReference = {
  uri: 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml',
  jsonUri: 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.json',
  namespace: 'Org.OData.Capabilities.V1',
  alias: 'Capabilities',
};

export const REFERENCED_VOCABULARIES: readonly VocabularyReference[] = [CORE_VOCABULARY, CAPABILITIES_VOCABULARY];

/**
 * Our own vocabulary, declared inline as a second schema of the same `$metadata` document so the document stays
 * self-contained and valid (CSDL 4.0 §14.1: a term must be declared in a schema the document defines or references).
 * It publishes which filters and sort orders the upstream evaluates itself: a client that cares about speed can
 * prefer those; everything else still works, evaluated by the gateway after fetching.
 *
 * Only on the opt-in document (`$metadata?annotations=gateway`, metadata-annotations-option.ts): the default one
 * uses Core and Capabilities alone (client rule MD-02), since ODataLib readers (Power Query, Dataverse) resolve
 * vocabularies against embedded copies and private vocabularies have broken them (SAP-samples/
 * data-warehouse-cloud-connectors#10 and #12). The default document still says the same in words
 * (Core.LongDescription).
 */
export const GATEWAY_VOCABULARY = {
  namespace: 'ODataGateway.V1',
  alias: 'Gateway',
  terms: [
    {
      name: 'PushdownFilterable',
      type: 'Collection(Edm.PropertyPath)',
      appliesTo: 'EntitySet',
      description:
        'Properties whose comparisons the upstream service evaluates itself; filters on other properties are evaluated by the gateway after fetching, which reads more upstream pages.',
    },
    {
      name: 'PushdownSortable',
      type: 'Collection(Edm.PropertyPath)',
      appliesTo: 'EntitySet',
      description:
        'Properties the upstream service can sort by itself; other sort orders are applied by the gateway after fetching all matching rows.',
    },
  ],
} as const;

/** Qualified term names (by alias), spelled once. */
export const TERMS = {
  description: 'Core.Description',
  longDescription: 'Core.LongDescription',
  computed: 'Core.Computed',
  immutable: 'Core.Immutable',
  countRestrictions: 'Capabilities.CountRestrictions',
  topSupported: 'Capabilities.TopSupported',
  skipSupported: 'Capabilities.SkipSupported',
  searchRestrictions: 'Capabilities.SearchRestrictions',
  filterRestrictions: 'Capabilities.FilterRestrictions',
  sortRestrictions: 'Capabilities.SortRestrictions',
  expandRestrictions: 'Capabilities.ExpandRestrictions',
  insertRestrictions: 'Capabilities.InsertRestrictions',
  updateRestrictions: 'Capabilities.UpdateRestrictions',
  deleteRestrictions: 'Capabilities.DeleteRestrictions',
  conformanceLevel: 'Capabilities.ConformanceLevel',
  supportedFormats: 'Capabilities.SupportedFormats',
  asynchronousRequestsSupported: 'Capabilities.AsynchronousRequestsSupported',
  batchSupported: 'Capabilities.BatchSupported',
  filterFunctions: 'Capabilities.FilterFunctions',
  pushdownFilterable: 'Gateway.PushdownFilterable',
  pushdownSortable: 'Gateway.PushdownSortable',
} as const;

/** Record types of the Capabilities terms above (used as the `Type` of `<Record>` so readers need no inference). */
export const RECORD_TYPES = {
  countRestrictions: 'Capabilities.CountRestrictionsType',
  searchRestrictions: 'Capabilities.SearchRestrictionsType',
  filterRestrictions: 'Capabilities.FilterRestrictionsType',
  sortRestrictions: 'Capabilities.SortRestrictionsType',
  expandRestrictions: 'Capabilities.ExpandRestrictionsType',
  insertRestrictions: 'Capabilities.InsertRestrictionsType',
  updateRestrictions: 'Capabilities.UpdateRestrictionsType',
  deleteRestrictions: 'Capabilities.DeleteRestrictionsType',
} as const;
