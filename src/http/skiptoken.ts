/**
 * Server-driven paging tokens. A `$skiptoken` carries only the number of rows already served, signed with HMAC and
 * bound to the entity set, the rest of the query and a keyed hash of the caller's credential: a token replayed for
 * another query or by another user is refused, and it reveals nothing about the credential.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ODataError } from '../odata/errors';

export interface SkiptokenBinding {
  /** Resource path, e.g. `PullRequests` or `Repositories(Workspace='w',Slug='r')/PullRequests`. */
  resource: string;
  /** Every query option except `$skiptoken`, in a canonical order. */
  query: string;
  /** Identity of the credential (e.g. `bearer:<token>`); hashed with the key, never stored. */
  credential: string;
}

function digest(secret: Buffer, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}

function bindingHash(secret: Buffer, binding: SkiptokenBinding): string {
  return digest(secret, JSON.stringify([binding.resource, binding.query, digest(secret, binding.credential)])).slice(0, 22);
}

export function issueSkiptoken(secret: Buffer, offset: number, binding: SkiptokenBinding): string {
  const payload = Buffer.from(JSON.stringify({ o: offset, b: bindingHash(secret, binding) })).toString('base64url');
  return `${payload}.${digest(secret, payload)}`;
}

export function readSkiptoken(secret: Buffer, token: string, binding: SkiptokenBinding): number {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw new ODataError('InvalidSkipToken', { reason: 'it is malformed' });
  const expected = Buffer.from(digest(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ODataError('InvalidSkipToken', { reason: 'its signature does not match' });
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new ODataError('InvalidSkipToken', { reason: 'it is malformed' });
  }
  const { o, b } = (decoded ?? {}) as { o?: unknown; b?: unknown };
  if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0 || typeof b !== 'string') {
    throw new ODataError('InvalidSkipToken', { reason: 'it is malformed' });
  }
  if (b !== bindingHash(secret, binding)) {
    throw new ODataError('InvalidSkipToken', { reason: 'it was issued for another query or another credential' });
  }
  return o;
}
