/**
 * Whether a credential still works, for answers served without asking Bitbucket: a later page of a walk served from
 * its paging snapshot (page-snapshots.ts) calls nothing upstream, so without this a token revoked (or an API token
 * deleted, an OAuth grant withdrawn) after the first page went on reading the snapshot, private repositories' rows
 * included (issue #11.6).
 *
 * A credential is confirmed by any read Bitbucket answered with it (the first page of the walk read the set) or by
 * `GET /user` (Bitbucket's cheapest call that every credential may make; the start-up check uses it too), and a
 * confirmation holds for `CREDENTIAL_RECHECK_SECONDS` (60 s by default): a revoked credential reads at most that
 * long from a snapshot, and a walk costs at most one extra call a minute per credential. Bitbucket's 401 or 403
 * to that call refuses the page with 401 (no rows). Other failures (5xx, timeouts) answer as any upstream failure:
 * an unverified credential is never served.
 *
 * Confirmations are kept under a keyed hash of the credential, never the credential itself, and swept when stale.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { UpstreamError, type BitbucketClient, type UpstreamCredential } from '../bitbucket';
import { unauthorized } from '../unauthorized';

export class CredentialLiveness {
  /** Keyed hash of a credential → when Bitbucket last accepted it; oldest first (re-inserted on every update). */
  private readonly confirmed = new Map<string, number>();
  private readonly key = randomBytes(32);
  /**
   * The hash of each credential object met, while the object lives (with the text it was made of, so that it is never
   * used for another): a walk's page checks its credential (`assertLive`, for held pages) and confirms it (`confirm`,
   * after Bitbucket answered) with the request's one object, and each hash is an HMAC (issue #15: CPU per page).
   */
  private readonly hashes = new WeakMap<UpstreamCredential, { text: string; hash: string }>();
  private readonly recheckMs: number;

  constructor(
    recheckSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.recheckMs = recheckSeconds * 1000;
  }

  /** Bitbucket has just answered a read made with `credential`. */
  confirm(credential: UpstreamCredential): void {
    const hash = this.hashOf(credential);
    this.confirmed.delete(hash);
    this.confirmed.set(hash, this.now());
  }

  /** Resolves when `credential` was confirmed within the recheck time or Bitbucket accepts it now; else 401. */
  async assertLive(credential: UpstreamCredential, client: Pick<BitbucketClient, 'get'>, signal?: AbortSignal): Promise<void> {
    const now = this.now();
    this.sweep(now);
    const at = this.confirmed.get(this.hashOf(credential));
    if (at !== undefined && now - at < this.recheckMs) return;
    try {
      await client.get<unknown>('/user', { fields: 'uuid' }, credential, signal);
    } catch (error) {
      if (error instanceof UpstreamError && (error.kind === 'unauthorized' || error.kind === 'forbidden')) {
        throw unauthorized(`Bitbucket no longer accepts this credential (${error.upstreamMessage ?? `status ${error.status ?? error.kind}`}), so the rest of this answer is not served. Sign in again and start from the first page.`);
      }
      throw error;
    }
    this.confirm(credential);
  }

  private sweep(now: number): void {
    for (const [hash, at] of this.confirmed) {
      if (now - at < this.recheckMs) break;
      this.confirmed.delete(hash);
    }
  }

  private hashOf(credential: UpstreamCredential): string {
    const text = credential.kind === 'bearer' ? `bearer:${credential.token}` : credential.kind === 'basic' ? `basic:${credential.username}:${credential.password}` : 'none';
    const known = this.hashes.get(credential);
    if (known?.text === text) return known.hash;
    const hash = createHmac('sha256', this.key).update(text).digest('base64url');
    this.hashes.set(credential, { text, hash });
    return hash;
  }
}
