/**
 * Server-driven paging as one component with two operations, in the spirit of AspNetCoreOData's `SkipTokenHandler`
 * (apply a token to a query; generate the next link): `servePage` answers the page a request asks for, from its
 * `$skiptoken` or from the start, and `nextToken` makes the token of the page after a row. OData 4.01 Part 1
 * §11.2.6.7 (server-driven paging) and §8.2.8.5 (`odata.maxpagesize`).
 *
 * A page is read in chunks of at most `CHUNK_ROWS` rows (+1 look-ahead row that tells whether another page exists),
 * so a streamed answer holds a chunk, not the page (`src/http/odata-router.ts` writes them). Where its rows come from:
 * - a later page of an answer kept in memory (`page-snapshots.ts`) is sliced from its snapshot with no upstream
 *   call, once the credential is known to still work (`credential-liveness.ts`); on a miss (expired, evicted, another
 *   replica) the token's keyset cursor (`keyset-cursor.ts`) continues the walk on live data;
 * - otherwise the executor reads the page (`PageReader.execute`), chunk after chunk, each continuing after the last
 *   row of the one before by its keyset cursor (as the next page would); a read that sorted the whole set here hands
 *   over its ordered rows at once (held against the request's row budget, `memory-budget.ts`) and the rest of the
 *   answer is kept as a snapshot.
 *
 * Nothing here knows express: the router passes the query (with its token), the binding (resource, canonical query,
 * credential) and the `Prefer` header, and writes what comes back; `spec/paging/` drives it with a fake executor.
 */
import type { Logger } from '../logger';
import type { ODataQuery, Row } from '../odata/ast';
import { ODataError } from '../odata/errors';
import type { EntitySetDefinition } from '../entity-sets/model';
import type { ExecuteOptions, QueryResult } from '../plan/execute-query';
import type { BitbucketClient, UpstreamCredential } from '../bitbucket';
import type { CredentialCheck } from './shared-credential-liveness';
import { cursorOf, rowAtCursor } from './keyset-cursor';
import type { RowLease } from '../memory/memory-budget';
import { pageWindow, restOfAnswer, type PageWindow } from './page-window';
import { preferredPageSize } from './preferred-page-size';
import type { PagingSnapshotStore } from './page-snapshots';
import { snapshotColumns } from './snapshot-columns';
import { HELD_PAGE_COLUMNS, heldPageRowCount, heldPageRows, heldPagesBinding, heldPagesFrom, heldPagesOfValue, heldPagesValue, pagesToHold } from './held-pages';
import { holdPagesFor, type HeldPages } from '../plan/upstream-position';
import { bindingHash, issueSkiptoken, MAX_LOCATED_CURSOR_BYTES, readSkiptoken, type PageContinuation, type SkiptokenBinding } from './skiptoken';

/**
 * Rows read, expanded and written at a time in a streamed answer (a page larger than this is streamed, issue #11.3):
 * a 100,000-row page holds one chunk of rows and of text, not the whole answer. At the default MAX_PAGE_SIZE (1000)
 * every page is one chunk, sent as one body with a Content-Length.
 */
export const CHUNK_ROWS = 1000;

export interface SkipTokenHandlerOptions {
  /** Key that signs tokens and snapshot bindings (`SKIPTOKEN_SECRET`). */
  secret: Buffer;
  /** Most rows per page (`MAX_PAGE_SIZE`); `Prefer: odata.maxpagesize` may ask for fewer. */
  maxPageSize: number;
  /** In process (`PageSnapshots`), or shared by replicas in Redis (`RedisPageSnapshots`). */
  snapshots: PagingSnapshotStore;
  liveness: CredentialCheck;
  logger?: Logger;
}

/** What a page's reads go through: the executor bound to the request, and the credential they are made with. */
export interface PageReader {
  /** `executeQuery` for the page's entity set and the request's context. */
  execute(query: ODataQuery, options: ExecuteOptions): Promise<QueryResult>;
  credential: UpstreamCredential;
  /** Asked `GET /user` when a snapshot page must re-check the credential (`CredentialLiveness`). */
  client: Pick<BitbucketClient, 'get'>;
  signal?: AbortSignal;
}

