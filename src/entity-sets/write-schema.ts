/**
 * JSON Schemas for write bodies, generated from the declarations: which properties each operation takes, their
 * types, which are required, which values are allowed. `npm run schemas` writes them to `schemas/` (for people and
 * tools); a spec keeps those files equal to what this generates, and the gateway validates with the same objects.
 */
import type { EdmType } from '../odata/ast';
import type { ActionDefinition, EntitySetDefinition, PropertyDefinition } from './model';

export type WriteOperation = 'create' | 'update';

export interface JsonSchema {
  [keyword: string]: unknown;
}

/** Longest string accepted in a write body; Bitbucket's own limits are lower for most fields. */
const MAX_STRING = 65_536;

function typeSchema(type: EdmType, nullable: boolean, enumValues?: string[]): JsonSchema {
  const base: JsonSchema = (() => {
    switch (type) {
      case 'Edm.Int32':
        return { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
      case 'Edm.Int64':
        return { type: 'integer' };
      case 'Edm.Double':
      case 'Edm.Decimal':
        return { type: 'number' };
      case 'Edm.Boolean':
        return { type: 'boolean' };
      case 'Edm.DateTimeOffset':
        return { type: 'string', format: 'date-time' };
      case 'Edm.Date':
        return { type: 'string', format: 'date' };
      default:
        return { type: 'string', maxLength: MAX_STRING };
    }
  })();
  if (enumValues) base.enum = nullable ? [...enumValues, null] : enumValues;
  if (nullable) base.type = [base.type as string, 'null'];
  return base;
}

function propertySchema(property: PropertyDefinition): JsonSchema {
  return { description: property.description, ...typeSchema(property.type, property.nullable, property.write?.enum) };
}

export function writableProperties(def: EntitySetDefinition, operation: WriteOperation): PropertyDefinition[] {
  return def.properties.filter((p) => (operation === 'create' ? p.write?.create : p.write?.update));
}

export function writeSchema(def: EntitySetDefinition, operation: WriteOperation): JsonSchema {
  const properties = writableProperties(def, operation);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${def.name}.${operation}.json`,
    title: `${operation === 'create' ? 'Create' : 'Update'} a ${def.typeName}`,
    type: 'object',
    properties: Object.fromEntries(properties.map((p) => [p.name, propertySchema(p)])),
    required: operation === 'create' ? properties.filter((p) => p.write?.required).map((p) => p.name) : [],
    // OData instance annotations (`@odata.type`, `Title@odata.type`) may accompany any body and are ignored.
    patternProperties: { '@': {} },
    additionalProperties: false,
  };
}

export function actionSchema(def: EntitySetDefinition, action: ActionDefinition): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${def.name}.${action.name}.json`,
    title: `${action.name} a ${def.typeName}`,
    type: 'object',
    properties: Object.fromEntries(action.parameters.map((p) => [p.name, { description: p.description, ...typeSchema(p.type, p.nullable, p.enum) }])),
    required: action.parameters.filter((p) => !p.nullable).map((p) => p.name),
    patternProperties: { '@': {} },
    additionalProperties: false,
  };
}

/** Every schema file `schemas/` holds, by file name. */
export function allWriteSchemas(definitions: readonly EntitySetDefinition[]): Record<string, JsonSchema> {
  const files: Record<string, JsonSchema> = {};
  for (const def of definitions) {
    if (def.writes?.insert) files[`${def.name}.create.json`] = writeSchema(def, 'create');
    if (def.writes?.update) files[`${def.name}.update.json`] = writeSchema(def, 'update');
    for (const action of def.actions ?? []) files[`${def.name}.${action.name}.json`] = actionSchema(def, action);
  }
  return files;
}

/** The text of each `schemas/` file, as `npm run schemas` writes it and a spec compares it. */
export function schemaFileTexts(definitions: readonly EntitySetDefinition[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(allWriteSchemas(definitions)).map(([file, schema]) => [
      file,
      JSON.stringify({ $comment: 'Generated from src/entity-sets by `npm run schemas`; do not edit by hand.', ...schema }, null, 2) + '\n',
    ]),
  );
}
