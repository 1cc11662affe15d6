/**
 * Credentials Bitbucket refused lately with 401, so the same credential presented again is answered the same 401
 * without a Bitbucket call. Anyone can make up a credential; without this memo each request carrying a made-up or
 * revoked one costs a call, and Bitbucket may count failed calls against the gateway host's address like anonymous
 * ones (60 an hour per IP, support.atlassian.com/bitbucket-cloud/docs/api-request-limits/), which the gateway's own
 * anonymous calls need.
 *
 * - Kept `REFUSED_CREDENTIAL_SECONDS` (60 s). A credential Bitbucket accepts again (a revocation undone, a brownout
 *   over, or a token refused as "not supported for this endpoint" on one route and valid on another) stays refused
 *   here for at most that long.
 * - In this process, an LRU bounded by entries, not in the shared store: a flood of distinct made-up credentials then
 *   pushes out only older refusals, never the response cache or the budget's counts of real callers, and adds no
 *   Redis write per bad credential (the budget already makes one; with a second, the flood of
 *   spec/budget/unconfirmed-credentials.spec.ts got 503s from a Redis at maxmemory). Each replica pays one call per
 *   refused credential and minute.
 * - Keyed by the keyed hash the caller gives (`credentialKey`: the principal's, src/http/upstream-principal.ts), never
 *   the credential; the value holds only what Bitbucket answered (its message, content type and challenge), so the
 *   replayed 401 is the first one's. `credentialKey` returns undefined for a credential not to memo.
 * - Only 401: a 403 is a valid credential without a scope for one resource, and a network failure or a 5xx says
 *   nothing about the credential.
 */
import { LRUCache } from 'lru-cache';
import type { UpstreamCredential } from './upstream-credential';
import { UpstreamError, type UpstreamErrorDetails } from './upstream-error';

export const REFUSED_CREDENTIAL_SECONDS = 60;
/** Refusals kept at once; the least recently used go first. */
const REFUSED_CREDENTIALS_MAX = 10_000;

export interface RefusedCredentialsOptions {
  credentialKey: (credential: UpstreamCredential) => string | undefined;
  /** Epoch milliseconds; specs pass a clock they move. */
  now?: () => number;
}

/** What is kept of Bitbucket's 401: nothing the client sent. */
type Refusal = Pick<UpstreamErrorDetails, 'upstreamMessage' | 'contentType' | 'wwwAuthenticate' | 'problem'>;

export class RefusedCredentials {
  readonly #credentialKey: RefusedCredentialsOptions['credentialKey'];
  readonly #refused: LRUCache<string, Refusal>;

  constructor(options: RefusedCredentialsOptions) {
    this.#credentialKey = options.credentialKey;
    this.#refused = new LRUCache<string, Refusal>({
      max: REFUSED_CREDENTIALS_MAX,
      ttl: REFUSED_CREDENTIAL_SECONDS * 1000,
      ttlAutopurge: false,
      ...(options.now ? { perf: { now: options.now } } : {}),
    });
  }

  /** The 401 to answer instead of calling Bitbucket, when it refused this credential lately; else undefined. */
  refusal(credential: UpstreamCredential, method: string, url: string): UpstreamError | undefined {
    // Asked before every attempt, and its key is an HMAC of the credential (~2-8 µs, and in the profile of a read by key
    // the largest of the gateway's own costs in front of the call, issue #15): with nothing refused in the last minute,
    // as nearly always, no key can match, so none is derived. The count includes refusals expired but not yet purged,
    // which only costs the derivation.
    if (this.#refused.size === 0) return undefined;
    const key = this.#key(credential);
    const refusal = key === undefined ? undefined : this.#refused.get(key);
    return refusal === undefined ? undefined : new UpstreamError({ ...refusal, kind: 'unauthorized', status: 401, method, url, attempts: 0 });
  }

  /** Bitbucket answered `error`: a 401 is kept, anything else is ignored. */
  answered(credential: UpstreamCredential, error: UpstreamError): void {
    if (error.status !== 401 || error.kind !== 'unauthorized') return;
    const key = this.#key(credential);
    if (key !== undefined) this.#refused.set(key, pick(error));
  }

  #key(credential: UpstreamCredential): string | undefined {
    return credential.kind === 'none' ? undefined : this.#credentialKey(credential);
  }
}

function pick(from: Refusal): Refusal {
  const refusal: Refusal = {};
  if (from.upstreamMessage !== undefined) refusal.upstreamMessage = from.upstreamMessage;
  if (from.contentType !== undefined) refusal.contentType = from.contentType;
  if (from.wwwAuthenticate !== undefined) refusal.wwwAuthenticate = from.wwwAuthenticate;
  if (from.problem !== undefined) refusal.problem = from.problem;
  return refusal;
}