export interface PageRequest {
  def: EntitySetDefinition;
  /** The client's query: its `$orderby` makes the cursor, its `$top` bounds the walk, `$skiptoken` continues it. */
  query: ODataQuery;
  /** What every page executes: the query with the filter the URL implies and what expansions need selected. */
  fetched: ODataQuery;
  /** What the token is bound to (resource, the query options but `$skiptoken`, the credential's identity). */
  binding: SkiptokenBinding;
  /** The request's `Prefer` header (`odata.maxpagesize` sets the page size of the walk). */
  prefer?: string;
  reader: PageReader;
  /** The request's share of the row budget: rows a whole-set read holds, released when a snapshot takes them. */
  lease: RowLease;
}

/** One page: its rows in chunks of at most CHUNK_ROWS + 1; `count` and `snapshot` are known after the first chunk. */
export interface Page {
  /** Rows of this page at most (a further row read means another page exists). */
  pageSize: number;
  /** The page size a `Prefer: odata.maxpagesize` got (`Preference-Applied`), when the request preferred one. */
  preferenceApplied?: number;
  /** The page continues a walk (it came with a `$skiptoken`). */
  continued: boolean;
  count?: number;
  /** The snapshot the rest of the walk is served from (kept by this page, or the one it was read from). */
  snapshot?: string;
  /** No further chunk. */
  done: boolean;
  next(): Promise<Row[]>;
}

/** What `nextToken` and `endWalk` need of a page besides what the router reads. */
interface PageState extends Page {
  request: PageRequest;
  window: PageWindow;
  /** The page size the walk asked for, carried in its tokens (undefined: the server's). */
  walkPageSize?: number;
  /** The binding's keyed hash (`bindingHash`), computed on first read. */
  readonly snapshotKey: string;
  /** The Bitbucket pages this page's last rows came on, kept for the next page (`held-pages.ts`). */
  held?: string;
}

export class SkipTokenHandler {
  constructor(private readonly options: SkipTokenHandlerOptions) {}

  /**
   * Operation 1: the page `request` asks for (its token applied to the query), ready to be read chunk by chunk. A
   * token or preference that cannot be honoured throws here, before any read; reading starts with the first `next()`.
   */
  servePage(request: PageRequest): Page {
    const { secret, maxPageSize } = this.options;
    const { def, query, fetched, binding } = request;
    // The binding's hash keys the page's snapshot and checks its token and the next one: computed once, when first
    // needed (a token read or issued, a snapshot or held pages kept or read). It is two HMACs, and a page that is the
    // whole answer (`$top=100` of a commit list) needs none of them (issue #15: latency added per upstream page).
    let snapshotKey: string | undefined;
    const keyOfBinding = (): string => (snapshotKey ??= bindingHash(secret, binding));
    const continuation = query.skiptoken ? readSkiptoken(secret, query.skiptoken, binding, keyOfBinding()) : undefined;
    const after = continuation?.cursor ? rowAtCursor(def, query.orderby, continuation.cursor) : undefined;
    if (continuation?.cursor && !after) throw new ODataError('InvalidSkipToken', { reason: 'it is malformed' });
    const preferred = preferredPageSize(request.prefer);
    // A nextLink followed without the header keeps the page size its walk asked for (carried in the token).
    const walkPageSize = preferred ?? continuation?.pageSize;
    const pageSize = Math.min(walkPageSize ?? maxPageSize, maxPageSize);
    const window = pageWindow(fetched, continuation, pageSize);
    const page: PageState = {
      pageSize: window.pageSize,
      ...(preferred !== undefined ? { preferenceApplied: pageSize } : {}),
      continued: continuation !== undefined,
      count: continuation?.count,
      done: false,
      next: async () => {
        await this.start(page, continuation, after);
        return page.next();
      },
      request,
      window,
      ...(walkPageSize !== undefined ? { walkPageSize } : {}),
      get snapshotKey() {
        return keyOfBinding();
      },
    };
    return page;
  }

