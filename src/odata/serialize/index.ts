/** The OData JSON output side: content negotiation, context URLs, canonical ids and entity payloads. */
export {
  negotiateJsonFormat,
  parseMetadataLevel,
  jsonContentType,
  DEFAULT_JSON_FORMAT,
  SUPPORTED_FORMATS,
  type JsonFormat,
  type MetadataLevel,
} from './json-format';
export { contextUrl, type ContextUrlOptions } from './context-url';
export { entityId, keyPredicate, keyLiteral } from './key-predicate';
export { formatValue, normalizeDateTimeOffset, DATE_TIME_OFFSET_PRECISION, type JsonPrimitive } from './format-value';
export {
  serializeCollection,
  collectionText,
  serializeEntity,
  serializeProperty,
  type SerializePropertyArgs,
  type SerializeOptions,
  type SerializeCollectionArgs,
  type SerializeEntityArgs,
  type JsonEntity,
  type JsonCollection,
  type CollectionText,
} from './serialize-entities';
export { entityWriter, type EntityWriter, type EntityWriterOptions, type EntityShape } from './entity-writer';
export type { ExpandedNavigation, ExpandedValue } from './expanded-navigation';
export { parseMediaRanges, type MediaRange } from './media-range';
// Errors are serialized by ODataError#toJSON() (src/odata/errors.ts); there is deliberately no second serializer.
