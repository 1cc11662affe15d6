/**
 * Incremental reads of a repository's commit list (issue #14 item 3): a walk from the list's start that read it to
 * its end leaves the list's items here, per principal and request target; the next walk of the same list
 *
 * 1. within the freshness window of the response cache (UPSTREAM_CACHE_SECONDS, and no write through the gateway to
 *    its workspace since), serves the known list as the cache serves a fresh answer: no call;
 * 2. otherwise reads the repository's branch heads (`refs/branches`, one call: through the response cache, a 304 to its ETag
 *    when no branch moved, nothing at all within UPSTREAM_CACHE_SECONDS);
 * 3. when the known list is still exactly what the heads reach (`isWholeHistory`), serves it without reading a
 *    commit page;
 * 4. otherwise reads Bitbucket's pages from the start until it meets the known list's first commit with the rest of
 *    that page equal to the known list's beginning (`meetingPoint`), and serves the known rest when the new commits
 *    and the known list together are what the heads reach; else it reads the list to its end, as a cold read does.
 *
 * So the answer is always the list a cold read gives (the checks are over the commits' own parent links and the heads
 * Bitbucket lists now, append-only-history.ts); the memo only decides how much of it must travel again. A branch
 * moved by a force push, or deleted, fails the check and the list is read again.
 *
 * Bound to the principal: the key is a keyed hash of whose credential read it (as the response cache's), so another
 * user never meets it. Kept `keepSeconds`, compressed, in the shared store (Redis with REDIS_URL: replicas share it),
 * which bounds it like every cached answer.
 *
 * Known limit: a commit item embeds its author's Bitbucket user (`author.user.display_name`); a user renamed since
 * the memo was kept shows the old name on commits served from it until the memo is read again in full (at most
 * `keepSeconds`), unless the first page Bitbucket sends (always read when a branch moved) shows the change.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import { commitLinksOf, isWholeHistory, meetingPoint } from './append-only-history';
import type { ByteStore } from './byte-store';
import { isFresh } from './is-fresh';
import type { ListRevision } from './list-revision';
import { isPipelineStepList, pipelineStepsValidator, type PipelineRevision } from './pipeline-revision';
import { needsBranchTips, revisionSubListOf, revisionValidator, type PullRequestRevision, type RevisionSubList } from './pull-request-revision';
import { allVersioned, mergeById, updatedSince } from './updated-on-merge';
import type { BitbucketPage } from './bitbucket-page';
import type { UpstreamCredential } from './upstream-credential';
import { UpstreamError } from './upstream-error';
import { encodeUpstreamQuery, type UpstreamQuery } from './upstream-query';

const gzipAsync = promisify(gzip);


export interface ListMemoOptions {
  store: ByteStore;
  /** A keyed hash naming whose credential this is; never the credential itself. */
  principalKey: (credential: UpstreamCredential) => string;
  /** How long a list read to its end is kept for the next walk. */
  keepSeconds: number;
  /** A list kept (or checked against the heads) this recently is served without a call, as a fresh cached answer is. */
  freshSeconds: number;
  /** The response cache's generation of the path's scope: a write through the gateway changes it (response-cache.ts). */
  generation: (path: string) => Promise<string>;
  /**
   * Change notices (notice-trust.ts): the trust token of a list's path, when notices cover it; a list kept under a
   * token is served without a call while the token holds, up to `seconds`.
   */
  trust?: {
    token: (path: string) => Promise<string | undefined>;
    seconds: number;
    /** Whether Bitbucket accepted the credential within `freshSeconds`: a trusted list past the window needs it. */
    accepted: (credential: UpstreamCredential) => Promise<boolean>;
  };
  now?: () => number;
}

/** What is kept: the items, when they were read or last checked, and the scope's generation before that read. */
interface MemoEntry {
  savedAt: number;
  generation: string;
  trust?: string;
  items: unknown[];
}

/** An entry as loaded: with its items still compressed as kept, to keep them again unchanged without compressing. */
interface LoadedEntry extends MemoEntry {
  packedItems?: Buffer;
}

