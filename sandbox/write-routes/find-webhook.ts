import type { WebhookRecord } from '../seed/records';
import { writeErrors } from './write-errors';

/** `{uid}` is the webhook's UUID, braced or not, in any case (the path takes it URL-encoded: `%7B...%7D`). */
export function findWebhook(hooks: readonly WebhookRecord[], uid: string): WebhookRecord {
  const wanted = uid.replace(/^\{|\}$/g, '').toLowerCase();
  const hook = hooks.find((h) => h.uuid.replace(/^\{|\}$/g, '').toLowerCase() === wanted);
  if (!hook) throw writeErrors.webhook(uid);
  return hook;
}
