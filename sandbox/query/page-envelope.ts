/**
 * Bitbucket's paginated wrappers (narrative "Pagination"). List-based collections carry `size`, `page` and
 * `previous`; iterator-based ones (commits) carry only `pagelen`, `values` and a forward `next`.
 * `next` is absent on the last page, `previous` on the first. `pagelen` echoes the page size in force
 * (requested or default), not the number of values on this page.
 */
export interface PageEnvelope<T> {
  size: number;
  page: number;
  pagelen: number;
  next?: string;
  previous?: string;
  values: T[];
}

export interface CursorEnvelope<T> {
  pagelen: number;
  next?: string;
  values: T[];
}
