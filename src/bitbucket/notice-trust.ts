/**
 * Extended trust in cached answers of repositories whose changes Bitbucket announces by webhook (issue #14): a cached
 * answer of a covered path (change-notices.ts) in a workspace whose workspace webhook delivers to this gateway
 * (`WEBHOOK_WORKSPACES`) stays fresh up to `trustSeconds` while no notice, and no write through the gateway, marked its
 * repository or workspace changed since the answer's lookup.
 *
 * Right or loud: a wrong answer that looks current is the worst outcome, so trust is withdrawn whenever the gateway
 * cannot be sure it would have heard of a change:
 * - Marks are random tokens (as the response cache's workspace generations). One that is absent (never made, expired,
 *   evicted by Redis) is made anew with a random value (`setAllIfAbsent`: SET NX, so replicas agree on one), never read
 *   as a default an old entry could carry.
 * - The token is read before the fetch and stored with the answer, so a notice racing a read leaves that answer stale.
 * - A gap in receiving (every replica down longer than Bitbucket's retries: deliveries lost) revokes every trust: each
 *   replica refreshes a shared "receiver alive" record every `beatSeconds`; a replica that finds it missing starts a
 *   new trust epoch, which every token carries. A replica trusts only while its own last refresh is recent.
 * - The record cannot see a gap shorter than its lifetime, and Bitbucket sends its retries at once (a community
 *   report: "all the retries appear to happen instantly after the 500 response",
 *   community.developer.atlassian.com/t/webhooks-retries-how-to-delay-or-re-request/41486): a lone replica restarted in
 *   10 s loses what was delivered meanwhile. So a replica starts a new epoch at its own start, before it trusts.
 * - A notice this replica received but could not mark (the store refused it: 503) is lost once Bitbucket's retries
 *   fail too, which they will while the store refuses: the replica trusts nothing until it has started a new epoch.
 * - Such a notice, or a signed delivery it could not read, starts the new epoch in the shared store at once (a
 *   delivery it could not read, before the receiver answers): the other replicas meet it at their next token, not at
 *   this replica's next alive refresh (up to `beatSeconds` later, meanwhile serving trusted answers the missed notice
 *   may have made stale).
 *
 * What this cannot see: a delivery Bitbucket gave up on while some replica was alive (three attempts failed), or a
 * webhook removed or disabled in Bitbucket. Both are bounded by `trustSeconds`.
 */
import { randomUUID } from 'node:crypto';
import type { ByteStore } from './byte-store';
import { coveredRepositoryOf, type ChangeNotice } from './change-notices';
import { repositoryGenerationKey, workspaceGenerationKey } from './generation-keys';

/** A store that can create values only where there are none, several in one round trip (src/storage's SharedStore). */
export interface MarkStore extends ByteStore {
  setAllIfAbsent(entries: ReadonlyArray<{ key: string; value: Buffer; ttlSeconds: number }>): Promise<Buffer[]>;
}

export interface NoticeTrustOptions {
  store: MarkStore;
  /** Workspace IDs whose workspace webhook delivers here (`WEBHOOK_WORKSPACES`); others keep the ordinary window. */
  workspaces: readonly string[];
  /** Longest a covered answer stays fresh without a notice (`WEBHOOK_TRUST_SECONDS`). */
  trustSeconds: number;
  /**
   * The shared record says a receiver is alive for this long after its last refresh (default 30 s). Bitbucket gives a
   * delivery three attempts in all (support.atlassian.com/bitbucket-cloud/docs/event-payloads/); a gap shorter than
   * this goes unseen, so it is kept short.
   */
  aliveSeconds?: number;
  /** Each replica refreshes the record this often (default 10 s). */
  beatSeconds?: number;
  /**
   * An answer read this soon after a notice marked its repository (or workspace) keeps the ordinary window
   * (`UPSTREAM_CACHE_SECONDS`; default 60 s): Bitbucket brings what depends on a change up to date after announcing
   * it (a push's open pull requests' diffs, "updated transparently as internal updates without notifying webhook
   * listeners": bitbucket.status.atlassian.com/incidents/jydtjggcm07s), so such a read may still show the state
   * before it, and must not be trusted for `trustSeconds`.
   */
  settleSeconds?: number;
  now?: () => number;
}

