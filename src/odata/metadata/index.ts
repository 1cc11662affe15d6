/** The OData output side that describes the service: CSDL `$metadata` (XML and JSON) and the service document. */
export { buildCsdlXml } from './build-csdl-xml';
export { buildCsdlJson, type CsdlJsonObject, type CsdlJsonValue } from './build-csdl-json';
export { buildServiceDocument, type ServiceDocument, type ServiceDocumentEntry } from './build-service-document';
export {
  negotiateMetadataFormat,
  CSDL_XML_CONTENT_TYPE,
  CSDL_JSON_CONTENT_TYPE,
  type MetadataDocumentFormat,
} from './negotiate-metadata-format';
export { FILTER_FUNCTIONS } from './annotations-for';
export { GATEWAY_VOCABULARY, REFERENCED_VOCABULARIES } from './vocabularies';
export {
  metadataAnnotationsOption,
  DEFAULT_METADATA_ANNOTATIONS,
  METADATA_ANNOTATIONS_OPTION,
  type MetadataAnnotations,
} from './metadata-annotations-option';
