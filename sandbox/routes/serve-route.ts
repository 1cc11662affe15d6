import type { Request, RequestHandler, Response } from 'express';
import { applyFields, bbqlPaths, matchesBbql, membersRead, paginate, paginateCursor, parseBbql, queryErrors, sortItems, truncateDatetimeLiteralsToMilliseconds } from '../query';
import type { BbqlExpr } from '../query';
import { NO_QUIRKS, type QuirkState } from '../quirks';
import type { SandboxStore } from '../store/sandbox-store';
import { notFound, forbidden } from './not-found';
import type { PresentContext } from './present/present-context';
import { flattenParams, originOf, principalOf, rawQuery, type RepositoryRouteContext, type RouteContext, type WorkspaceRouteContext } from './route-context';
import type { AnyRoute, CollectionRoute, ItemRoute, RouteTarget } from './route-declaration';
import { canSeeRepository, canSeeWorkspaceInternals, isInTokenScope } from './visibility';

/**
 * Resolves `:workspace`/`:repo` (slug or braced UUID) and applies visibility; unknown and invisible look alike. The
 * context returned is the one `target` promises (`RouteContextFor`).
 */
function resolveTarget(ctx: RouteContext, target: RouteTarget): RouteContext | WorkspaceRouteContext | RepositoryRouteContext {
  if (target === 'none') return ctx;
  const slug = ctx.params.workspace;
  const workspace = ctx.store.findWorkspace(slug);
  if (!workspace) throw notFound.workspace(slug);
  if (!isInTokenScope(ctx.principal, workspace)) throw notFound.workspace(slug);
  if (target === 'workspace-internals' && !canSeeWorkspaceInternals(ctx.store, ctx.principal, workspace)) throw forbidden.workspaceMembersOnly(workspace.slug);
  if (target !== 'repository') return { ...ctx, workspace };
  const repository = ctx.store.findRepository(workspace.uuid, ctx.params.repo);
  if (!repository || !canSeeRepository(ctx.store, ctx.principal, workspace, repository)) throw notFound.repository();
  return { ...ctx, workspace, repository };
}

/**
 * The pipeline of a list endpoint, written once: filter (`q`) → sort → page → partial response (`fields`).
 * Bitbucket filters and sorts the whole collection before cutting a page, and `fields` addresses the envelope.
 * When neither `q` nor `sort` applies, records are paged first and only one page is presented.
 *
 * Each record is presented with only the members that are read of it (a route's presenter may honour `only`):
 * for `q` and `sort`, the first member of each path they name (all, when the route's `view` stands between); for the
 * page, what `fields` can copy (`membersRead`). The answer is the same; the fan-out bench's list (bench/run.ts: a
 * repository's pull requests with `q=state="OPEN"&sort=id` and three fields) built every user and link of every pull
 * request of the repository for three members of a few of them: most of the sandbox's CPU per call in a profile.
 */
function serveCollection(ctx: RouteContext, route: CollectionRoute<unknown>, quirks: Quirks): unknown {
  const q = route.q ? ctx.query.get('q') ?? '' : '';
  const sort = route.sort ? ctx.query.get('sort') ?? '' : '';
  const fields = ctx.query.get('fields') ?? undefined;
  const expr = q !== '' ? applyBbqlQuirks(parseBbql(q), route, quirks) : undefined;
  const records = route.list(ctx);
  const pageRequest = {
    pagelen: ctx.query.get('pagelen') ?? undefined,
    maxPagelen: route.maxPagelen,
    baseUrl: ctx.url,
    query: ctx.query,
  };
  const page = <T>(items: readonly T[]) => (route.paging === 'cursor'
    ? paginateCursor(items, { ...pageRequest, cursor: ctx.query.get('page') ?? undefined })
    : paginate(items, { ...pageRequest, page: ctx.query.get('page') ?? undefined }));

  const answered = membersRead(fields, ['values']);
  let envelope: { values: unknown[] };
  if (!expr && sort === '') {
    const recordPage = page(records);
    envelope = { ...recordPage, values: recordPage.values.map((record) => route.present(ctx, record, answered)) };
  } else {
    const view = route.q ? route.q.view : undefined;
    const compared = view ? undefined : new Set([...(expr ? bbqlPaths(expr) : []), ...(sort !== '' ? [sort.replace(/^-/, '')] : [])].map((path) => path.split('.', 1)[0]!));
    let items = records.map((record) => ({ record, json: route.present(ctx, record, compared), view: undefined as unknown }));
    items.forEach((entry) => { entry.view = view ? view(entry.json) : entry.json; });
    if (expr && route.q) {
      const allowed = route.q.fields;
      const fieldAllowed = allowed === true ? undefined : (path: string) => allowed.includes(path);
      items = items.filter((entry) => matchesBbql(expr, entry.view, { fieldAllowed }));
    }
    if (sort !== '' && route.sort) {
      const allowed = route.sort.fields;
      const views = sortItems(items.map((entry) => entry.view), sort, {
        fieldAllowed: allowed === true ? undefined : (path: string) => allowed.includes(path),
        naturalFields: route.sort.natural,
      });
      const byView = new Map(items.map((entry) => [entry.view, entry]));
      items = views.map((v) => byView.get(v)!);
    }
    // A presentation made for q and sort serves the page as it is when it is whole: made without `only`, or by a
    // presenter that ignores it (it holds a member q and sort did not name). Else the page's records are presented
    // again, with what `fields` reads.
    const whole = (json: Record<string, unknown>) => compared === undefined || Object.keys(json).some((key) => !compared.has(key));
    const entryPage = page(items);
    envelope = { ...entryPage, values: entryPage.values.map(({ record, json }) => (whole(json) ? json : route.present(ctx, record, answered))) };
  }
  return applyFields(applyEnvelopeQuirks(envelope, route, quirks), fields, route.hiddenByDefault ?? []);
}

