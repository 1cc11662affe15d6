/**
 * Which representation of `$metadata` to answer: CSDL XML (the default, and what Power Query asks for with
 * `Accept: application/xml`) or CSDL JSON when the client prefers `application/json` or says `$format=json`.
 */
import { ODataError } from '../errors';
import { parseMediaRange, parseMediaRanges, rangeSpecificity } from '../serialize/media-range';

export type MetadataDocumentFormat = 'xml' | 'json';

export const CSDL_XML_CONTENT_TYPE = 'application/xml';
export const CSDL_JSON_CONTENT_TYPE = 'application/json';

export function negotiateMetadataFormat(accept: string | undefined, format: string | undefined): MetadataDocumentFormat {
  if (format !== undefined && format.trim() !== '') {
    const lower = format.trim().toLowerCase();
    if (lower === 'xml' || parseMediaRange(lower).type === 'application/xml') return 'xml';
    if (lower === 'json' || parseMediaRange(lower).type === 'application/json') return 'json';
    throw new ODataError('NotAcceptable', { format: `$format=${format}` });
  }
  if (accept === undefined || accept.trim() === '') return 'xml';
  // Best quality wins; on a tie XML is preferred (it is the 4.0 format every client reads).
  let best: { format: MetadataDocumentFormat; q: number; specificity: number } | undefined;
  for (const range of parseMediaRanges(accept)) {
    for (const [candidate, mediaType] of [['xml', 'application/xml'], ['xml', 'text/xml'], ['json', 'application/json']] as const) {
      const specificity = rangeSpecificity(range, mediaType);
      if (specificity < 0 || range.q === 0) continue;
      const better =
        best === undefined ||
        range.q > best.q ||
        (range.q === best.q && specificity > best.specificity) ||
        (range.q === best.q && specificity === best.specificity && candidate === 'xml');
      if (better) best = { format: candidate, q: range.q, specificity };
    }
  }
  if (best === undefined) throw new ODataError('NotAcceptable', { format: `Accept: ${accept}` });
  return best.format;
}
