/**
 * Which annotations a `$metadata` document carries. The default document uses only the OASIS Core and Capabilities
 * vocabularies (client rule MD-02: ODataLib readers such as Power Query and Dataverse resolve terms against their
 * embedded vocabularies, and private ones have broken them, SAP-samples/data-warehouse-cloud-connectors#10). The
 * gateway's own terms (vocabularies.ts, GATEWAY_VOCABULARY) are an opt-in: `$metadata?annotations=gateway`.
 *
 * `annotations` is a custom query option (OData 4.01 Part 2 §5.2: no `$`, so a client that does not know it never
 * sends it); an unknown value is a 400 rather than silently the default document.
 */
import { ODataError } from '../errors';

export interface MetadataAnnotations {
  /** Add the Gateway.PushdownFilterable/PushdownSortable terms and the ODataGateway.V1 schema declaring them. */
  gateway: boolean;
}

export const DEFAULT_METADATA_ANNOTATIONS: MetadataAnnotations = { gateway: false };

/** The custom query option that opts in, and the values it takes. */
export const METADATA_ANNOTATIONS_OPTION = 'annotations';
const VALUES = ['gateway'] as const;

/** Reads the option from a raw (still percent-encoded) query string. */
export function metadataAnnotationsOption(rawQuery: string): MetadataAnnotations {
  const given = new URLSearchParams(rawQuery).getAll(METADATA_ANNOTATIONS_OPTION);
  if (given.length === 0) return DEFAULT_METADATA_ANNOTATIONS;
  if (given.length > 1) throw new ODataError('DuplicateQueryOption', { option: METADATA_ANNOTATIONS_OPTION });
  const value = given[0] ?? '';
  if (!(VALUES as readonly string[]).includes(value)) {
    throw new ODataError('InvalidQueryOption', {
      option: `${METADATA_ANNOTATIONS_OPTION}=${value}`,
      reason: `the only value is ${VALUES.map((v) => `${METADATA_ANNOTATIONS_OPTION}=${v}`).join(', ')} (adds the gateway's Gateway.Pushdown* terms); leave it out for the default document`,
    });
  }
  return { gateway: true };
}