type Quirks = Pick<QuirkState, 'has'>;

/** The BBQL quirks: a 500 for unverified fields (evidence row 12), millisecond literals (row 5). */
function applyBbqlQuirks(expr: BbqlExpr, route: CollectionRoute<unknown>, quirks: Quirks): BbqlExpr {
  const unverified = route.q ? route.q.unverified ?? [] : [];
  if (quirks.has('bbql-500-on-unverified-fields')) {
    const path = bbqlPaths(expr).find((candidate) => unverified.includes(candidate));
    if (path !== undefined) throw queryErrors.unverifiedFieldServerError(path);
  }
  return quirks.has('bbql-millisecond-dates') ? truncateDatetimeLiteralsToMilliseconds(expr) : expr;
}

/**
 * The envelope quirks, before `fields` (a field Bitbucket does not send cannot be asked for): no `next`/`previous`
 * on lists declared `withoutNext` (row 1), no `size` where it is unverified or anywhere (row 2).
 */
function applyEnvelopeQuirks(envelope: { values: unknown[] }, route: CollectionRoute<unknown>, quirks: Quirks): { values: unknown[] } {
  const dropped = new Set<string>();
  if (route.deviations?.withoutNext && quirks.has('pipelines-without-next')) ['next', 'previous'].forEach((key) => dropped.add(key));
  if (quirks.has('no-size-anywhere') || (route.deviations?.sizeUnverified && quirks.has('lists-without-size'))) dropped.add('size');
  if (dropped.size === 0) return envelope;
  return Object.fromEntries(Object.entries(envelope).filter(([key]) => !dropped.has(key))) as { values: unknown[] };
}

function serveItem(ctx: RouteContext, route: ItemRoute<unknown>): unknown {
  return applyFields(route.present(ctx, route.find(ctx)), ctx.query.get('fields') ?? undefined);
}

/** One express handler for a declared route. Errors (SandboxHttpError) go to the app's error middleware. */
export function serveRoute(route: AnyRoute, store: SandboxStore, publicUrl: string | undefined, quirks: Quirks = NO_QUIRKS): RequestHandler {
  return (req: Request, res: Response) => {
    const origin = originOf(req, publicUrl);
    const present: PresentContext = { store, origin };
    const ctx = resolveTarget({
      store,
      present,
      principal: principalOf(req, res),
      params: flattenParams(req.params as Record<string, string | string[]>),
      query: rawQuery(req),
      url: `${origin}${req.originalUrl.split('?', 1)[0]}`,
    }, route.target);
    const redirect = route.kind === 'collection' ? (route as unknown as CollectionRoute<unknown>).deviations?.redirectsTo : undefined;
    if (redirect && quirks.has('pull-request-diffstat-redirect')) {
      res.redirect(302, redirect(ctx));
      return;
    }
    const body = route.kind === 'collection'
      ? serveCollection(ctx, route as unknown as CollectionRoute<unknown>, quirks)
      : serveItem(ctx, route as unknown as ItemRoute<unknown>);
    res.status(200).json(body);
  };
}
