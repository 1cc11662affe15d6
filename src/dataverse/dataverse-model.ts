/**
 * The Dataverse virtual-table root (`/dataverse/`), derived from the same entity-set declarations as `/odata/`
 * (src/entity-sets/registry.ts). What Dataverse's OData v4 Data Provider needs, and how each set meets it:
 *
 * - One `Edm.Guid` key per set (learn.microsoft.com/power-apps/maker/data-platform/virtual-entity-odata-provider-requirements:
 *   "the value must be a guid. You can only map ID columns to external columns with the Edm.Guid data type"). The key
 *   property is `<TypeName>Guid`:
 *   - Bitbucket's own UUID where the declaration names one (`uuidProperty`: workspaces, projects, repositories,
 *     pipelines, webhooks), braces removed;
 *   - otherwise a name-based UUID (v5, name-based-uuid.ts) of the entity's canonical OData URL relative to the main
 *     root, e.g. `PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=7)`, in the namespace
 *     `DATAVERSE_KEY_NAMESPACE`. Anyone can compute it from the composite key columns, which stay in every row.
 * - Only the types the provider maps (same page, "Data type mapping"): Boolean, DateTimeOffset, Decimal, Double,
 *   Guid, Int32, Int64, String. A declaration with another type fails here, at start-up, not in Dataverse.
 * - No navigation properties, actions or singletons (`Me` is left out): a virtual table is a flat table.
 * - Read-only: writes are refused (405); every property is Core.Computed and the set neither insertable nor updatable.
 * - Sets whose list fans out over repositories (pull requests, commits, …) must be narrowed to one repository by the
 *   query (`requiredFilter`, published as Capabilities.FilterRestrictions/RequiredProperties): reading every
 *   repository of every workspace could not answer within the data source's timeout (30 s in Microsoft's walkthrough).
 */
import type { EntitySetDefinition } from '../entity-sets/model';
import { ENTITY_SETS } from '../entity-sets/registry';
import { toEdmEntitySet } from '../entity-sets/to-edm-model';
import type { EdmType, KeyValues, Row } from '../odata/ast';
import type { EdmEntitySet, EdmModel } from '../odata/edm';
import { keyPredicate } from '../odata/serialize/key-predicate';
import { asGuid, nameBasedUuid } from './name-based-uuid';

/** RFC 9562 §6.6 URL namespace; the Dataverse key namespace is the v5 UUID of this project's URN in it. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
export const DATAVERSE_KEY_NAMESPACE = nameBasedUuid(URL_NAMESPACE, 'urn:bitbucket-odata:dataverse-key');

/** The Edm types the OData v4 Data Provider maps to Dataverse columns (DV-02). */
export const DATAVERSE_TYPES: readonly EdmType[] = ['Edm.Boolean', 'Edm.DateTimeOffset', 'Edm.Decimal', 'Edm.Double', 'Edm.Guid', 'Edm.Int32', 'Edm.Int64', 'Edm.String'];

/** Fan-out the Dataverse root allows: over the caller's workspaces (`/user/workspaces`, one call, usually few). */
const BOUNDED_FAN_OUT = new Set(['Workspaces']);

export type GuidScheme = { kind: 'native'; property: string } | { kind: 'name-based' };

export interface DataverseSet {
  def: EntitySetDefinition;
  /** The set as `/odata/` serves it (composite key). */
  main: EdmEntitySet;
  /** The set as `/dataverse/` serves it (one Guid key). */
  edm: EdmEntitySet;
  keyName: string;
  scheme: GuidScheme;
  /** Key properties the query must fix with `eq` (or `in`) for the read to be bounded (DV-06). */
  requiredFilter: string[];
}

export interface DataverseModel {
  edm: EdmModel;
  sets: ReadonlyMap<string, DataverseSet>;
}

function requiredFilterOf(def: EntitySetDefinition): string[] {
  return (def.list?.params ?? []).filter((param) => !param.fanOut || !BOUNDED_FAN_OUT.has(param.fanOut.entitySet)).map((param) => param.property);
}

function dataverseSet(def: EntitySetDefinition): DataverseSet {
  const main = toEdmEntitySet(def);
  const keyName = `${def.typeName}Guid`;
  if (main.properties.some((property) => property.name.toLowerCase() === keyName.toLowerCase())) {
    throw new Error(`${def.name}: the Dataverse key name ${keyName} collides with a declared property.`);
  }
  for (const property of main.properties) {
    if (!DATAVERSE_TYPES.includes(property.type)) throw new Error(`${def.name}.${property.name} is ${property.type}, which Dataverse virtual tables cannot map.`);
  }
  if (def.uuidProperty !== undefined && !def.properties.some((property) => property.name === def.uuidProperty && !property.nullable)) {
    throw new Error(`${def.name}: uuidProperty ${def.uuidProperty} must name a non-nullable property.`);
  }
  const scheme: GuidScheme = def.uuidProperty !== undefined ? { kind: 'native', property: def.uuidProperty } : { kind: 'name-based' };
  const requiredFilter = requiredFilterOf(def);
  const keyDescription =
    scheme.kind === 'native'
      ? `Bitbucket's UUID of the ${def.typeName.toLowerCase()} (${scheme.property} without braces).`
      : `Name-based UUID (v5) of the composite key ${main.key.join(', ')}; see README, Dataverse virtual tables.`;
  const edm: EdmEntitySet = {
    name: def.name,
    typeName: def.typeName,
    description: main.description,
    key: [keyName],
    // Read-only root: no `writable`, so every property is Core.Computed.
    properties: [{ name: keyName, type: 'Edm.Guid', nullable: false, description: keyDescription }, ...main.properties.map(({ name, type, nullable, description }) => ({ name, type, nullable, description }))],
    navigation: [],
    singleton: false,
    actions: [],
    capabilities: { ...main.capabilities, insertable: false, updatable: false, deletable: false, requiredProperties: requiredFilter },
  };
  return { def, main, edm, keyName, scheme, requiredFilter };
}

export function buildDataverseModel(definitions: readonly EntitySetDefinition[] = ENTITY_SETS): DataverseModel {
  const sets = definitions.filter((def) => !def.singleton).map(dataverseSet);
  return {
    edm: { namespace: 'Bitbucket', containerName: 'Container', entitySets: sets.map((set) => set.edm) },
    sets: new Map(sets.map((set) => [set.def.name, set])),
  };
}

/** The composite key of a row, as the main root's key predicate reads it. */
export function compositeKeyOf(set: DataverseSet, row: Row): KeyValues {
  return Object.fromEntries(set.main.key.map((name) => [name, row[name] ?? null]));
}

/**
 * The Guid key of a row of `set` (which must carry the key properties and, for native keys, the UUID property), or
 * undefined when Bitbucket's UUID is missing or malformed (the row cannot be served: no key).
 */
export function guidOf(set: DataverseSet, row: Row): string | undefined {
  if (set.scheme.kind === 'native') {
    const uuid = row[set.scheme.property];
    return typeof uuid === 'string' ? asGuid(uuid) : undefined;
  }
  return nameBasedUuid(DATAVERSE_KEY_NAMESPACE, `${set.def.name}${keyPredicate(set.main, compositeKeyOf(set, row))}`);
}
