/**
 * Server-driven paging (OData 4.01 Part 1 §11.2.6.7 and §8.2.8.5 `odata.maxpagesize`): a response holds at most
 * `pageSize` rows; the rest is reached through `@odata.nextLink`, whose `$skiptoken` counts the rows already served.
 */
import type { ODataQuery } from '../odata/ast';
import { ODataError } from '../odata/errors';

/** `Prefer: odata.maxpagesize=N` (also `maxpagesize` from OData 4.01), or undefined. */
export function preferredPageSize(prefer: string | undefined): number | undefined {
  if (!prefer) return undefined;
  for (const part of prefer.split(',')) {
    const match = /^\s*(?:odata\.)?maxpagesize\s*=\s*"?([^";\s]*)"?\s*$/i.exec(part);
    if (!match) continue;
    const value = Number(match[1]);
    if (!Number.isSafeInteger(value) || value < 1) throw new ODataError('InvalidPreference', { reason: 'odata.maxpagesize must be a positive whole number' });
    return value;
  }
  return undefined;
}

export interface PageWindow {
  /** The query to execute for this page: skip and top cover this page plus one look-ahead row. */
  query: ODataQuery;
  /** Rows of this page at most. */
  pageSize: number;
}

/** The executor query for the page that starts `offset` rows into the client's result. */
export function pageWindow(query: ODataQuery, offset: number, pageSize: number): PageWindow {
  const remaining = query.top === undefined ? Infinity : Math.max(0, query.top - offset);
  const take = Math.min(remaining, pageSize);
  // One row more than the page tells whether another page exists, without a second count query.
  const top = remaining > pageSize ? take + 1 : take;
  return { query: { ...query, skip: (query.skip ?? 0) + offset, top }, pageSize: take };
}
