import type { CursorEnvelope } from './page-envelope';
import { DEFAULT_PAGELEN, pageUrl, parsePagelen } from './page-params';
import { queryErrors } from './query-errors';

export interface CursorPageRequest {
  /** The raw `page` query parameter: absent on the first request, then the opaque value taken from `next`. */
  cursor?: string;
  pagelen?: string;
  defaultPagelen?: number;
  maxPagelen: number;
  baseUrl: string;
  query: URLSearchParams;
}

/**
 * Iterator-based paging, as on the commits resource ("the next link's value often contains an unpredictable hash
 * instead of an explicit page number"): no `size`, `page` or `previous`; `next` carries `page=<opaque cursor>`.
 * A cursor the sandbox did not issue, including a plain page number, is 400 "Invalid page", so a client that
 * builds commit page URLs itself fails loudly instead of silently re-reading page 1.
 */
export function paginateCursor<T>(items: readonly T[], req: CursorPageRequest): CursorEnvelope<T> {
  const pagelen = parsePagelen(req.pagelen, req.defaultPagelen ?? DEFAULT_PAGELEN, req.maxPagelen);
  const offset = req.cursor === undefined ? 0 : decodeCursor(req.cursor);
  const envelope: CursorEnvelope<T> = { pagelen, values: items.slice(offset, offset + pagelen) };
  if (offset + pagelen < items.length) envelope.next = pageUrl(req.baseUrl, req.query, encodeCursor(offset + pagelen));
  return envelope;
}

/**
 * A cursor is an 8-hex-digit checksum followed by the offset in hex: opaque to clients, deterministic for tests,
 * and tamper-evident. It encodes an offset, so it is stable only while the collection does not change.
 */
export function encodeCursor(offset: number): string {
  return checksum(offset) + offset.toString(16);
}

function decodeCursor(cursor: string): number {
  const match = /^([0-9a-f]{8})([0-9a-f]{1,12})$/.exec(cursor);
  const offset = match ? parseInt(match[2]!, 16) : NaN;
  if (!match || checksum(offset) !== match[1]) throw queryErrors.invalidPage();
  return offset;
}

/** FNV-1a (32 bit) over a salted decimal offset. */
function checksum(offset: number): string {
  let hash = 0x811c9dc5;
  for (const char of `bitbucket-sandbox-cursor:${offset}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