/**
 * How an entry is kept: this byte, the length of a small JSON header (savedAt, generation) as 4 bytes, the header, then
 * the items' JSON gzipped. A walk that finds the list unchanged keeps it again for its new time with the same
 * compressed items: stringifying and gzipping a repository's whole history (hundreds of KB) only to move `savedAt`
 * cost several ms of CPU per list, each time its heads were checked (one call). An entry kept whole as gzip (the
 * format before; gzip starts with 0x1f) is still read.
 */
const ENTRY_FORMAT = 0x02;

/** A page as the client yields it: where it was read (undefined for a page served from the memo). */
export interface MemoPage {
  page: BitbucketPage<unknown>;
  target?: string;
}

/**
 * A list read from its start by the client's own paging (through the budget; through the response cache unless
 * `cached` is false: the lists kept here are not kept there again, where their pages would crowd out the memo in a
 * store bounded by bytes).
 */
export type PageSource = (start: { path: string; query: UpstreamQuery }, options?: { cached?: boolean }) => AsyncIterable<MemoPage>;

/** A commit list the memo may keep, and where its branch heads are listed. */
export interface AppendOnlyList {
  kind: 'append-only';
  path: string;
  query: UpstreamQuery;
  headsPath: string;
}

/** A pull request list of every state in `id` order, refreshed by `updated_on` (updated-on-merge.ts). */
export interface UpdatedOnList {
  kind: 'updated-on';
  path: string;
  query: UpstreamQuery;
}

/**
 * A pull request's commits or diffstat, kept per revision (pull-request-revision.ts): served again while the validator
 * is the same, read in full (and kept under the new validator) otherwise.
 */
export interface RevisionList {
  kind: 'revision';
  path: string;
  query: UpstreamQuery;
  sub: RevisionSubList;
  revision: PullRequestRevision;
  /** Where the repository's branch tips are listed. */
  headsPath: string;
}

/** A pipeline's steps, kept per revision (pipeline-revision.ts): a completed pipeline's list served while it holds. */
export interface PipelineStepList {
  kind: 'revision';
  path: string;
  query: UpstreamQuery;
  sub: 'steps';
  revision: PipelineRevision;
}

export type MemoList = AppendOnlyList | UpdatedOnList | RevisionList | PipelineStepList;

export const listMemoMetrics = {
  /** Walks served from the memo within the freshness window: no call. */
  fresh: 0,
  /** Walks served whole from the memo: no branch moved. */
  unchanged: 0,
  /** Walks that read only the new commits at the head and served the rest from the memo. */
  grown: 0,
  /** Walks that found a memo but had to read the list again in full (force push, deleted branch, changed items). */
  reread: 0,
  /** Pull request lists refreshed by reading only what was updated since the memo's latest `updated_on`. */
  updated: 0,
  /** Pull request commits or diffstat served from the memo: the pull request's revision is unchanged. */
  sameRevision: 0,
  /** Pull request commits or diffstat read in full: no list kept for the revision, or no validator (a fork, no tips). */
  newRevision: 0,
  /** Pipeline steps served from the memo: the pipeline is completed and its revision unchanged. */
  sameRun: 0,
  /** Pipeline steps read in full: the pipeline has not completed, or no list is kept for its revision. */
  newRun: 0,
};

