/**
 * Content negotiation for data responses: which OData JSON dialect the client asked for, through `$format` or
 * `Accept`, and the Content-Type that answers it (OData 4.0 JSON Format §3 and §4.1; Part 1 Protocol §8.2.1, §11.2.10).
 */
import { ODataError } from '../errors';
import { type MediaRange, parseMediaRange, parseMediaRanges, rangeSpecificity } from './media-range';

export type MetadataLevel = 'minimal' | 'none' | 'full';

export interface JsonFormat {
  /** `odata.metadata` (JSON Format §3.1). */
  metadata: MetadataLevel;
  /** `IEEE754Compatible=true`: Edm.Int64 and Edm.Decimal are written as strings (JSON Format §3.2). */
  ieee754Compatible: boolean;
  /** `odata.streaming` (JSON Format §3.3); our payloads always honour its ordering rules, so it only echoes. */
  streaming: boolean;
}

export const DEFAULT_JSON_FORMAT: JsonFormat = { metadata: 'minimal', ieee754Compatible: false, streaming: true };

/** Published in `$metadata` as Capabilities.SupportedFormats. */
export const SUPPORTED_FORMATS: readonly string[] = (['minimal', 'full', 'none'] as const).flatMap((metadata) =>
  [false, true].map((ieee754Compatible) =>
    jsonContentType({ metadata, ieee754Compatible, streaming: true }),
  ),
);

/**
 * The Content-Type of a JSON data response. Power Query matches the response Content-Type against a fixed list of
 * combinations and uses this parameter order (`odata.metadata;odata.streaming;IEEE754Compatible`), as its error
 * message "A supported MIME type could not be found..." lists them (NLstn/go-odata#874).
 */
export function jsonContentType(format: JsonFormat): string {
  return `application/json;odata.metadata=${format.metadata};odata.streaming=${format.streaming};IEEE754Compatible=${format.ieee754Compatible}`;
}

/**
 * Decide the JSON dialect, or refuse with 406 NotAcceptable.
 * - `$format` takes precedence over `Accept` (Protocol §11.2.10); `json` is the abbreviation for application/json.
 * - In `Accept`, the best-quality range that matches application/json (exactly, `application/*` or `*\/*`) and whose
 *   format parameters we can satisfy wins; format parameters must be satisfied, not ignored (OASIS ODATA-308).
 *   Power Query sends `application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,
 *   application/atomsvc+xml;q=0.8,...`: the first range wins.
 * - A range `application/json;q=0` refuses JSON even if `*\/*` is also listed (RFC 9110 §12.5.1: the more specific
 *   range decides).
 * - No Accept at all means minimal metadata.
 */
export function negotiateJsonFormat(accept: string | undefined, format: string | undefined): JsonFormat {
  if (format !== undefined && format.trim() !== '') {
    const range = format.trim().toLowerCase() === 'json' ? parseMediaRange('application/json') : parseMediaRange(format);
    const chosen = range.type === 'application/json' ? formatFromParams(range.params) : undefined;
    if (chosen === undefined) throw new ODataError('NotAcceptable', { format: `$format=${format}` });
    return chosen;
  }
  if (accept === undefined || accept.trim() === '') return DEFAULT_JSON_FORMAT;
  const ranges = parseMediaRanges(accept);
  const refusesJson = ranges.some(
    (range) => range.type === 'application/json' && range.q === 0 && !hasFormatParams(range),
  );
  if (!refusesJson) {
    const candidates = ranges
      .map((range, index) => ({ range, index, specificity: rangeSpecificity(range, 'application/json') }))
      .filter((candidate) => candidate.specificity >= 0 && candidate.range.q > 0)
      .sort((a, b) => b.range.q - a.range.q || b.specificity - a.specificity || a.index - b.index);
    for (const candidate of candidates) {
      const chosen = formatFromParams(candidate.range.params);
      if (chosen !== undefined) return chosen;
    }
  }
  throw new ODataError('NotAcceptable', { format: `Accept: ${accept}` });
}

/** The metadata level alone, for callers that need nothing else; throws NotAcceptable like negotiateJsonFormat. */
export function parseMetadataLevel(accept: string | undefined, format: string | undefined): MetadataLevel {
  return negotiateJsonFormat(accept, format).metadata;
}

/** OData 4.0 names (`odata.metadata`), 4.01 short names (`metadata`, §3) and the 3.0 `odata=minimalmetadata` spelling. */
const LEGACY_METADATA: Record<string, MetadataLevel> = {
  minimalmetadata: 'minimal',
  fullmetadata: 'full',
  nometadata: 'none',
};

function formatFromParams(params: Record<string, string>): JsonFormat | undefined {
  const metadataParam = params['odata.metadata'] ?? params['metadata'];
  const legacy = params['odata'];
  let metadata: MetadataLevel = DEFAULT_JSON_FORMAT.metadata;
  if (metadataParam !== undefined) {
    const level = metadataParam.toLowerCase();
    if (level !== 'minimal' && level !== 'full' && level !== 'none') return undefined;
    metadata = level;
  } else if (legacy !== undefined) {
    const level = LEGACY_METADATA[legacy.toLowerCase()];
    if (level === undefined) return undefined;
    metadata = level;
  }
  const ieee754Compatible = parseBooleanParam(params['ieee754compatible'], DEFAULT_JSON_FORMAT.ieee754Compatible);
  const streaming = parseBooleanParam(params['odata.streaming'] ?? params['streaming'], DEFAULT_JSON_FORMAT.streaming);
  if (ieee754Compatible === undefined || streaming === undefined) return undefined;
  return { metadata, ieee754Compatible, streaming };
}

function parseBooleanParam(value: string | undefined, fallback: boolean): boolean | undefined {
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function hasFormatParams(range: MediaRange): boolean {
  return Object.keys(range.params).some((name) => name !== 'charset');
}
