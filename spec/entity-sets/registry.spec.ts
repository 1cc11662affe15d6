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
  paths: Record<string, { get?: { description?: string } }>;
};

/** The `values` entries of the JSON examples fenced in a route's description. */
function exampleItems(route: string): unknown[] {
  const description = spec.paths[route]?.get?.description ?? '';
  return [...description.matchAll(/```\n([\s\S]*?)```/g)].flatMap((match) => {
    try {
      const example = JSON.parse(match[1]) as { values?: unknown[] };
      return example.values ?? [];
    } catch {
      return [];
    }
  });
}

function examplePathExists(items: unknown[], dotted: string): boolean {
  return items.some((item) => {
    let current: unknown = item;
    for (const segment of dotted.split('.')) {
      if (current === null || typeof current !== 'object') return false;
      current = (current as Record<string, unknown>)[segment];
    }
    return current !== undefined;
  });
}

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
  PullRequestParticipants: 'participant',
  PullRequestCommits: 'commit',
  PullRequestDiffstat: 'diffstat',
  PipelineSteps: 'pipeline_step',
  Environments: 'deployment_environment',
  Deployments: 'deployment',
  CommitStatuses: 'commitstatus',
  BranchRestrictions: 'branchrestriction',
  DefaultReviewers: 'account',
};

/**
 * Sets whose items the description gives no schema for, only JSON examples in the route's description (the activity
 * feed: "Comment example", "Update example", "Approval example"): their paths are checked against those examples.
 * The feed also "returns ... request changes", for which no example is given: its entries are checked as approvals
 * (`changes_requested.user` against `approval.user`), the shape Bitbucket gives them.
 */
const EXAMPLE_ROUTE: Record<string, { path: string; aliases: Record<string, string> }> = {
  PullRequestActivity: { path: '/repositories/{workspace}/{repo_slug}/pullrequests/activity', aliases: { changes_requested: 'approval' } },
};

/** Definitions whose properties are open (Bitbucket's own `additionalProperties: true` sub-types). */
const SUBTYPE_HINTS: Record<string, string[]> = {
  pipeline_state: ['pipeline_state_completed', 'pipeline_state_in_progress', 'pipeline_state_pending'],
  pipeline_state_completed_result: ['pipeline_state_completed_successful', 'pipeline_state_completed_failed'],
  pipeline_target: ['pipeline_ref_target', 'pipeline_commit_target', 'pipeline_pullrequest_target'],
  pipeline_trigger: ['pipeline_trigger_push', 'pipeline_trigger_manual', 'pipeline_trigger_schedule'],
  workspace_base: ['workspace'],
  pipeline_step_state: ['pipeline_step_state_completed', 'pipeline_step_state_in_progress', 'pipeline_step_state_pending'],
  pipeline_step_state_completed_result: ['pipeline_step_state_completed_successful', 'pipeline_step_state_completed_failed'],
  deployment_state: ['deployment_state_completed', 'deployment_state_in_progress', 'deployment_state_undeployed'],
  deployment_state_completed_status: ['deployment_state_completed_status_successful', 'deployment_state_completed_status_failed'],
  account: ['user', 'team'],
};

/**
 * Paths Bitbucket sends under an open sub-schema the description leaves empty (`additionalProperties: true`):
 * pipeline triggers carry `name` (PUSH, MANUAL, SCHEDULE) beside their `type`; a repository webhook's `subject`
 * (declared a bare `object`) is the repository, with its `full_name` (`subject_type: repository`).
 */
const OPEN_SCHEMA_PATHS: Record<string, string[]> = {
  Pipelines: ['trigger.name'],
  Webhooks: ['subject.full_name'],
  // `pipeline_step` and `deployment_environment` are open (`additionalProperties: true`) and list only `uuid` (and
  // an environment's `name`). A step's `name` and an environment's `slug`, `rank` and `environment_type` are NOT in
  // the description: they are what peers read from Bitbucket's answers (Faros' pipeline_steps, PostHog's
  // environments) and what the sandbox serves. Each is nullable in its declaration, so a Bitbucket that omits one
  // gives null, never a wrong value.
  PipelineSteps: ['name'],
  Environments: ['slug', 'rank', 'environment_type.name'],
};

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

function sourcePaths(property: PropertyDefinition): string[] {
  const source = property.source;
  if (typeof source === 'string') return [source];
  if ('firstOf' in source) return source.firstOf;
  if ('labelOfPresent' in source) return Object.values(source.labelOfPresent);
  return 'path' in source ? [source.path] : [];
}

describe.each(ENTITY_SETS.map((def) => [def.name, def] as const))('%s', (_name, def: EntitySetDefinition) => {
  test('every source path exists in the official description', () => {
    const examples = EXAMPLE_ROUTE[def.name];
    if (examples) {
      const items = exampleItems(examples.path);
      expect(items.length).toBeGreaterThan(0);
      const alias = (p: string) => Object.entries(examples.aliases).reduce((text, [from, to]) => (text.startsWith(`${from}.`) || text === from ? to + text.slice(from.length) : text), p);
      expect(def.properties.flatMap(sourcePaths).filter((p) => !examplePathExists(items, alias(p)))).toEqual([]);
      return;
    }
    const definition = ITEM_DEFINITION[def.name];
    expect(spec.definitions[definition]).toBeDefined();
    // A set whose rows are elements of an array of its items (`rowsFrom`) reads the item itself under `parentAs`.
    const parentAs = def.list?.rowsFrom?.parentAs;
    const exists = (p: string) =>
      parentAs && p.startsWith(`${parentAs}.`) ? pathExists(ITEM_DEFINITION[def.list?.rowsFrom ? 'PullRequests' : def.name], p.slice(parentAs.length + 1)) : pathExists(definition, p);
    const missing = def.properties.flatMap(sourcePaths).filter((p) => !exists(p) && !(OPEN_SCHEMA_PATHS[def.name] ?? []).includes(p));
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

  test('narrower list routes (issue #15) are routes of Bitbucket\'s description over properties of the set', () => {
    for (const route of def.narrowerLists ?? []) {
      expect(Object.keys(spec.paths)).toContain(route.path);
      for (const param of route.params) {
        expect(def.properties.some((p) => p.name === param.property)).toBe(true);
        if (param.existsAt) expect(Object.keys(spec.paths)).toContain(param.existsAt);
      }
    }
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
