/**
 * Response and request-body schemas from the EdmModel: one definition per entity type (what reads return) and, for
 * types that can be written, a `…CreateInput` and an `…UpdateInput` with just what each operation accepts.
 */
import { isComputed, type EdmEntitySet, type EdmModel, type EdmProperty } from '../odata/edm';
import { lowerWords, titleCase, withArticle } from './display-name';
import { schemaForEdmType } from './schema-for-edm-type';
import type { SwaggerSchema } from './swagger-types';

type DescribedValue = Pick<EdmProperty, 'name' | 'type' | 'nullable' | 'description'> & { allowedValues?: readonly string[] };

export function propertySchema(property: DescribedValue): SwaggerSchema {
  return {
    ...schemaForEdmType(property.type),
    description: property.description,
    'x-ms-summary': titleCase(property.name),
    // A closed list becomes a drop-down in the Power Apps / Power Automate designer.
    ...(property.allowedValues ? { enum: [...property.allowedValues] } : {}),
    ...(property.nullable ? { 'x-nullable': true } : {}),
  };
}

export function entityRef(set: EdmEntitySet): SwaggerSchema {
  return { $ref: `#/definitions/${set.typeName}` };
}

export type WriteKind = 'create' | 'update';

export function inputRef(set: EdmEntitySet, kind: WriteKind): SwaggerSchema {
  return { $ref: `#/definitions/${inputName(set, kind)}` };
}

function inputName(set: EdmEntitySet, kind: WriteKind): string {
  return `${set.typeName}${kind === 'create' ? 'Create' : 'Update'}Input`;
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

/**
 * The body of a create or an update: only what that operation accepts. A create marks what Bitbucket needs as
 * `required` (the designer asks for it first and will not run the action without it); the gateway validates the
 * same rules (src/entity-sets/write-schema.ts), so the two cannot disagree.
 */
function inputSchema(set: EdmEntitySet, kind: WriteKind): SwaggerSchema {
  const accepted = set.properties.filter((property) => (kind === 'create' ? property.writable?.onInsert : property.writable?.onUpdate));
  const required = kind === 'create' ? accepted.filter((property) => property.writable?.requiredOnInsert).map((property) => property.name) : [];
  const noun = lowerWords(set.typeName);
  return {
    type: 'object',
    description: kind === 'create' ? `The properties of a new ${noun}.` : `The properties of ${withArticle(noun)} that can change; give only those to change.`,
    properties: Object.fromEntries(
      accepted.map((property) => {
        if (!required.includes(property.name)) return [property.name, propertySchema(property)];
        // Required on create: never null there, whatever a read may answer later.
        return [property.name, { ...propertySchema({ ...property, nullable: false }), 'x-ms-visibility': 'important' as const }];
      }),
    ),
    ...(required.length > 0 ? { required } : {}),
  };
}

export function definitionsFor(model: EdmModel): Record<string, SwaggerSchema> {
  const definitions: Record<string, SwaggerSchema> = {};
  for (const set of typesOf(model)) {
    definitions[set.typeName] = {
      type: 'object',
      description: set.description,
      properties: Object.fromEntries(set.properties.map((property) => [property.name, { ...propertySchema(property), ...(isComputed(property) ? { readOnly: true } : {}) }])),
    };
    if (set.capabilities.insertable) definitions[inputName(set, 'create')] = inputSchema(set, 'create');
    if (set.capabilities.updatable) definitions[inputName(set, 'update')] = inputSchema(set, 'update');
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
