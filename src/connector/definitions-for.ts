/**
 * Response and request-body schemas from the EdmModel: one definition per entity type (what reads return) and, for
 * types that can be written, one `…Input` definition without the computed (read-only) properties.
 */
import type { EdmEntitySet, EdmModel, EdmProperty } from '../odata/edm';
import { titleCase } from './display-name';
import { schemaForEdmType } from './schema-for-edm-type';
import type { SwaggerSchema } from './swagger-types';

export function propertySchema(property: Pick<EdmProperty, 'name' | 'type' | 'nullable' | 'description' | 'readOnly'>): SwaggerSchema {
  return {
    ...schemaForEdmType(property.type),
    description: property.description,
    'x-ms-summary': titleCase(property.name),
    ...(property.nullable ? { 'x-nullable': true } : {}),
  };
}

export function entityRef(set: EdmEntitySet): SwaggerSchema {
  return { $ref: `#/definitions/${set.typeName}` };
}

export function inputRef(set: EdmEntitySet): SwaggerSchema {
  return { $ref: `#/definitions/${set.typeName}Input` };
}

function isWritable(set: EdmEntitySet): boolean {
  return set.capabilities.insertable || set.capabilities.updatable;
}

/** Entity types in model order, once each (two sets may share a type). */
function typesOf(model: EdmModel): EdmEntitySet[] {
  const seen = new Set<string>();
  return model.entitySets.filter((set) => {
    if (seen.has(set.typeName)) return false;
    seen.add(set.typeName);
    return true;
  });
}

export function definitionsFor(model: EdmModel): Record<string, SwaggerSchema> {
  const definitions: Record<string, SwaggerSchema> = {};
  for (const set of typesOf(model)) {
    definitions[set.typeName] = {
      type: 'object',
      description: set.description,
      properties: Object.fromEntries(
        set.properties.map((property) => [property.name, { ...propertySchema(property), ...(property.readOnly ? { readOnly: true } : {}) }]),
      ),
    };
    if (isWritable(set)) {
      // Required-on-create is decided by the gateway's write validation, which names the missing property.
      definitions[`${set.typeName}Input`] = {
        type: 'object',
        description: `The writable properties of ${titleCase(set.typeName).toLowerCase()}.`,
        properties: Object.fromEntries(set.properties.filter((property) => !property.readOnly).map((property) => [property.name, propertySchema(property)])),
      };
    }
  }
  return definitions;
}

/** A page of entities as OData JSON answers it (JSON Format §12): `value`, and `@odata.nextLink` when more follow. */
export function collectionSchema(set: EdmEntitySet): SwaggerSchema {
  return {
    type: 'object',
    properties: {
      value: { type: 'array', items: entityRef(set), description: `The ${titleCase(set.name).toLowerCase()} of this page.`, 'x-ms-summary': titleCase(set.name) },
      '@odata.nextLink': { type: 'string', description: 'URL of the next page; absent on the last page.', 'x-ms-summary': 'Next Link', 'x-ms-visibility': 'internal' },
      '@odata.count': { type: 'integer', format: 'int64', description: 'Total number of matching entities, when $count=true was asked.', 'x-ms-summary': 'Count', 'x-ms-visibility': 'advanced' },
    },
  };
}
