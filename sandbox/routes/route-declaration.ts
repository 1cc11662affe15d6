import type { RouteContextFor, RouteTarget } from './route-context';

export type { RouteTarget } from './route-context';

/** How a list evaluates `q`/`sort`: not at all (Bitbucket ignores them there) or on the listed paths (all if omitted). */
export interface QuerySupport {
  /** Dotted paths `q` may name; `true` = any path of the item. */
  fields: readonly string[] | true;
  /** The object `q` and `sort` look at, when it is not the presented item (e.g. `slug` on `/user/workspaces`). */
  view?: (item: Record<string, unknown>) => unknown;
  /**
   * Paths the gateway filters on whose support on real Bitbucket is unverified (evidence row 12): with the
   * `bbql-500-on-unverified-fields` quirk, `q` naming one answers 500, as an unsupported field can (BCLOUD-22709).
   */
  unverified?: readonly string[];
}

export interface SortSupport {
  fields: readonly string[] | true;
  /** Paths sorted naturally (`name` on refs, per the branches endpoint description). */
  natural?: readonly string[];
}

/** A list endpoint, as data: the generic interpreter in `serve-route.ts` does filter → sort → page → fields. */
export interface CollectionRoute<R, T extends RouteTarget = RouteTarget> {
  kind: 'collection';
  path: string;
  target: T;
  /** `page`: list-based paging with size/page/previous. `cursor`: forward-only opaque `next` (commits). */
  paging: 'page' | 'cursor';
  maxPagelen: number;
  /** `false`: Bitbucket ignores `q` on this endpoint, and so does the sandbox. */
  q: QuerySupport | false;
  sort: SortSupport | false;
  /** Where real Bitbucket deviates on this list; the sandbox does so only while the named quirk is on. */
  deviations?: ListDeviations<RouteContextFor<T>>;
  /** Paths of the envelope left out unless requested with `fields=+...` ("Field discovery"). */
  hiddenByDefault?: readonly string[];
  /** The records in the endpoint's default order, after its own parameters (`state`, `status`, `role` ...). */
  list: (ctx: RouteContextFor<T>) => readonly R[];
  /**
   * The record as the endpoint presents it. `only`, when given, names the members the answer will read (what `q`,
   * `sort` or `fields` name): a presenter may leave out the others, or ignore `only` and present them all.
   */
  present: (ctx: RouteContextFor<T>, record: R, only?: ReadonlySet<string>) => Record<string, unknown>;
}

/** A list's known or suspected deviations from the documented envelope (sandbox/quirks.ts). */
export interface ListDeviations<Ctx> {
  /** `pipelines-without-next`: no `next`/`previous` (evidence row 1, BCLOUD-20639). */
  withoutNext?: true;
  /** `lists-without-size`: `size` may be absent here (evidence row 2: optional, moved or unverified). */
  sizeUnverified?: true;
  /** `pull-request-diffstat-redirect`: the list answers 302 to this URL instead (official description). */
  redirectsTo?: (ctx: Ctx) => string;
}

/** A single-object endpoint. */
export interface ItemRoute<R, T extends RouteTarget = RouteTarget> {
  kind: 'item';
  path: string;
  target: T;
  find: (ctx: RouteContextFor<T>) => R;
  present: (ctx: RouteContextFor<T>, record: R) => Record<string, unknown>;
}

/**
 * Route tables hold routes of different record types and targets; each route's own functions agree on both, and
 * the interpreter (`serve-route.ts`) hands each the context its target resolves.
 */
export type AnyRoute = CollectionRoute<never> | ItemRoute<never>;

/** Targets that give a route the same context: one overload each, so `collection<R>(…)` may still name only `R`. */
type WorkspaceTarget = 'workspace' | 'workspace-internals';

export function collection<R>(route: Omit<CollectionRoute<R, 'repository'>, 'kind'>): AnyRoute;
export function collection<R>(route: Omit<CollectionRoute<R, WorkspaceTarget>, 'kind'>): AnyRoute;
export function collection<R>(route: Omit<CollectionRoute<R, 'none'>, 'kind'>): AnyRoute;
export function collection<R>(route: Omit<CollectionRoute<R>, 'kind'>): AnyRoute {
  return { kind: 'collection', ...route } as unknown as AnyRoute;
}

export function item<R>(route: Omit<ItemRoute<R, 'repository'>, 'kind'>): AnyRoute;
export function item<R>(route: Omit<ItemRoute<R, WorkspaceTarget>, 'kind'>): AnyRoute;
export function item<R>(route: Omit<ItemRoute<R, 'none'>, 'kind'>): AnyRoute;
export function item<R>(route: Omit<ItemRoute<R>, 'kind'>): AnyRoute {
  return { kind: 'item', ...route } as unknown as AnyRoute;
}

/** Page-size limits: 100 on most lists, 50 on pull requests and their activity (developer.atlassian.com/cloud/bitbucket/rest/intro/, "Pagination"). */
export const MAX_PAGELEN = 100;
export const MAX_PAGELEN_PULL_REQUESTS = 50;