/** `/repositories/{workspace}/{repo_slug}/commits`: a revision in the path, include or exclude name another list. */
const COMMIT_LIST = /^(\/repositories\/[^/]+\/[^/]+)\/commits$/;
/** Query parameters that keep the list the whole history (`fields` must keep `hash` and `parents.hash`). */
const PLAIN_LIST_PARAMETERS = new Set(['pagelen', 'fields']);
/** Names too: the pull request sub-lists' validators read the same list (one cached answer per repository). */
const HEADS_QUERY: UpstreamQuery = { pagelen: 100, fields: 'next,values.name,values.target.hash' };
/** The pages of a list kept here bypass the response cache (the heads do not: their ETag makes the check a 304). */
const UNCACHED = { cached: false } as const;
/** Rows per page served from the memo when the query names no pagelen (Bitbucket's commits default). */
const DEFAULT_PAGELEN = 30;
/** A diffstat's default page ("The default value is 500", paginated_diffstats). */
const DEFAULT_DIFFSTAT_PAGELEN = 500;
/** Rows per page of steps served from the memo when the query names no pagelen (Bitbucket's default of 10). */
const DEFAULT_STEPS_PAGELEN = 10;
/** `/repositories/{workspace}/{repo_slug}/pullrequests`. */
const PULL_REQUEST_LIST = /^\/repositories\/[^/]+\/[^/]+\/pullrequests$/;
/** Every state Bitbucket has: with all of them, no pull request leaves the list by changing state. */
const ALL_STATES = ['DECLINED', 'MERGED', 'OPEN', 'SUPERSEDED'];
const PULL_REQUEST_LIST_PARAMETERS = new Set(['pagelen', 'fields', 'state', 'sort']);
/**
 * The next refresh asks for `updated_on` from this long before the latest one known: a write committed after the
 * previous read may carry an earlier time than one that read saw. Re-reading those few is harmless (merged by id).
 */
const UPDATED_ON_MARGIN_MS = 5 * 60_000;
/**
 * Fields whose changes are not known to move a pull request's `updated_on`: an approval, a request for changes, a
 * comment or a task is activity on the pull request, not an edit of it, and no public record (Bitbucket's API
 * reference, the evidence in bitbucket-real-behaviour.md) says Bitbucket Cloud bumps `updated_on` for them. A list
 * carrying any of them is read in full, never merged by `updated_on`: an approval count a day old that looks current
 * would be a wrong number that looks right. Nor does any record say a push to a branch moves `updated_on` of the pull
 * requests on it, so lists carrying their commits (the revisions pull-request-revision.ts validates with) are read in
 * full too.
 */
const UNVERSIONED_PULL_REQUEST_FIELDS = ['values.participants', 'values.comment_count', 'values.task_count', 'values.source.commit', 'values.destination.commit'];

export class ListMemo {
  readonly #options: ListMemoOptions;
  readonly #now: () => number;
  /** Branch lists being read now, by principal and repository (`#sharedTips`). */
  readonly #tipsInFlight = new Map<string, Promise<Map<string, string> | undefined>>();

