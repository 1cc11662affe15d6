/**
 * Server-driven paging tokens. A `$skiptoken` carries where the next page starts: the last served row's values of
 * the answer's total order (a keyset cursor, `keyset-cursor.ts`), the number of rows served (for `$top`),
 * the first page's `@odata.count` and, when the answer was kept in memory, the id of its paging snapshot
 * (`page-snapshots.ts`; the cursor stays in the token for when the snapshot is gone). It is signed with HMAC and
 * bound to the entity set, the rest of the query and a keyed hash of the caller's credential: a token replayed for
 * another query or by another user is refused, and it reveals nothing about the credential.
 *
 * Tokens end up in URLs (Power Query's default MaxUriLength is 2048), so the payload is a compact JSON array
 * `[binding, served, cursor, count?]`, `[binding, served, cursor, count|null, snapshot]` with a snapshot, or
 * `[binding, served, cursor, count|null, snapshot|null, pageSize]` when the walk asked for smaller pages
 * (`Prefer: odata.maxpagesize`), so that following a nextLink without the header keeps the page size, and
 * `[binding, served, cursor, count|null, null, pageSize|null, held]` when the page kept the Bitbucket pages its last
 * rows came on for the next one (`held-pages.ts`; never beside a snapshot, which serves the rest without reading). A cursor
 * that would make the token longer than MAX_TOKEN_LENGTH (an order on a long text) is left out (`cursor` null): that
 * page continues by offset, correct but re-reading the rows before it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LiteralValue } from '../odata/ast';
import { ODataError } from '../odata/errors';

export interface SkiptokenBinding {
  /** Resource path, e.g. `PullRequests` or `Repositories(Workspace='w',Slug='r')/PullRequests`. */
  resource: string;
  /** Every query option except `$skiptoken`, in a canonical order. */
  query: string;
  /** Identity of the credential (e.g. `bearer:<token>`); hashed with the key, never stored. */
  credential: string;
}

/**
 * Every query option except `$skiptoken`, in a canonical order (the router canonicalises OData 4.01 option names
 * first, `canonicalQueryString`): a token continues the query it was issued for, however its options are ordered.
 */
export function queryBinding(raw: string): string {
  return raw
    .split('&')
    .filter((part) => part && !/^(%24|\$)skiptoken=/i.test(part))
    .sort()
    .join('&');
}

/** Where a continuation page starts. */
export interface PageContinuation {
  /** Rows of the answer already served (they count against `$top`). */
  served: number;
  /** The last served row's values of the total order; undefined: continue `served` rows into the answer instead. */
  cursor?: LiteralValue[];
  /** The first page's `@odata.count`, when `$count=true` asked for it. */
  count?: number;
  /** Id of the paging snapshot holding the rest of the answer (`page-snapshots.ts`), when one was kept. */
  snapshot?: string;
  /** The page size the walk's first request preferred (`odata.maxpagesize`), for pages that do not say it again. */
  pageSize?: number;
  /** Id of the Bitbucket pages the previous page held for this one (`held-pages.ts`); meaningful with a cursor only. */
  held?: string;
}

/** Longest token issued with a cursor: a few hundred characters leave room for the rest of a 2048-character URL. */
export const MAX_TOKEN_LENGTH = 512;

/**
 * Most bytes of JSON a cursor carrying a Bitbucket page location may take (`cursorOf`): the token is base64url of the
 * JSON payload plus `.` and a 43-character signature, so its payload may take (512 - 44) * 3 / 4 = 351 bytes, and the
 * rest of the payload (binding hash, rows served, count, snapshot id, page size, brackets) takes at most about 110.
 */
export const MAX_LOCATED_CURSOR_BYTES = Math.floor(((MAX_TOKEN_LENGTH - 44) * 3) / 4) - 110;
/** More cursor values than any order can have (validation of a decoded token). */
const MAX_CURSOR_VALUES = 64;

function digest(secret: Buffer, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}

/**
 * The keyed hash of a binding that a token carries; a paging snapshot is stored under it too, so that only a token
 * of the same binding reads it.
 */
export function bindingHash(secret: Buffer, binding: SkiptokenBinding): string {
  return digest(secret, JSON.stringify([binding.resource, binding.query, digest(secret, binding.credential)])).slice(0, 22);
}

