import type { BitbucketPage } from './bitbucket-page';

/**
 * What to do after a page that has no `next` link.
 *
 * Bitbucket marks the last page by leaving `next` out, but pipelines have been seen to leave it out on pages that are
 * not the last (jira.atlassian.com/browse/BCLOUD-20639, confirmed by Atlassian in 2020–21; sandbox quirk `pipelines-without-next`): following only
 * `next` would silently cut every pipeline list at its first page. Page-numbered lists say where they stand with
 * `page`, `pagelen` and (optionally) `size`, so those tell whether rows are missing:
 * - an empty page ends the list;
 * - with `size`: rows before the end of this page are `page · pagelen`; fewer than `size` → read `page + 1`;
 * - without `size`, a page carrying `page` that is full (`values.length ≥ pagelen`) cannot be told apart from an exact
 *   last page. We read `page + 1` and stop at the first empty or short page: when the page was the last one, that costs
 *   one call (an empty page); stopping instead would return a silently short answer whenever `next` went missing, and
 *   failing would break every exact-multiple list. (Bitbucket documents `size` as optional, "can be expensive", and
 *   branch/tag lists may omit it: "Pagination", developer.atlassian.com/cloud/bitbucket/rest/intro/.)
 * - lists paged by opaque cursors (commits: `page=<hash>`) have no page number: only `next` continues them.
 * The page number of a page without `page` is the request's numeric `page`, or 1 when the request had none.
 * Every continuation raises the page number and is bounded by `size` or by the first short page; the client also
 * refuses a continuation page that is not the one it asked for (`continuationPageProblem`).
 */
export type PageContinuation = { action: 'stop' } | { action: 'read-page'; page: number };

/** The `page` and `pagelen` query parameters of the request that produced the page, as sent (decoded). */
export interface PageRequestParams {
  page?: string;
  pagelen?: string;
}

const PAGE_NUMBER = /^[1-9]\d*$/;

export function continuationWithoutNext(page: BitbucketPage<unknown>, request: PageRequestParams): PageContinuation {
  if (page.values.length === 0) return { action: 'stop' };
  const pageNumber = page.page ?? requestedPageNumber(request.page);
  if (pageNumber === undefined || pageNumber < 1) return { action: 'stop' };
  const pagelen = page.pagelen ?? positiveInteger(request.pagelen);
  if (page.size !== undefined) {
    // A page shorter than pagelen is counted as its own length, so an unknown pagelen still ends the walk by `size`.
    const rowsThrough = pageNumber * (pagelen ?? page.values.length);
    return rowsThrough < page.size ? { action: 'read-page', page: pageNumber + 1 } : { action: 'stop' };
  }
  if (page.page === undefined || pagelen === undefined) return { action: 'stop' };
  return page.values.length >= pagelen ? { action: 'read-page', page: pageNumber + 1 } : { action: 'stop' };
}

/**
 * Why a page read by a continuation (`page=N` built here, not Bitbucket's `next`) cannot be used, or undefined: it
 * names another page number (the list ignores `page`), or it repeats the previous page's rows (the same, without a
 * `page` field to tell). Either would duplicate rows, so the walk fails instead.
 */
export function continuationPageProblem(page: BitbucketPage<unknown>, requestedPage: number, previousValues: unknown[]): string | undefined {
  if (page.page !== undefined && page.page !== requestedPage) {
    return `page ${requestedPage} was requested because the previous page had no "next" link but more rows (by "page", "pagelen" and "size"), and Bitbucket answered page ${page.page}`;
  }
  if (page.values.length > 0 && JSON.stringify(page.values) === JSON.stringify(previousValues)) {
    return `page ${requestedPage} was requested because the previous page had no "next" link but more rows, and Bitbucket answered the previous page's rows again`;
  }
  return undefined;
}

function requestedPageNumber(page: string | undefined): number | undefined {
  if (page === undefined) return 1;
  return positiveInteger(page);
}

function positiveInteger(text: string | undefined): number | undefined {
  return text !== undefined && PAGE_NUMBER.test(text) ? Number(text) : undefined;
}

/**
 * Whether a page read a moment ago may be served again in place of reading it, followed by pages read now (issue #15:
 * a walk's next answer page continues in the Bitbucket page the previous one ended in):
 * - a `next` link whose `page` is an opaque cursor (commits: "an unpredictable hash instead of an explicit page
 *   number"): yes. Bitbucket does not say what the cursor holds; if it encodes an offset (the sandbox's does), each
 *   commit pushed above it since makes the page read now start one item early, and the reader passes those repeats
 *   over (`src/plan/row-stream.ts`). A commit removed above it between the two reads (a force push) would make it
 *   start one item late, as it does when an answer page ends on a Bitbucket page's last item and the next one opens
 *   that page's `next`;
 * - a `next` link by page number (`page=3`): no. Page-numbered lists (pull requests, pipelines) page by offset over
 *   items that also move (a `sort=-updated_on` list), and offset paging "can duplicate/miss under concurrent change"
 *   (bitbucket-real-behaviour row 4): such a page is read again, with the pages after it;
 * - a page without `next`: only when it ends its list (`continuationWithoutNext` says stop); a page continued by page
 *   number (pipelines) is not.
 * `target` is the page's own request target (its `page` and `pagelen` parameters, as sent).
 */
export function mayReplay(page: BitbucketPage<unknown>, target: string, nextTarget: string | undefined): boolean {
  if (page.next === undefined) return continuationWithoutNext(page, pageParamsOf(target)).action === 'stop';
  if (nextTarget === undefined) return false;
  const next = pageParamsOf(nextTarget).page;
  return next !== undefined && !PAGE_NUMBER.test(next);
}

function pageParamsOf(target: string): PageRequestParams {
  const queryAt = target.indexOf('?');
  const params = new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1));
  const page = params.get('page');
  const pagelen = params.get('pagelen');
  return { ...(page !== null ? { page } : {}), ...(pagelen !== null ? { pagelen } : {}) };
}
