/**
 * A Power Automate webhook trigger (learn.microsoft.com, "Create a webhook trigger" for custom connectors), as data.
 *
 * The flow subscribes by calling the trigger's operation, which creates an entity of `entitySet` (through the
 * navigation from its parent, e.g. `Repositories(…)/Webhooks`) with the flow's callback URL in `callbackProperty`.
 * The 201's `Location` is the new entity; the platform sends `DELETE` to it when the flow is turned off or deleted.
 * The service then posts each event to the callback; `payload` describes that body for the flow designer.
 */
import type { EdmType } from '../odata/ast';

export interface PayloadField {
  /** Dotted path in the posted JSON; `[]` after a segment marks an array, e.g. `push.changes[].new.name`. */
  path: string;
  type: EdmType;
  description: string;
}

export interface WebhookTrigger {
  /** Becomes the operationId: PascalCase, e.g. `WhenRepositoryEventOccurs`. */
  name: string;
  /** The trigger's title in the designer, e.g. "When a repository event occurs". */
  summary: string;
  description: string;
  /** Entity set whose entities are the subscriptions (e.g. `Webhooks`). */
  entitySet: string;
  /** Property that receives the flow's callback URL. */
  callbackProperty: string;
  /** Property naming the event subscribed to, with its allowed values (the first is the default). */
  eventProperty: string;
  events: readonly string[];
  /** Other writable properties the trigger sets itself, hidden from the maker (e.g. Active: true). */
  fixedValues?: Readonly<Record<string, string | boolean>>;
  /** Shown under the trigger while a flow waits for its first event. */
  hint: string;
  payload: readonly PayloadField[];
}