  /**
   * Where the page's rows come from, decided on its first read: a later page of an answer kept in memory is sliced
   * from its snapshot, with no upstream call; on a miss (expired, evicted, another replica) the token's cursor
   * continues on live data.
   */
  private async start(page: PageState, continuation: PageContinuation | undefined, after: Row | undefined): Promise<void> {
    const { snapshots, liveness, logger } = this.options;
    const { def, query, reader, lease } = page.request;
    const { window } = page;
    const want = window.query.top ?? Infinity;
    const id = continuation?.snapshot;
    if (id !== undefined) {
      const snapshotKey = page.snapshotKey;
      const slice = (from: number) => Math.min(want - from, CHUNK_ROWS + 1);
      const kept = await snapshots.read(id, snapshotKey, window.served, slice(0));
      logger?.debug('paging snapshot', { entitySet: def.name, event: kept ? 'hit' : 'miss', served: window.served });
      if (kept) {
        await liveness.assertLive(reader.credential, reader.client, reader.signal);
        page.snapshot = id;
        let got = 0;
        let pending: Row[] | undefined = kept;
        page.next = async () => {
          const asked = slice(got);
          // A snapshot gone between two chunks of one page (Redis evicted it) breaks the answer, never shortens it.
          const rows = pending ?? (await snapshots.read(id, snapshotKey, window.served + got, asked)) ?? snapshotLost();
          pending = undefined;
          got += rows.length;
          page.done = rows.length < asked || got >= want;
          return rows;
        };
        return;
      }
    }
    // The Bitbucket pages the previous page held for this one: its reads start with them instead of asking again.
    if (continuation?.held !== undefined && after) await this.takeHeldPages(page, continuation.held, after);
    let got = 0;
    let afterRow = after;
    page.next = async () => {
      const firstChunk = got === 0;
      const rest = want - got;
      // The last chunk carries the look-ahead row; a chunk before it needs none (the next chunk tells).
      const ask = rest <= CHUNK_ROWS + 1 ? rest : CHUNK_ROWS;
      // The first chunk of a page that fits in one (the usual page) asks what the window says: its query as it is.
      const chunkQuery = firstChunk ? (window.query.top === ask ? window.query : { ...window.query, top: ask }) : { ...window.query, skip: undefined, count: false, top: ask };
      // A page streamed in several chunks takes rows as the executor reads them where their order needs no sort here
      // (`ExecuteOptions.stream`): its first chunk after one Bitbucket page, not after CHUNK_ROWS rows (issue #11).
      const stream = firstChunk && window.pageSize > CHUNK_ROWS ? { stream: want === Infinity ? {} : { top: want } } : {};
      const result = await reader.execute(chunkQuery, { after: afterRow, reportOrdered: firstChunk && snapshots.accepts(1), wholeAnswer: query.top === undefined, ...stream });
      if (firstChunk) page.count = result.count ?? continuation?.count;
      const feed = result.feed;
      if (feed) {
        page.next = async () => {
          const rows = await feed.next(CHUNK_ROWS + 1);
          got += rows.length;
          page.done = rows.length === 0 || got >= want;
          return rows;
        };
        return page.next();
      }
      if (firstChunk && result.ordered && ask < want) {
        // The whole set is in hand: the rest of the page comes from it, chunk by chunk, with no further read.
        const skip = window.query.skip ?? 0;
        const rows = result.ordered.slice(skip, want === Infinity ? undefined : skip + want);
        await this.keepRest(page, continuation, lease, result.ordered, rows.length);
        let at = 0;
        page.next = async () => {
          const chunk = rows.slice(at, at + CHUNK_ROWS + 1);
          at += chunk.length;
          page.done = at >= rows.length;
          return chunk;
        };
        return page.next();
      }
      if (firstChunk && result.ordered) await this.keepRest(page, continuation, lease, result.ordered, result.rows.length);
      // This chunk holds the page's last row and the look-ahead row: keep the Bitbucket pages they came on.
      const lastAt = window.pageSize - 1 - got;
      if (!page.snapshot && lastAt >= 0 && lastAt + 1 < result.rows.length) await this.holdPages(page, result.rows[lastAt], result.rows[lastAt + 1]);
      got += result.rows.length;
      page.done = result.ordered !== undefined || result.rows.length < ask || got >= want;
      const last = result.rows[result.rows.length - 1];
      if (!page.done && last) {
        const cursor = cursorOf(def, query.orderby, last, { maxLocatedBytes: MAX_LOCATED_CURSOR_BYTES });
        afterRow = cursor ? rowAtCursor(def, query.orderby, cursor) : undefined;
        if (!afterRow) throw new ODataError('Internal', { reference: 'chunk cursor' });
      }
      return result.rows;
    };
  }

  /** Operation 2: the `$skiptoken` of the page that follows `last`, the last row `page` served. */
  nextToken(page: Page, last: Row): string {
    const state = page as PageState;
    const { def, query, binding } = state.request;
    const served = state.window.served + state.window.pageSize;
    const cursor = cursorOf(def, query.orderby, last, { maxLocatedBytes: MAX_LOCATED_CURSOR_BYTES });
    const continuation: PageContinuation = {
      served,
      cursor,
      count: page.count,
      ...(page.snapshot ? { snapshot: page.snapshot } : {}),
      ...(state.held !== undefined ? { held: state.held } : {}),
      // The page size the walk asked for travels with it, so a nextLink followed without the header keeps it.
      ...(state.walkPageSize !== undefined ? { pageSize: Math.min(state.walkPageSize, this.options.maxPageSize) } : {}),
    };
    return issueSkiptoken(this.options.secret, continuation, binding, state.snapshotKey);
  }