function sign(secret: Buffer, payload: unknown[]): string {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${digest(secret, encoded)}`;
}

/** Values that survive JSON unchanged: NaN or Infinity would come back as null and misplace the cursor. */
function isCursorValue(value: unknown): value is LiteralValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
/** A snapshot id as `PageSnapshots` makes them: 16 random bytes in base64url. */
const isSnapshotId = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{22}$/.test(value);

/**
 * `hash`: the binding's `bindingHash` when the caller has it already (a page checks its token, keys its snapshot and
 * issues the next token under one binding; each computation is two HMACs).
 */
export function issueSkiptoken(secret: Buffer, continuation: PageContinuation, binding: SkiptokenBinding, hash = bindingHash(secret, binding)): string {
  const { served, cursor, count, snapshot, pageSize, held } = continuation;
  const tail =
    pageSize !== undefined ? [count ?? null, snapshot ?? null, pageSize] : snapshot !== undefined ? [count ?? null, snapshot] : count === undefined ? [] : [count];
  if (cursor && cursor.every(isCursorValue)) {
    // Held pages continue the cursor's stream, so they go only with a cursor (and never beside a snapshot).
    const withHeld = held !== undefined && snapshot === undefined ? [count ?? null, null, pageSize ?? null, held] : tail;
    const token = sign(secret, [hash, served, cursor, ...withHeld]);
    if (token.length <= MAX_TOKEN_LENGTH) return token;
    if (withHeld !== tail) {
      const without = sign(secret, [hash, served, cursor, ...tail]);
      if (without.length <= MAX_TOKEN_LENGTH) return without;
    }
  }
  return sign(secret, [hash, served, null, ...tail]);
}

function malformed(): ODataError {
  return new ODataError('InvalidSkipToken', { reason: 'it is malformed' });
}

interface TokenFields {
  hash: unknown;
  served: unknown;
  cursor: unknown;
  count: unknown;
  snapshot: unknown;
  pageSize?: unknown;
  held?: unknown;
}

const isPageSize = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;

/** Decoded payload fields, from the array form or the offset-only object form `{o, b}` of earlier versions. */
function fieldsOf(decoded: unknown): TokenFields {
  if (Array.isArray(decoded)) {
    if (decoded.length < 3 || decoded.length > 7) throw malformed();
    const [hash, served, cursor, count, snapshot, pageSize, held] = decoded as unknown[];
    if (decoded.length === 7) {
      if (snapshot !== null || (pageSize !== null && !isPageSize(pageSize)) || !isSnapshotId(held) || cursor === null) throw malformed();
      return { hash, served, cursor, count: count === null ? undefined : count, snapshot: undefined, ...(pageSize !== null ? { pageSize } : {}), held };
    }
    if (decoded.length === 6) {
      if ((snapshot !== null && !isSnapshotId(snapshot)) || !isPageSize(pageSize)) throw malformed();
      return { hash, served, cursor, count: count === null ? undefined : count, snapshot: snapshot ?? undefined, pageSize };
    }
    if (decoded.length === 5) {
      if (!isSnapshotId(snapshot)) throw malformed();
      return { hash, served, cursor, count: count === null ? undefined : count, snapshot };
    }
    return { hash, served, cursor, count, snapshot: undefined };
  }
  if (decoded !== null && typeof decoded === 'object') {
    const { o, b } = decoded as { o?: unknown; b?: unknown };
    return { hash: b, served: o, cursor: null, count: undefined, snapshot: undefined };
  }
  throw malformed();
}

/** `hashOfBinding`: the binding's `bindingHash` when the caller has it already (see `issueSkiptoken`). */
export function readSkiptoken(secret: Buffer, token: string, binding: SkiptokenBinding, hashOfBinding?: string): PageContinuation {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw malformed();
  const expected = Buffer.from(digest(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ODataError('InvalidSkipToken', { reason: 'its signature does not match' });
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  const { hash, served, cursor, count, snapshot, pageSize, held } = fieldsOf(decoded);
  if (typeof hash !== 'string' || !isCount(served) || (count !== undefined && !isCount(count))) throw malformed();
  if (cursor !== null && !(Array.isArray(cursor) && cursor.length > 0 && cursor.length <= MAX_CURSOR_VALUES && cursor.every(isCursorValue))) throw malformed();
  if (hash !== (hashOfBinding ?? bindingHash(secret, binding))) {
    throw new ODataError('InvalidSkipToken', { reason: 'it was issued for another query or another credential' });
  }
  return {
    served,
    ...(cursor ? { cursor } : {}),
    ...(count !== undefined ? { count } : {}),
    ...(typeof snapshot === 'string' ? { snapshot } : {}),
    ...(isPageSize(pageSize) ? { pageSize } : {}),
    ...(typeof held === 'string' ? { held } : {}),
  };
}
