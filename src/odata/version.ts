/**
 * OData protocol versions: which one a request is written in and which one its response is written in, from the
 * `OData-Version` and `OData-MaxVersion` request headers (OData 4.01 Part 1: Protocol).
 *
 * - §8.2.7 `OData-MaxVersion`: "the service MUST generate a response with the greatest supported OData-Version
 *   less than or equal to the specified OData-MaxVersion" (decimal comparison, §5.1). Without the header the service
 *   "SHOULD return responses with the same OData version over time and interpret the request as having an
 *   OData-MaxVersion equal to the maximum OData version supported by the service at its initial publication": this
 *   service was published as 4.0, so a client that sends no header (and Power Query, which sends 4.0) keeps getting
 *   4.0. A maximum below 4.0 cannot be honoured by any answer, so it is refused rather than ignored.
 * - §8.1.5 `OData-Version`: "If present on a request, the service MUST interpret the request payload according to
 *   the rules defined in the specified version of the protocol or fail the request with a 4xx response code"; when
 *   absent, the request is taken to be written in the minimum of `OData-MaxVersion` and the highest version the
 *   service understands, i.e. in the response's version.
 */
import { ODataError } from './errors';

export type ODataVersion = '4.0' | '4.01';

/** Oldest first. */
export const SUPPORTED_VERSIONS: readonly ODataVersion[] = ['4.0', '4.01'];

/** The version answered when the client states no maximum (the service's version at its first publication). */
export const DEFAULT_VERSION: ODataVersion = '4.0';

export interface NegotiatedVersion {
  /** The rules the request (its URL and body) is read by. */
  request: ODataVersion;
  /** The version the response is written in, and says in its `OData-Version` header. */
  response: ODataVersion;
}

export interface VersionHeaders {
  /** `OData-Version`, as sent. */
  version?: string;
  /** `OData-MaxVersion`, as sent. */
  maxVersion?: string;
}

const SUPPORTED_TEXT = SUPPORTED_VERSIONS.join(' and ');

/** ABNF (OData ABNF 4.01, `odata-maxversion`): `1*DIGIT "." 1*DIGIT`, compared as a decimal number. */
function decimalVersion(header: string, value: string): number {
  const trimmed = value.trim();
  if (!/^\d+\.\d+$/.test(trimmed)) {
    throw new ODataError('InvalidODataVersion', { header, given: value.slice(0, 20), reason: 'it is not a version number such as 4.0 or 4.01' });
  }
  return Number(trimmed);
}

export function negotiateVersion(headers: VersionHeaders): NegotiatedVersion {
  let response = DEFAULT_VERSION;
  if (headers.maxVersion !== undefined) {
    const max = decimalVersion('OData-MaxVersion', headers.maxVersion);
    const fitting = SUPPORTED_VERSIONS.filter((version) => Number(version) <= max);
    if (fitting.length === 0) {
      throw new ODataError('InvalidODataVersion', { header: 'OData-MaxVersion', given: headers.maxVersion.trim(), reason: `this service answers in OData ${SUPPORTED_TEXT} only` });
    }
    response = fitting[fitting.length - 1];
  }
  if (headers.version === undefined) return { request: response, response };
  const stated = decimalVersion('OData-Version', headers.version);
  const request = SUPPORTED_VERSIONS.find((version) => Number(version) === stated);
  if (request === undefined) {
    throw new ODataError('InvalidODataVersion', { header: 'OData-Version', given: headers.version.trim(), reason: `this service reads requests written in OData ${SUPPORTED_TEXT} only` });
  }
  return { request, response };
}
