import { queryErrors } from './query-errors';

/** The default page size (narrative "Pagination"; the `pagelen` parameter's declared default). */
export const DEFAULT_PAGELEN = 10;

const DIGITS = /^[0-9]+$/;

/**
 * `pagelen`: absent → the endpoint's default; otherwise a whole number from 1 to the endpoint's maximum. Anything
 * else, including a value above the maximum, is rejected rather than clamped: 400 "Invalid pagelen"
 * (BCLOUD-13229; jenkinsci/bitbucket-branch-source-plugin PR #1182).
 */
export function parsePagelen(raw: string | undefined, defaultPagelen: number, maxPagelen: number): number {
  if (raw === undefined) return defaultPagelen;
  const pagelen = DIGITS.test(raw) ? Number(raw) : NaN;
  if (!(pagelen >= 1 && pagelen <= maxPagelen)) throw queryErrors.invalidPagelen();
  return pagelen;
}

/** `page` (1-based): absent → 1; anything but a whole number >= 1 is 400 "Invalid page". */
export function parsePageNumber(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const page = DIGITS.test(raw) ? Number(raw) : NaN;
  if (!(page >= 1 && Number.isSafeInteger(page))) throw queryErrors.invalidPage();
  return page;
}

/**
 * The absolute URL of another page: `baseUrl` (no query string) plus every parameter of the current request in
 * its original order, repeated ones (`state=OPEN&state=MERGED`) included, with `page` set to `pageValue` where it
 * stood (or appended). Clients must follow `next` as is ("treat as opaque"), so it carries q, sort and fields.
 */
export function pageUrl(baseUrl: string, query: URLSearchParams, pageValue: string): string {
  const params = new URLSearchParams();
  let placed = false;
  for (const [name, value] of query) {
    if (name !== 'page') params.append(name, value);
    else if (!placed) {
      params.append('page', pageValue);
      placed = true;
    }
  }
  if (!placed) params.append('page', pageValue);
  return `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}${params.toString()}`;
}
