/**
 * Fan-out parent lists (the caller's workspaces, each workspace's repositories, a repository's pull requests) kept
 * for the continuation pages of a walk (issue #15: every nextLink listed them again, so 100,000 commits in 100-row
 * pages cost 7,562 calls instead of 1,114). A list read by any page is kept up to `REUSE_MS`; a continuation page (one
 * with a keyset cursor) takes it from here instead of listing again, so a parent created meanwhile shows in the walk
 * at most a minute late (rows of a walk are the rows of its first page's time only when served from a snapshot). A
 * parent gone meanwhile gives a 404 on its stream, which is then confirmed by a by-key read of the parent and answered
 * as no rows (`mayBeGone`), never as an upstream error or a wrong row.
 *
 * Bound like the answers it feeds: per upstream client (one gateway's Bitbucket) and per principal (a keyed hash of the
 * credential, never the credential itself), in this process only, bounded in entries.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { BitbucketClient, UpstreamCredential } from '../bitbucket';
import type { Expr, Row } from '../odata/ast';
import type { ExecutionContext } from './execution-context';
import type { ParentLister } from './resolve-streams';

/** How long a listed parent list is reused by continuation pages. */
export const REUSE_MS = 60_000;
/** Most lists kept per upstream client; the oldest go first. */
const MAX_LISTS = 2_000;

const secret = randomBytes(32);
interface KeptList {
  values: string[];
  at: number;
  also?: { columns: readonly string[]; rows: readonly Row[] };
}

const kept = new WeakMap<BitbucketClient, Map<string, KeptList>>();
const reused = new WeakSet<ExecutionContext>();

function keyOf(credential: UpstreamCredential, entitySet: string, filter: Expr | undefined, property: string): string {
  const principal = createHmac('sha256', secret).update(JSON.stringify(credential)).digest('base64url');
  return JSON.stringify([principal, entitySet, filter ?? null, property]);
}

function listsOf(ctx: ExecutionContext): Map<string, KeptList> {
  let lists = kept.get(ctx.client);
  if (!lists) kept.set(ctx.client, (lists = new Map()));
  return lists;
}

/**
 * Keep a whole parent list just read (not one cut short by a `top`). `also`: the columns read besides (a pull request's
 * revision, parent-revisions.ts) and their rows, handed again to a continuation page that asks for them.
 */
export function rememberParentList(ctx: ExecutionContext, entitySet: string, filter: Expr | undefined, property: string, values: string[], also?: { columns: readonly string[]; rows: readonly Row[] }): void {
  const lists = listsOf(ctx);
  const key = keyOf(ctx.credential, entitySet, filter, property);
  lists.delete(key);
  lists.set(key, { values, at: Date.now(), ...(also ? { also } : {}) });
  while (lists.size > MAX_LISTS) lists.delete(lists.keys().next().value as string);
}

/** A lister for continuation pages: a kept list younger than `REUSE_MS`, else `list` (which keeps what it reads). */
export function reusingParentLists(list: ParentLister): ParentLister {
  return async (entitySet, filter, property, ctx, top, also, onPage) => {
    const found = top === undefined ? listsOf(ctx).get(keyOf(ctx.credential, entitySet, filter, property)) : undefined;
    // A list kept without the columns this page asks for besides is read again (they travel with the same call).
    const hasColumns = also === undefined || (found?.also !== undefined && also.columns.every((column) => found.also!.columns.includes(column)));
    if (found && hasColumns && Date.now() - found.at < REUSE_MS) {
      reused.add(ctx);
      if (also !== undefined && found.also !== undefined) also.keep(found.also.rows);
      return found.values;
    }
    return list(entitySet, filter, property, ctx, top, also, onPage);
  };
}

/** Whether a parent this request reads under may have gone since it was listed (it came from a kept list). */
export function mayBeGone(ctx: ExecutionContext): boolean {
  return reused.has(ctx);
}
