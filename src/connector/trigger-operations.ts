/**
 * Webhook triggers as connector operations. Registration reuses the gateway's own write path: a POST to the
 * navigation from the parent entity (so the trigger's path differs from the entity set's plain Create), whose 201
 * carries the `Location` Power Automate later deletes. The operation's 201 schema is the event payload, which is
 * how Power Platform learns what the notification body looks like.
 */
import { findEntitySet, type EdmEntitySet, type EdmModel } from '../odata/edm';
import { propertySchema } from './definitions-for';
import { titleCase } from './display-name';
import { ERROR_RESPONSE, OPERATION_VISIBILITY, plainSummary, type ConnectorOperation } from './operations-for';
import { keyParameters, keyPredicateTemplate } from './parameters-for';
import { schemaForEdmType } from './schema-for-edm-type';
import type { SwaggerSchema } from './swagger-types';
import type { PayloadField, WebhookTrigger } from '../entity-sets/webhook-trigger';

/** The parent set and navigation through which `set` entities are created, e.g. Repositories → Webhooks. */
function parentNavigation(model: EdmModel, set: EdmEntitySet): { parent: EdmEntitySet; navigation: string } {
  for (const parent of model.entitySets) {
    const navigation = parent.navigation.find((nav) => nav.collection && nav.target === set.name);
    if (navigation && !parent.singleton) return { parent, navigation: navigation.name };
  }
  throw new Error(`Trigger on ${set.name}: no entity set navigates to it, so there is no registration path`);
}

/** Nested object schema from dotted payload paths; `segment[]` is an array of objects (or of values at a leaf). */
export function payloadSchema(fields: readonly PayloadField[]): SwaggerSchema {
  const root: SwaggerSchema = { type: 'object', properties: {} };
  for (const field of fields) {
    const segments = field.path.split('.');
    let node = root;
    segments.forEach((segment, index) => {
      const isArray = segment.endsWith('[]');
      const name = isArray ? segment.slice(0, -2) : segment;
      const leaf = index === segments.length - 1;
      const properties = (node.properties ??= {});
      if (leaf) {
        const value: SwaggerSchema = { ...schemaForEdmType(field.type), description: field.description, 'x-ms-summary': titleCase(name) };
        properties[name] = isArray ? { type: 'array', items: value, description: field.description, 'x-ms-summary': titleCase(name) } : value;
        return;
      }
      const existing = properties[name] ?? (isArray ? { type: 'array', items: { type: 'object', properties: {} }, 'x-ms-summary': titleCase(name) } : { type: 'object', properties: {}, 'x-ms-summary': titleCase(name) });
      properties[name] = existing;
      node = isArray ? (existing.items as SwaggerSchema) : existing;
    });
  }
  return root;
}

function registrationBody(set: EdmEntitySet, trigger: WebhookTrigger): SwaggerSchema {
  const property = (name: string) => {
    const found = set.properties.find((p) => p.name === name);
    if (!found?.writable?.onInsert) throw new Error(`Trigger ${trigger.name}: ${set.name}.${name} cannot be given on create`);
    return found;
  };
  const fixed = Object.entries(trigger.fixedValues ?? {});
  return {
    type: 'object',
    properties: {
      [trigger.callbackProperty]: {
        ...schemaForEdmType(property(trigger.callbackProperty).type),
        description: 'The flow callback URL; Power Automate fills it in.',
        'x-ms-summary': 'Callback URL',
        'x-ms-notification-url': true,
        'x-ms-visibility': 'internal',
      },
      [trigger.eventProperty]: {
        ...propertySchema({ ...property(trigger.eventProperty), nullable: false, allowedValues: trigger.events }),
        description: 'The event that starts the flow.',
        'x-ms-summary': 'Event',
        default: trigger.events[0],
        'x-ms-visibility': 'important',
      },
      ...Object.fromEntries(
        fixed.map(([name, value]) => [name, { ...schemaForEdmType(property(name).type), description: property(name).description, 'x-ms-summary': titleCase(name), default: value, 'x-ms-visibility': 'internal' as const }]),
      ),
    },
    required: [trigger.callbackProperty, trigger.eventProperty, ...fixed.map(([name]) => name)],
  };
}

export function triggerOperations(model: EdmModel, triggers: readonly WebhookTrigger[]): ConnectorOperation[] {
  return triggers.map((trigger) => {
    const set = findEntitySet(model, trigger.entitySet);
    if (!set) throw new Error(`Trigger ${trigger.name}: unknown entity set ${trigger.entitySet}`);
    const { parent, navigation } = parentNavigation(model, set);
    return {
      kind: 'trigger',
      entitySet: set.name,
      method: 'post',
      path: `/${parent.name}${keyPredicateTemplate(parent)}/${navigation}`,
      operation: {
        operationId: trigger.name,
        summary: plainSummary(trigger.summary),
        description: trigger.description,
        tags: [set.name],
        'x-ms-visibility': OPERATION_VISIBILITY.trigger,
        parameters: [
          ...keyParameters(parent),
          { name: 'body', in: 'body', required: true, schema: registrationBody(set, trigger), 'x-ms-summary': 'Subscription', description: `The ${titleCase(set.typeName).toLowerCase()} that delivers the events.` },
        ],
        responses: { '201': { description: 'The event, as the service posts it to the flow.', schema: payloadSchema(trigger.payload) }, default: ERROR_RESPONSE },
        'x-ms-trigger': 'single',
        'x-ms-trigger-hint': trigger.hint,
      },
    };
  });
}
