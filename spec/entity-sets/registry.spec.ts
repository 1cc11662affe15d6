/**
 * The declarations are checked against the facts they come from: every source path exists in Bitbucket's official
 * description of the resource the route returns, every key property is declared and non-nullable, every route
 * parameter names a key property, navigation targets exist, and pushdown is only declared where the route takes it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENTITY_SETS, findDefinition } from '../../src/entity-sets/registry';
import type { EntitySetDefinition, PropertyDefinition } from '../../src/entity-sets/model';

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
  type?: string;
}
const spec = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/reference/bitbucket-cloud-openapi.json'), 'utf8')) as {
  definitions: Record<string, Schema>;
};

/** The Bitbucket definition each entity set's items are, from the official description. */
const ITEM_DEFINITION: Record<string, string> = {
  Workspaces: 'workspace_access',
  WorkspaceMembers: 'workspace_membership',
  Projects: 'project',
  Repositories: 'repository',
  Branches: 'branch',
  Tags: 'tag',
  Commits: 'commit',
  PullRequests: 'pullrequest',
  Pipelines: 'pipeline',
  PullRequestComments: 'pullrequest_comment',
  Webhooks: 'webhook_subscription',
  Me: 'user',
};

/** Definitions whose properties are open (Bitbucket's own `additionalProperties: true` sub-types). */
const SUBTYPE_HINTS: Record<string, string[]> = {
  pipeline_state: ['pipeline_state_completed', 'pipeline_state_in_progress', 'pipeline_state_pending'],
  pipeline_state_completed_result: ['pipeline_state_completed_successful', 'pipeline_state_completed_failed'],
  pipeline_target: ['pipeline_ref_target', 'pipeline_commit_target', 'pipeline_pullrequest_target'],
  pipeline_trigger: ['pipeline_trigger_push', 'pipeline_trigger_manual', 'pipeline_trigger_schedule'],
  workspace_base: ['workspace'],
  account: ['user', 'team'],
};

/**
 * Paths Bitbucket sends under an open sub-schema the description leaves empty (`additionalProperties: true`):
 * pipeline triggers carry `name` (PUSH, MANUAL, SCHEDULE) beside their `type`; a repository webhook's `subject`
 * (declared a bare `object`) is the repository, with its `full_name` (`subject_type: repository`).
 */
const OPEN_SCHEMA_PATHS: Record<string, string[]> = { Pipelines: ['trigger.name'], Webhooks: ['subject.full_name'] };

function definitionName(schema: Schema): string | undefined {
  return schema.$ref?.split('/').pop();
}

function propertiesOf(schema: Schema, seen = new Set<string>()): Record<string, Schema> {
  const name = definitionName(schema);
  if (name) {
    if (seen.has(name)) return {};
    seen.add(name);
    const own = propertiesOf(spec.definitions[name] ?? {}, seen);
    const extra = (SUBTYPE_HINTS[name] ?? []).filter((sub) => spec.definitions[sub]).map((sub) => propertiesOf({ $ref: `#/definitions/${sub}` }, seen));
    return Object.assign({}, ...extra, own);
  }
  return Object.assign({}, ...(schema.allOf ?? []).map((part) => propertiesOf(part, seen)), schema.properties ?? {});
}

function pathExists(definition: string, dotted: string): boolean {
  let schema: Schema = { $ref: `#/definitions/${definition}` };
  for (const segment of dotted.split('.')) {
    if (schema.type === 'array' && schema.items) schema = schema.items;
    const next = propertiesOf(schema)[segment];
    if (!next) return false;
    schema = next;
  }
  return true;
}

function sourcePath(property: PropertyDefinition): string | undefined {
  const source = property.source;
  if (typeof source === 'string') return source;
  return 'path' in source ? source.path : undefined;
}

describe.each(ENTITY_SETS.map((def) => [def.name, def] as const))('%s', (_name, def: EntitySetDefinition) => {
  test('every source path exists in the official description', () => {
    const definition = ITEM_DEFINITION[def.name];
    expect(spec.definitions[definition]).toBeDefined();
    const missing = def.properties.map(sourcePath).filter((p): p is string => p !== undefined && !pathExists(definition, p) && !(OPEN_SCHEMA_PATHS[def.name] ?? []).includes(p));
    expect(missing).toEqual([]);
  });

  test('keys are declared, non-nullable and unique', () => {
    for (const key of def.key) {
      const property = def.properties.find((p) => p.name === key);
      expect(property?.nullable).toBe(false);
    }
    expect(new Set(def.properties.map((p) => p.name)).size).toBe(def.properties.length);
  });

  test('route parameters name key properties; fan-out targets exist', () => {
    for (const param of [...(def.list?.params ?? []), ...(def.get?.params ?? [])]) {
      expect(def.key).toContain(param.property);
      if (param.fanOut) expect(findDefinition(param.fanOut.entitySet)).toBeDefined();
    }
    expect(def.singleton ? def.get : def.list).toBeDefined();
  });

  test('pushdown is declared only where the route honours it, and sorts only on non-nullable properties', () => {
    for (const property of def.properties) {
      if (property.filter) expect(def.list?.supportsQuery).toBe(true);
      if (property.sort) {
        expect(def.list?.supportsSort).toBe(true);
        expect(property.nullable).toBe(false);
      }
    }
  });

  test('navigation targets and constraints exist', () => {
    for (const nav of def.navigation ?? []) {
      const target = findDefinition(nav.target);
      expect(target).toBeDefined();
      for (const [targetProperty, sourceProperty] of Object.entries(nav.constraints)) {
        expect(target?.properties.some((p) => p.name === targetProperty)).toBe(true);
        expect(def.properties.some((p) => p.name === sourceProperty)).toBe(true);
      }
    }
  });
});
