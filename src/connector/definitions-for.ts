/**
 * Response and request-body schemas from the EdmModel: one definition per entity type (what reads return, with its
 * navigation properties as `$expand` answers them) and, for types that can be written, a `…CreateInput` and an
 * `…UpdateInput` with just what each operation accepts.
 */
import { findEntitySet, isComputed, type EdmEntitySet, type EdmModel, type EdmNavigationProperty, type EdmProperty } from '../odata/edm';
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

/** The structural properties of an entity as reads answer them; what the server computes is read-only. */
function structuralProperties(set: EdmEntitySet): Record<string, SwaggerSchema> {
  return Object.fromEntries(set.properties.map((property) => [property.name, { ...propertySchema(property), ...(isComputed(property) ? { readOnly: true } : {}) }]));
}

/** Said of every navigation property: a read without `$expand` leaves it out (OData JSON Format §8.3). */
const EXPANDED_ONLY = 'Present when $expand names it.';

/**
 * A navigation property as `$expand` answers it (OData JSON Format §8.3): a single-valued one is the related entity
 * inline, or null when there is none; a collection-valued one is an array of them. The related entity is inlined with
 * its structural properties only, never a `$ref` to its definition: the gateway expands one level (MaxLevels 1), and
 * the definition would bring the target's own navigation and with it cycles (Repository → PullRequests → Repository)
 * that the designer would unfold without end. Advanced: the fields are empty unless the maker asked for them.
 */
function navigationSchema(model: EdmModel, navigation: EdmNavigationProperty): SwaggerSchema {
  const target = findEntitySet(model, navigation.target);
  if (!target) throw new Error(`Navigation ${navigation.name} targets ${navigation.target}, which the model does not declare`);
  const entity: SwaggerSchema = { type: 'object', description: target.description, properties: structuralProperties(target) };
  const noun = lowerWords(navigation.collection ? target.name : target.typeName);
  const label = { 'x-ms-summary': titleCase(navigation.name), 'x-ms-visibility': 'advanced' as const };
  if (navigation.collection) return { type: 'array', items: entity, description: `The related ${noun}. ${EXPANDED_ONLY}`, ...label };
  return { ...entity, description: `The related ${noun}, or null when there is none. ${EXPANDED_ONLY}`, ...label, 'x-nullable': true };
}

export function definitionsFor(model: EdmModel): Record<string, SwaggerSchema> {
  const definitions: Record<string, SwaggerSchema> = {};
  // Navigation belongs to the entity type (CSDL §8); the first set of a type speaks for it, as it does for the rest.
  for (const set of typesOf(model)) {
    definitions[set.typeName] = {
      type: 'object',
      description: set.description,
      properties: {
        ...structuralProperties(set),
        ...Object.fromEntries(set.navigation.map((navigation) => [navigation.name, navigationSchema(model, navigation)])),
      },
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
