/** The Power Automate webhook triggers the declarations define, for the connector (see ./webhook-trigger.ts). */
import type { WebhookTrigger } from './webhook-trigger';
import type { EntitySetDefinition } from './model';
import { ENTITY_SETS } from './registry';

export function webhookTriggers(definitions: readonly EntitySetDefinition[] = ENTITY_SETS): WebhookTrigger[] {
  return definitions.flatMap((def) => (def.triggers ?? []).map((trigger) => ({ ...trigger, entitySet: def.name })));
}