  constructor(options: ListMemoOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The list a walk of `path` + `query` from its start reads, when it may be remembered; undefined otherwise.
   * `revision`: the parent a sub-list belongs to (the pull request of a commits or diffstat list, the pipeline of a step
   * list), as the caller just listed it.
   */
  listOf(path: string, query: UpstreamQuery, revision?: ListRevision): MemoList | undefined {
    if (PULL_REQUEST_LIST.test(path)) return updatedOnList(path, query);
    const plain = () => Object.entries(query).every(([name, value]) => value === undefined || PLAIN_LIST_PARAMETERS.has(name));
    const sub = revisionSubListOf(path);
    if (sub !== undefined) {
      if (revision?.kind !== 'pull-request' || !plain()) return undefined;
      return { kind: 'revision', path, query, sub: sub.sub, revision, headsPath: `${sub.repositoryPath}/refs/branches` };
    }
    if (isPipelineStepList(path)) {
      if (revision?.kind !== 'pipeline' || !plain()) return undefined;
      return { kind: 'revision', path, query, sub: 'steps', revision };
    }
    const match = COMMIT_LIST.exec(path);
    if (!match) return undefined;
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && !PLAIN_LIST_PARAMETERS.has(name)) return undefined;
    }
    const fields = query.fields;
    if (fields !== undefined) {
      const names = String(fields).split(',');
      if (!names.includes('values.hash') || !names.includes('values.parents.hash')) return undefined;
    }
    return { kind: 'append-only', path, query, headsPath: `${match[1]}/refs/branches` };
  }

  /** The pages of `list` from its start: the same items a cold read yields, reading as little of them as it can. */
  async *walk(list: MemoList, credential: UpstreamCredential, pages: PageSource): AsyncGenerator<MemoPage> {
    if (list.kind === 'revision') {
      yield* this.#walkRevision(list, credential, pages);
      return;
    }
    // Read before anything else, as the response cache does: a write racing this walk leaves its result stale.
    const [generation, trust] = await Promise.all([this.#options.generation(list.path), this.#options.trust?.token(`${list.path}?${encodeUpstreamQuery(list.query)}`)]);
    const key = this.#key(credential, list);
    const entry = credential.kind === 'none' ? undefined : await this.#load(key);
    // Anonymous reads are never kept (as the response cache keeps none); a list is kept only when the next walk can check it.
    const keep = (items: readonly unknown[]) => credential.kind !== 'none' && (list.kind === 'append-only' ? commitsCheckable(items) : allVersioned(items));
    const save = (items: readonly unknown[], packedItems?: Buffer) => (keep(items) ? this.#save(key, generation, items, false, packedItems, trust) : Promise.resolve());
    if (entry !== undefined && entry.items.length > 0) {
      const known = entry.items;
      // As the response cache judges an answer: a list kept under a trust token, walked with one, by the token alone.
      const notices = this.#options.trust;
      const fresh = await isFresh(
        { storedAt: entry.savedAt, generation: entry.generation, ...(entry.trust !== undefined ? { trust: entry.trust } : {}) },
        {
          at: this.#now(),
          generation,
          windowSeconds: this.#options.freshSeconds,
          ...(trust !== undefined && notices !== undefined ? { trust: { token: trust, seconds: notices.seconds, accepted: () => notices.accepted(credential) } } : {}),
        },
      );
      if (fresh) {
        listMemoMetrics.fresh += 1;
        yield* servedPages(known, pagelenOf(list.query), list.kind === 'updated-on');
        return;
      }
      if (list.kind === 'updated-on') {
        yield* this.#refreshByUpdatedOn(list, save, known, pages);
        return;
      }
      const heads = await this.#heads(list, credential, pages);
      if (heads !== undefined) {
        if (isWholeHistory(known, heads)) {
          listMemoMetrics.unchanged += 1;
          await save(known, entry.packedItems);
          yield* servedPages(known, pagelenOf(list.query));
          return;
        }
        yield* this.#grow(list, save, known, heads, pages);
        return;
      }
    }
    yield* this.#readRest(save, pages({ path: list.path, query: list.query }, UNCACHED)[Symbol.asyncIterator](), []);
  }

  /**
   * A pull request list: only what was updated since the latest `updated_on` known (less a margin) is read, merged
   * into the known list by id. A list Bitbucket refuses to filter (400) is read in full.
   */
  async *#refreshByUpdatedOn(list: UpdatedOnList, save: (items: readonly unknown[]) => Promise<void>, known: unknown[], pages: PageSource): AsyncGenerator<MemoPage> {
    const since = updatedSince(known, UPDATED_ON_MARGIN_MS);
    let merged: unknown[] | undefined;
    if (since !== undefined) {
      const changed: unknown[] = [];
      try {
        for await (const located of pages({ path: list.path, query: { ...list.query, q: `updated_on >= ${since}` } }, UNCACHED)) changed.push(...located.page.values);
        merged = mergeById(known, changed);
      } catch (error) {
        if (!(error instanceof UpstreamError && (error.kind === 'bad-request' || error.kind === 'server-error'))) throw error;
      }
    }
    if (merged === undefined) {
      listMemoMetrics.reread += 1;
      yield* this.#readRest(save, pages({ path: list.path, query: list.query }, UNCACHED)[Symbol.asyncIterator](), []);
      return;
    }
    listMemoMetrics.updated += 1;
    await save(merged);
    yield* servedPages(merged, pagelenOf(list.query), true);
  }

  /**
   * A pull request's commits or diffstat, or a pipeline's steps: the list kept under the same validator (read now,
   * before the list) is served without a call; otherwise the list is read in full and kept under it. Anonymous reads
   * are never kept.
   */
  async *#walkRevision(list: RevisionList | PipelineStepList, credential: UpstreamCredential, pages: PageSource): AsyncGenerator<MemoPage> {
    const read = () => pages({ path: list.path, query: list.query }, UNCACHED)[Symbol.asyncIterator]();
    const validator = credential.kind === 'none' ? undefined : await this.#validatorOf(list, credential, pages);
    if (validator === undefined) {
      count(list, 'new');
      yield* this.#readRest(() => Promise.resolve(), read(), []);
      return;
    }
    const key = this.#revisionKey(credential, list, validator);
    const entry = await this.#load(key);
    if (entry !== undefined) {
      count(list, 'same');
      // Page-numbered lists (diffstat, steps) carry `size` and `page`, as Bitbucket's own pages of them do.
      const fallback = list.sub === 'diffstat' ? DEFAULT_DIFFSTAT_PAGELEN : list.sub === 'steps' ? DEFAULT_STEPS_PAGELEN : DEFAULT_PAGELEN;
      yield* servedPages(entry.items, pagelenOf(list.query, fallback), list.sub !== 'commits');
      return;
    }
    count(list, 'new');
    // An empty list is kept too (a pull request whose source branch is gone lists no commits): it is an answer.
    yield* this.#readRest((items) => this.#save(key, '', items, true), read(), []);
  }

  /** The validator of a sub-list's revision; a pull request's commits (and an open one's diffstat) read branch tips. */
  async #validatorOf(list: RevisionList | PipelineStepList, credential: UpstreamCredential, pages: PageSource): Promise<string | undefined> {
    if (list.sub === 'steps') return pipelineStepsValidator(list.revision);
    const tips = needsBranchTips(list.sub, list.revision) ? await this.#sharedTips(this.#options.principalKey(credential), list.headsPath, pages) : undefined;
    return revisionValidator(list.sub, list.revision, tips);
  }

  /** Reads from the start until the known list's first commit; serves the known rest when the whole still checks. */
  async *#grow(list: AppendOnlyList, save: (items: readonly unknown[]) => Promise<void>, known: unknown[], heads: ReadonlySet<string>, pages: PageSource): AsyncGenerator<MemoPage> {
    const prefix: unknown[] = [];
    const iterator = pages({ path: list.path, query: list.query }, UNCACHED)[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const located = next.value;
      const values = located.page.values;
      const at = located.page.next === undefined ? undefined : meetingPoint(values, known);
      if (at !== undefined) {
        const merged = [...prefix, ...values.slice(0, at), ...known];
        if (isWholeHistory(merged, heads)) {
          listMemoMetrics.grown += 1;
          await save(merged);
          // Bitbucket's page ends the reading; the rest of the list comes from the memo (its `next` is not followed).
          await iterator.return?.(undefined);
          yield located;
          yield* servedPages(known.slice(values.length - at), pagelenOf(list.query));
          return;
        }
      }
      prefix.push(...values);
      if (located.page.next === undefined) {
        listMemoMetrics.reread += 1;
        await save(prefix);
        yield located;
        return;
      }
      // Not met yet (or met but the check failed: a force push, a deleted branch): the walk goes on as a cold read.
      yield located;
      if (at !== undefined) {
        listMemoMetrics.reread += 1;
        yield* this.#readRest(save, iterator, prefix);
        return;
      }
    }
  }

  /** The rest of a read from Bitbucket, every page, kept for the next walk once the last one is read (a cold read). */
  async *#readRest(save: (items: readonly unknown[]) => Promise<void>, iterator: AsyncIterator<MemoPage>, prefix: unknown[]): AsyncGenerator<MemoPage> {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      prefix.push(...next.value.page.values);
      // Kept before the last page is handed on: a consumer that stops at the last page never asks for more.
      if (next.value.page.next === undefined) await save(prefix);
      yield next.value;
    }
  }

  /**
   * `#tips`, one read per principal and repository at a time: the pull requests of a repository are read a few at a
   * time (fan-out concurrency), and each would otherwise list the branches before the first answer is in the response
   * cache. Once settled, the next ask reads again (through the response cache: fresh, or a 304).
   */
  #sharedTips(principal: string, headsPath: string, pages: PageSource): Promise<Map<string, string> | undefined> {
    const key = `${principal}\n${headsPath}`;
    const shared = this.#tipsInFlight.get(key);
    // Another request's read that failed (its client went away: its signal aborted it) is no answer for this one.
    if (shared !== undefined) return shared.catch(() => this.#tips(headsPath, pages));
    const reading = this.#tips(headsPath, pages).finally(() => this.#tipsInFlight.delete(key));
    this.#tipsInFlight.set(key, reading);
    return reading;
  }

  /**
   * Branch name → the commit it points at now, or undefined when the branches cannot be listed (a 403 or 404: the
   * sub-list is then read in full). The same list (`HEADS_QUERY`, through the response cache) as `#heads`.
   */
  async #tips(headsPath: string, pages: PageSource): Promise<Map<string, string> | undefined> {
    const tips = new Map<string, string>();
    try {
      for await (const located of pages({ path: headsPath, query: HEADS_QUERY })) {
        for (const branch of located.page.values) {
          const { name, target } = (typeof branch === 'object' && branch !== null ? branch : {}) as { name?: unknown; target?: { hash?: unknown } };
          if (typeof name !== 'string' || typeof target?.hash !== 'string') return undefined;
          tips.set(name, target.hash);
        }
      }
    } catch (error) {
      if (error instanceof UpstreamError && (error.kind === 'not-found' || error.kind === 'forbidden')) return undefined;
      throw error;
    }
    return tips;
  }

  /**
   * The hashes the repository's branches point at now, or undefined when they cannot be listed (a 403 or 404: the
   * commit list itself then answers, or fails, as a cold read does).
   */
  async #heads(list: AppendOnlyList, credential: UpstreamCredential, pages: PageSource): Promise<Set<string> | undefined> {
    const heads = new Set<string>();
    try {
      for await (const located of pages({ path: list.headsPath, query: HEADS_QUERY })) {
        for (const branch of located.page.values) {
          const hash = typeof branch === 'object' && branch !== null ? (branch as { target?: { hash?: unknown } }).target?.hash : undefined;
          if (typeof hash !== 'string') return undefined;
          heads.add(hash);
        }
      }
    } catch (error) {
      if (error instanceof UpstreamError && (error.kind === 'not-found' || error.kind === 'forbidden')) return undefined;
      throw error;
    }
    return heads;
  }

  #key(credential: UpstreamCredential, list: MemoList): string {
    const target = `${list.path}?${encodeUpstreamQuery(list.query)}`;
    return `lm:${credential.kind === 'none' ? '-' : this.#options.principalKey(credential)}:${createHash('sha256').update(target).digest('base64url')}`;
  }

  /** A sub-list's key: the principal, the request target and the validator (never the credential). */
  #revisionKey(credential: UpstreamCredential, list: RevisionList | PipelineStepList, validator: string): string {
    const target = `${list.path}?${encodeUpstreamQuery(list.query)}\n${validator}`;
    return `lm:${this.#options.principalKey(credential)}:r:${createHash('sha256').update(target).digest('base64url')}`;
  }

  async #load(key: string): Promise<LoadedEntry | undefined> {
    const stored = await this.#options.store.get(key);
    if (stored === undefined) return undefined;
    try {
      // Inflated on the event loop, as decode-body.ts does an answer: through the threadpool it cost 2-4× the CPU, and
      // the JSON.parse that follows blocks several times longer anyway. Compressing (slower) stays off the loop.
      if (stored[0] !== ENTRY_FORMAT) return memoEntry(JSON.parse(gunzipSync(stored).toString('utf8')) as Partial<MemoEntry>);
      const headerEnd = 5 + stored.readUInt32BE(1);
      const header = JSON.parse(stored.subarray(5, headerEnd).toString('utf8')) as Partial<MemoEntry>;
      const packedItems = stored.subarray(headerEnd);
      const entry = memoEntry({ ...header, items: JSON.parse(gunzipSync(packedItems).toString('utf8')) as unknown[] });
      return entry === undefined ? undefined : { ...entry, packedItems };
    } catch {
      return undefined; // An entry that does not decode is no memo: the list is read as if it were not there.
    }
  }

  /**
   * Keeps a whole list (the caller checked its items carry what the next walk checks). `packedItems`: the same items
   * as loaded, still compressed, kept again as they are.
   */
  async #save(key: string, generation: string, items: readonly unknown[], keepEmpty = false, packedItems?: Buffer, trust?: string): Promise<void> {
    if (items.length === 0 && !keepEmpty) return;
    const header = Buffer.from(JSON.stringify({ savedAt: this.#now(), generation, ...(trust !== undefined ? { trust } : {}) }), 'utf8');
    const packed = packedItems ?? (await gzipAsync(Buffer.from(JSON.stringify(items), 'utf8')));
    const prefix = Buffer.alloc(5);
    prefix[0] = ENTRY_FORMAT;
    prefix.writeUInt32BE(header.length, 1);
    await this.#options.store.set(key, Buffer.concat([prefix, header, packed]), Math.max(1, this.#options.keepSeconds));
  }
}

/** An entry's fields when they have their types; undefined otherwise (no memo). */
function memoEntry(entry: Partial<MemoEntry>): MemoEntry | undefined {
  const { savedAt, generation, trust, items } = entry;
  if (typeof savedAt !== 'number' || typeof generation !== 'string' || !Array.isArray(items)) return undefined;
  return typeof trust === 'string' ? { savedAt, generation, trust, items } : { savedAt, generation, items };
}

/**
 * The known items as Bitbucket-shaped pages; every page but the last says more follow (no link: nothing to follow).
 * `withSize`: the page carries `size` and `page`, as Bitbucket's page-numbered lists (pull requests) do.
 */
function* servedPages(items: readonly unknown[], pagelen: number, withSize = false): Generator<MemoPage> {
  // An empty list is one empty page, as Bitbucket answers it.
  if (items.length === 0) yield { page: { values: [], pagelen, ...(withSize ? { size: 0, page: 1 } : {}) } };
  for (let start = 0; start < items.length; start += pagelen) {
    const values = items.slice(start, start + pagelen);
    const page: BitbucketPage<unknown> = { values, pagelen, ...(withSize ? { size: items.length, page: start / pagelen + 1 } : {}) };
    if (start + pagelen < items.length) page.next = 'memo:';
    yield { page };
  }
}

/** A sub-list served from the memo ('same') or read ('new'), in the metric of its kind. */
function count(list: RevisionList | PipelineStepList, outcome: 'same' | 'new'): void {
  if (list.sub === 'steps') listMemoMetrics[outcome === 'same' ? 'sameRun' : 'newRun'] += 1;
  else listMemoMetrics[outcome === 'same' ? 'sameRevision' : 'newRevision'] += 1;
}

function commitsCheckable(items: readonly unknown[]): boolean {
  return items.every((item) => commitLinksOf(item) !== undefined);
}

/** A pull request list of every state in `id` order whose items carry `id` and `updated_on`; undefined otherwise. */
function updatedOnList(path: string, query: UpstreamQuery): UpdatedOnList | undefined {
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && !PULL_REQUEST_LIST_PARAMETERS.has(name)) return undefined;
  }
  if (query.sort !== 'id') return undefined;
  const states = Array.isArray(query.state) ? [...query.state].sort() : [];
  if (states.join(',') !== ALL_STATES.join(',')) return undefined;
  // Without `fields` the list carries comment_count and task_count (see below), so it is not kept.
  if (query.fields === undefined) return undefined;
  const names = String(query.fields).split(',');
  if (!names.includes('values.id') || !names.includes('values.updated_on')) return undefined;
  if (names.some((name) => UNVERSIONED_PULL_REQUEST_FIELDS.some((field) => name === field || name.startsWith(`${field}.`)))) return undefined;
  return { kind: 'updated-on', path, query };
}

function pagelenOf(query: UpstreamQuery, fallback = DEFAULT_PAGELEN): number {
  const pagelen = Number(query.pagelen);
  return Number.isSafeInteger(pagelen) && pagelen > 0 ? pagelen : fallback;
}
