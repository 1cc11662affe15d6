import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultState } from '../faults/fault-state';
import type { WebhookRecord } from '../seed/records';

/**
 * Webhook delivery as Bitbucket Cloud does it ("Event payloads" and "Troubleshoot webhooks", support.atlassian.com;
 * "Enhanced webhook security", bitbucket.org/blog/enhanced-webhook-security):
 * - one POST per webhook with the JSON payload and `X-Event-Key`, `X-Hook-UUID`, `X-Request-UUID`, `X-Attempt-Number`;
 * - `X-Hub-Signature: sha256=<lowercase hex HMAC-SHA256(secret, body bytes)>` when the webhook has a secret, over
 *   exactly the bytes sent;
 * - "After the first request, Bitbucket tries to send the payload two more times if the previous attempts fail": 3
 *   attempts in all, the same `X-Request-UUID` and body each time. A failure is a network error, a timeout (Bitbucket
 *   gives up after 10 s) or an answer in the 500-599 range ("If the status code ... is in the 500-599 range, Bitbucket
 *   automatically resends the request up to two more times"); any other answer (2xx, and 3xx/4xx, which a retry would
 *   not change) ends the delivery. After the third failure the delivery is dropped.
 *
 * Bitbucket only accepts public URLs and nothing here reaches the internet, so every delivery goes to one relay
 * (`relayUrl`, a loopback server in tests) with the webhook's own URL in `X-Sandbox-Webhook-Url`. Without a relay
 * nothing is sent. Deliveries run after the write is answered; their outcome never changes the write.
 */
export const DELIVERY_ATTEMPTS = 3;

export interface WebhookDeliverySettings {
  /** Where every delivery goes (`SANDBOX_WEBHOOK_RELAY_URL`); none: nothing is delivered. */
  relayUrl?: string;
  /** Wait before attempts 2 and 3. */
  retryDelayMs: number;
  /** An attempt without an answer by then counts as a timeout (Bitbucket: 10 s). */
  timeoutMs: number;
}

/** What happened to deliveries since start-up (or `resetStats`): for tests of lost and retried notices. */
export interface WebhookDeliveryStats {
  /** Answered 2xx (at any attempt). */
  delivered: number;
  /** Ended by a non-2xx answer that is not retried, or by the third failed attempt. */
  failed: number;
  /** Never sent: lost to the `webhookDropRate` fault. */
  dropped: number;
  /** Attempts made, first ones and retries. */
  attempts: number;
}

/** `sha256=` and the lowercase hex HMAC-SHA256 of `body` under `secret`, as `X-Hub-Signature` carries it. */
export function webhookSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

type Outcome = 'delivered' | 'failed' | 'retry';

const NO_STATS: WebhookDeliveryStats = { delivered: 0, failed: 0, dropped: 0, attempts: 0 };

/** One sandbox instance's deliveries (sandbox-state.ts): its settings, the deliveries under way and their counts. */
export class WebhookDelivery {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private counts: WebhookDeliveryStats = { ...NO_STATS };

  constructor(private readonly settings: WebhookDeliverySettings, private readonly faults: FaultState) {}

  get enabled(): boolean {
    return this.settings.relayUrl !== undefined;
  }

  /** Sends one event to each of `hooks` (in the background); the same body bytes to all, each its own request UUID. */
  send(hooks: readonly WebhookRecord[], eventKey: string, payload: Record<string, unknown>): void {
    const relayUrl = this.settings.relayUrl;
    if (relayUrl === undefined || hooks.length === 0) return;
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    for (const hook of hooks) {
      if (this.lost()) {
        this.counts.dropped += 1;
        continue;
      }
      const delivery = this.deliver(relayUrl, hook, eventKey, body).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  /** Resolves once every delivery started so far has ended (delivered, failed after its retries, or abandoned). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  stats(): WebhookDeliveryStats {
    return { ...this.counts };
  }

  resetStats(): void {
    this.counts = { ...NO_STATS };
  }

  /** Abandons the deliveries under way (pending retries are not sent): the sandbox is closing. */
  close(): void {
    this.closing.abort();
  }

  /** The `webhookDropRate` fault: 1 loses every delivery; in between, the fault PRNG decides (it draws only then). */
  private lost(): boolean {
    const rate = this.faults.current().webhookDropRate;
    return rate >= 1 || (rate > 0 && this.faults.draw() < rate);
  }

  private async deliver(relayUrl: string, hook: WebhookRecord, eventKey: string, body: Buffer): Promise<void> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'Bitbucket-Webhooks/2.0',
      'X-Event-Key': eventKey,
      'X-Hook-UUID': hook.uuid.replace(/^\{|\}$/g, ''),
      'X-Request-UUID': randomUUID(),
      'X-Sandbox-Webhook-Url': hook.url,
      ...(hook.secret !== null ? { 'X-Hub-Signature': webhookSignature(hook.secret, body) } : {}),
    };
    try {
      for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt += 1) {
        if (attempt > 1) await sleep(this.settings.retryDelayMs, undefined, { signal: this.closing.signal });
        const outcome = await this.attempt(relayUrl, { ...headers, 'X-Attempt-Number': String(attempt) }, body);
        if (outcome !== 'retry') {
          this.counts[outcome] += 1;
          return;
        }
      }
      this.counts.failed += 1;
    } catch {
      // Aborted because the sandbox closed: the delivery is abandoned, as a restart loses Bitbucket's queue.
    }
  }

  private async attempt(relayUrl: string, headers: Record<string, string>, body: Buffer): Promise<Outcome> {
    if (this.closing.signal.aborted) throw new Error('closed');
    this.counts.attempts += 1;
    try {
      const response = await fetch(relayUrl, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.settings.timeoutMs), this.closing.signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return 'delivered';
      return response.status >= 500 ? 'retry' : 'failed';
    } catch (error) {
      if (this.closing.signal.aborted) throw error;
      return 'retry'; // A network error or a timeout.
    }
  }
}