export const noticeTrustMetrics = {
  /**
   * Trust epochs started: the receiver-alive record missing (a gap), a replica starting, a notice it could not mark, a
   * signed delivery it could not read.
   */
  epochsStarted: 0,
  /** Refreshes of the receiver-alive record the store refused (trust lapses if they keep failing). */
  beatsFailed: 0,
};

const EPOCH_KEY = 'rc-notice:epoch';
const ALIVE_KEY = 'rc-notice:alive';
/** The epoch lives long: its loss only costs calls (a new one is made), but each loss costs a whole refresh. */
const EPOCH_SECONDS = 7 * 24 * 3600;
const DEFAULT_ALIVE_SECONDS = 30;
const DEFAULT_BEAT_SECONDS = 10;
const DEFAULT_SETTLE_SECONDS = 60;

/** A notice's mark: a random token, and when it was made (this replica's clock), so readers know how recent it is. */
function noticeMark(now: number): Buffer {
  return Buffer.from(`${randomUUID()}@${now}`);
}

/** When a notice made `mark`; undefined for marks made otherwise (absent ones made anew, a write's). */
function markedAt(mark: Buffer): number | undefined {
  const at = /@(\d+)$/.exec(mark.toString());
  return at === null ? undefined : Number(at[1]);
}

export class NoticeTrust {
  readonly trustSeconds: number;
  readonly #options: NoticeTrustOptions;
  readonly #now: () => number;
  readonly #workspaces: ReadonlySet<string>;
  readonly #settleMs: number;
  readonly #aliveMs: number;
  readonly #beatMs: number;
  /** When this replica last refreshed the alive record (its clock); undefined before the first refresh. */
  #lastBeat: number | undefined;
  /**
   * New trust epochs asked for; one is due (and this replica trusts nothing) while fewer were written: one at its start
   * (deliveries sent while it started may be lost), one after each notice it could not mark and each signed delivery
   * it could not read (`missed`). Counted, not a flag: a write under way when another is asked for does not satisfy it.
   */
  #epochsAsked = 1;
  /** The count of epochs asked for when the last epoch this replica wrote was asked for (see `#startEpoch`). */
  #epochsWritten = 0;
  #beating: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: NoticeTrustOptions) {
    this.#options = options;
    this.trustSeconds = options.trustSeconds;
    this.#now = options.now ?? Date.now;
    this.#settleMs = (options.settleSeconds ?? DEFAULT_SETTLE_SECONDS) * 1000;
    this.#workspaces = new Set(options.workspaces.map((workspace) => workspace.toLowerCase()));
    this.#aliveMs = (options.aliveSeconds ?? DEFAULT_ALIVE_SECONDS) * 1000;
    this.#beatMs = Math.min(this.#aliveMs / 2, (options.beatSeconds ?? DEFAULT_BEAT_SECONDS) * 1000);
  }

  /** Marks live twice the trust: one lost early only costs calls, but each costs a repository's refresh. */
  get #markSeconds(): number {
    return 2 * this.#options.trustSeconds + 60;
  }

  /**
   * The trust token of a GET of `target` (relative to the API base, with its query): undefined when it is not covered
   * (change-notices.ts), its workspace is not declared, or this replica does not know the receiver alive. An answer
   * stored with a token is fresh while a later lookup reads the same token (and it is younger than `trustSeconds`).
   */
  async token(target: string): Promise<string | undefined> {
    const repository = coveredRepositoryOf(target);
    if (repository === undefined || !this.#workspaces.has(repository.workspace)) return undefined;
    if (!(await this.#knownAlive())) return undefined;
    const ttl = this.#markSeconds;
    const fresh = () => Buffer.from(randomUUID());
    const store = this.#options.store;
    // One round trip for the three (a MULTI on Redis): every covered read pays it.
    const [epoch, workspace, repo] = await store.setAllIfAbsent([
      { key: EPOCH_KEY, value: fresh(), ttlSeconds: EPOCH_SECONDS },
      { key: workspaceGenerationKey(repository.workspace), value: fresh(), ttlSeconds: ttl },
      { key: repositoryGenerationKey(repository.workspace, repository.slug), value: fresh(), ttlSeconds: ttl },
    ]);
    // Just after a notice, Bitbucket may still answer with the state before it: the ordinary window until it settles.
    const now = this.#now();
    const settling = (mark: Buffer) => {
      const at = markedAt(mark);
      return at !== undefined && now - at < this.#settleMs;
    };
    if (settling(workspace) || settling(repo)) return undefined;
    return `${epoch.toString()}/${workspace.toString()}/${repo.toString()}`;
  }

  /** A notice: its repository (or its whole workspace) changed for every principal. Rejects when the store does. */
  async apply(notice: ChangeNotice): Promise<void> {
    const [workspace, slug] = notice.fullName.split('/');
    const keys = notice.scope === 'workspace' ? [workspaceGenerationKey(workspace)] : [repositoryGenerationKey(workspace, slug)];
    for (const other of notice.alsoWorkspaces) keys.push(workspaceGenerationKey(other));
    if (notice.everyWorkspace) for (const declared of this.#workspaces) keys.push(workspaceGenerationKey(declared));
    try {
      await Promise.all(keys.map((key) => this.#options.store.set(key, noticeMark(this.#now()), this.#markSeconds)));
    } catch (error) {
      // Answered 503 and sent again by Bitbucket, but its retries come at once, most likely into the same refusal. The
      // new epoch is written at once (a store that refused one write may take the next); refused too, it stays due and
      // this replica's next refresh writes it. Not awaited: the mark's failure may have taken the store's command
      // timeout (5 s) of the 10 s Bitbucket waits for an answer ("If Bitbucket doesn't receive the response to a
      // request after 10 seconds, the request will timeout", support.atlassian.com/bitbucket-cloud/docs/troubleshoot-webhooks/),
      // and it resends a 5xx, which the 503 must stay.
      this.#epochsAsked += 1;
      void this.#startEpoch().catch(() => undefined);
      throw error;
    }
  }

  /**
   * A signed delivery this replica could not read (no event key, a body that is not an event payload): whatever it
   * announced is unknown, so every trust is withdrawn (a new epoch) rather than one change left unseen. Resolves once
   * the epoch is in the shared store (every replica's next token meets it); rejects when the store refuses it (it
   * stays due: this replica trusts nothing until a refresh writes it, and the others learn of it then).
   */
  async missed(): Promise<void> {
    this.#epochsAsked += 1;
    await this.#startEpoch();
  }

  /** The longest a write's workspace mark must live so that trusted answers meet it (response-cache.ts invalidate). */
  get markSeconds(): number {
    return this.#markSeconds;
  }

  /** Refreshes the alive record now and every `beatSeconds` (an unref'd timer: it never holds the process). */
  start(): void {
    if (this.#timer !== undefined) return;
    void this.beat();
    this.#timer = setInterval(() => void this.beat(), this.#beatMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * One refresh of the shared alive record; a new trust epoch when it was missing (no replica refreshed it within
   * `aliveSeconds`: deliveries may have been lost). Never rejects: a refused refresh is counted, and trust lapses
   * once this replica's last refresh is older than `aliveSeconds`.
   */
  beat(): Promise<void> {
    this.#beating ??= this.#refresh().finally(() => {
      this.#beating = undefined;
    });
    return this.#beating;
  }

  async #refresh(): Promise<void> {
    const started = this.#now();
    const store = this.#options.store;
    try {
      const alive = await store.get(ALIVE_KEY);
      if (alive === undefined || this.#epochDue) await this.#startEpoch();
      await store.set(ALIVE_KEY, Buffer.from('1'), this.#aliveMs / 1000);
      this.#lastBeat = started;
    } catch {
      noticeTrustMetrics.beatsFailed += 1;
    }
  }

  get #epochDue(): boolean {
    return this.#epochsWritten < this.#epochsAsked;
  }

  /**
   * Writes a new trust epoch to the shared store: every token read before it no longer matches, on every replica.
   * Satisfies only the epochs asked for before it was sent (one asked for meanwhile, by a notice refused or a delivery
   * not read while it was on its way, stays due); rejects when the store refuses it.
   */
  async #startEpoch(): Promise<void> {
    const asked = this.#epochsAsked;
    await this.#options.store.set(EPOCH_KEY, Buffer.from(randomUUID()), EPOCH_SECONDS);
    noticeTrustMetrics.epochsStarted += 1;
    this.#epochsWritten = Math.max(this.#epochsWritten, asked);
  }

  /** Whether this replica refreshed the alive record recently (refreshing it first when a refresh is due). */
  async #knownAlive(): Promise<boolean> {
    if (this.#epochDue || this.#lastBeat === undefined || this.#now() - this.#lastBeat >= this.#beatMs) await this.beat();
    return !this.#epochDue && this.#lastBeat !== undefined && this.#now() - this.#lastBeat < this.#aliveMs;
  }
}