  /** The walk has reached its last page: free its snapshot's rows now rather than at expiry. */
  endWalk(page: Page): void {
    if (!page.snapshot) return;
    // The answer is complete; a drop that fails (Redis away) only leaves the snapshot to its idle expiry.
    Promise.resolve(this.options.snapshots.drop(page.snapshot, (page as PageState).snapshotKey)).catch((error: unknown) =>
      this.options.logger?.warn('paging snapshot not dropped', { error: error instanceof Error ? error.message : String(error) }),
    );
  }

  /**
   * Keep the Bitbucket pages that `last` (the page's last row) and `lookAhead` came on, for the next page of the walk
   * (`held-pages.ts`). Only rows that know their page carry any (ordered by upstream position); not kept is no error.
   */
  private async holdPages(page: PageState, last: Row, lookAhead: Row): Promise<void> {
    const { snapshots, liveness, logger } = this.options;
    const pages = pagesToHold(last, lookAhead);
    const rows = heldPageRowCount(pages);
    if (!snapshots.accepts(rows)) return;
    const binding = heldPagesBinding(page.snapshotKey);
    // Kept as read where the store can (in process), else as rows of JSON (`held-pages.ts`).
    page.held = snapshots.keepValue ? snapshots.keepValue(binding, heldPagesValue(pages), rows) : await snapshots.keep(binding, 0, HELD_PAGE_COLUMNS, heldPageRows(pages));
    // Bitbucket has just answered this credential: the next page may serve what it holds without asking it again.
    if (page.held) await liveness.confirm(page.request.reader.credential);
    logger?.debug('held pages', { entitySet: page.request.def.name, event: page.held ? 'kept' : 'not kept', rows });
  }

  /**
   * The pages the previous page held (`holdPages`), handed to the executor with the cursor row they continue after.
   * Served without a call, so the credential must be known to still work, as for a snapshot's rows. Read once: the
   * pages are dropped at once (a repeated nextLink reads Bitbucket again). A miss reads Bitbucket, as before.
   */
  private async takeHeldPages(page: PageState, id: string, after: Row): Promise<void> {
    const { snapshots, liveness, logger } = this.options;
    const { def, reader } = page.request;
    const binding = heldPagesBinding(page.snapshotKey);
    let held: HeldPages | undefined;
    if (snapshots.readValue) held = heldPagesOfValue(snapshots.readValue(id, binding));
    else {
      const rows = await snapshots.read(id, binding, 0, Infinity);
      held = rows ? heldPagesFrom(rows) : undefined;
    }
    logger?.debug('held pages', { entitySet: def.name, event: held ? 'hit' : 'miss' });
    if (!held) return;
    await liveness.assertLive(reader.credential, reader.client, reader.signal);
    holdPagesFor(after, held);
    Promise.resolve(snapshots.drop(id, binding)).catch((error: unknown) =>
      logger?.warn('held pages not dropped', { error: error instanceof Error ? error.message : String(error) }),
    );
  }

  /**
   * The executor read and sorted the whole set (the order cannot come from Bitbucket): keep the rest of the answer
   * rather than read the set again for every later page. Where it stopped early the cursor is already cheap. The
   * request's rows leave its budget share first: the snapshot holds its own share of what it keeps.
   */
  private async keepRest(page: PageState, continuation: PageContinuation | undefined, lease: RowLease, ordered: Row[], pageRows: number): Promise<void> {
    const { snapshots, liveness, logger } = this.options;
    const { def, fetched, reader } = page.request;
    const window = page.window;
    if (pageRows <= window.pageSize) return;
    const rest = restOfAnswer(window, ordered);
    lease.release();
    if (snapshots.accepts(rest.length)) page.snapshot = await snapshots.keep(page.snapshotKey, window.served + window.pageSize, snapshotColumns(def, fetched), rest, { walked: continuation !== undefined });
    // Bitbucket has just answered this credential: later pages from the snapshot need not ask it again for a while.
    if (page.snapshot) await liveness.confirm(reader.credential);
    logger?.debug('paging snapshot', { entitySet: def.name, event: page.snapshot ? 'kept' : 'not kept', rows: rest.length });
  }
}

function snapshotLost(): never {
  throw new ODataError('Internal', { reference: 'paging snapshot lost mid-page' });
}
