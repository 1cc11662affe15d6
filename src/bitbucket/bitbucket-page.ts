/**
 * One page of a Bitbucket collection. Only `values` is always present and `next` is absent on the last page;
 * `size`, `page` and `previous` may be left out because they "can be expensive" (Bitbucket REST narrative
 * "Pagination", bitbucket-api.md §2.4).
 */
export interface BitbucketPage<T> {
  values: T[];
  size?: number;
  page?: number;
  pagelen?: number;
  next?: string;
  previous?: string;
}

/**
 * The body as a page, or undefined when it is not one. Checks the envelope only: `values` is an array and `next`, if
 * present, a string (a null `next` is read as absent). The items are the caller's to check.
 */
export function readBitbucketPage(body: unknown): BitbucketPage<unknown> | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { next, ...rest } = body as Record<string, unknown>;
  if (!Array.isArray(rest.values)) return undefined;
  if (next === undefined || next === null) return rest as unknown as BitbucketPage<unknown>;
  if (typeof next !== 'string') return undefined;
  return { ...rest, next } as unknown as BitbucketPage<unknown>;
}
