/**
 * Derive the OData-facing model from the declarations. The OData layer (metadata, validation, serialization) sees
 * only this; routes, BBQL fields and Bitbucket paths stay behind in the declarations.
 */
import type { EdmEntitySet, EdmModel } from '../odata/edm';
import type { EntitySetDefinition } from './model';
import { ENTITY_SETS } from './registry';

export const NAMESPACE = 'Bitbucket';

export function toEdmEntitySet(def: EntitySetDefinition): EdmEntitySet {
  const list = def.list;
  return {
    name: def.name,
    typeName: def.typeName,
    description: def.description,
    key: def.key,
    // A property nobody can write is computed by Bitbucket (Core.Computed); keys written by create stay writable.
    properties: def.properties.map(({ name, type, nullable, description, write }) => ({
      name,
      type,
      nullable,
      description,
      ...(write
        ? {
            writable: {
              onInsert: write.create,
              onUpdate: write.update,
              requiredOnInsert: write.required === true,
              ...(write.enum ? { allowedValues: [...write.enum] } : {}),
            },
          }
        : {}),
    })),
    navigation: (def.navigation ?? []).map((nav) => ({ ...nav })),
    singleton: def.singleton === true,
    capabilities: {
      countable: !def.singleton,
      topSupported: !def.singleton,
      skipSupported: !def.singleton,
      searchable: (def.searchable ?? []).length > 0,
      insertable: def.writes?.insert !== undefined,
      updatable: def.writes?.update !== undefined,
      deletable: def.writes?.remove !== undefined,
      // Every route parameter either fans out or is required; required ones must be fixed by the query.
      requiredProperties: (list?.params ?? []).filter((param) => !param.fanOut).map((param) => param.property),
      pushdownFilterable: list?.supportsQuery ? def.properties.filter((p) => p.filter).map((p) => p.name) : [],
      pushdownSortable: list?.supportsSort ? def.properties.filter((p) => p.sort).map((p) => p.name) : [],
    },
    actions: (def.actions ?? []).map((action) => ({
      name: action.name,
      description: action.description,
      parameters: action.parameters.map(({ name, type, nullable, description, enum: allowed }) => ({
        name,
        type,
        nullable,
        description,
        ...(allowed ? { allowedValues: [...allowed] } : {}),
      })),
      returnsEntity: action.returnsEntity,
    })),
  };
}

const edmCache = new WeakMap<EntitySetDefinition, EdmEntitySet>();

/** `toEdmEntitySet`, derived once per declaration (the router, executor and serializer ask on every request). */
export function edmOf(def: EntitySetDefinition): EdmEntitySet {
  let edm = edmCache.get(def);
  if (!edm) edmCache.set(def, (edm = toEdmEntitySet(def)));
  return edm;
}

export function buildEdmModel(definitions: readonly EntitySetDefinition[] = ENTITY_SETS): EdmModel {
  return { namespace: NAMESPACE, containerName: 'Container', entitySets: definitions.map(toEdmEntitySet) };
}
