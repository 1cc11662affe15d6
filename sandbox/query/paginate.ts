import type { PageEnvelope } from './page-envelope';
import { DEFAULT_PAGELEN, pageUrl, parsePageNumber, parsePagelen } from './page-params';

export interface PageRequest {
  /** The raw `page` query parameter. */
  page?: string;
  /** The raw `pagelen` query parameter. */
  pagelen?: string;
  /** The endpoint's default page size; 10 unless the endpoint documents another. */
  defaultPagelen?: number;
  /** The endpoint's maximum page size (100 on most lists, 50 on pull requests and PR activity). */
  maxPagelen: number;
  /** Absolute URL of the collection without a query string, e.g. `http://127.0.0.1:4000/2.0/repositories/ws`. */
  baseUrl: string;
  /** The request's query parameters, copied into `next`/`previous`. */
  query: URLSearchParams;
}

/**
 * List-based paging: one page of `items` (already filtered and sorted) in Bitbucket's envelope.
 * A page past the end answers 200 with empty `values` (README.md, "Paging": not documented by Atlassian);
 * such a page has `previous` (page - 1) and no `next`.
 */
export function paginate<T>(items: readonly T[], req: PageRequest): PageEnvelope<T> {
  const pagelen = parsePagelen(req.pagelen, req.defaultPagelen ?? DEFAULT_PAGELEN, req.maxPagelen);
  const page = parsePageNumber(req.page);
  const start = (page - 1) * pagelen;
  const envelope: PageEnvelope<T> = {
    size: items.length,
    page,
    pagelen,
    values: items.slice(start, start + pagelen),
  };
  if (start + pagelen < items.length) envelope.next = pageUrl(req.baseUrl, req.query, String(page + 1));
  if (page > 1) envelope.previous = pageUrl(req.baseUrl, req.query, String(page - 1));
  return envelope;
}
