/**
 * What a plan takes from its entity set alone (route parameters, `fields=` when every property is needed) is worked
 * out once per set object, not per request (issue #15: CPU per answer page). These rows state that it is the same
 * as what the query would get without that: `fields=` names the page envelope, then every needed property's source
 * paths once, in declaration order; and that it belongs to the set object, not to its name.
 */
import type { EntitySetDefinition } from '../../src/entity-sets/model';
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import { parseQueryOptions } from '../../src/odata/parse';
import { planQuery } from '../../src/plan/plan-query';
import { sourcePaths } from '../../src/plan/row-from-item';

/** `fields=` as the planner states it: the envelope, then each needed property's paths, each path once. */
function expectedFields(def: EntitySetDefinition, needed: ReadonlySet<string>, prefix: string, envelope: string[]): string {
  const paths = new Set(envelope);
  for (const property of def.properties) if (needed.has(property.name)) for (const path of sourcePaths(property)) paths.add(prefix + path);
  return [...paths].join(',');
}

const everyProperty = (def: EntitySetDefinition) => new Set(def.properties.map((property) => property.name));

describe('plan: what comes from the entity set alone', () => {
  test.each(ENTITY_SETS.map((def) => [def.name, def] as const))('%s: fields= without $select, asked twice, names every property', (_name, def) => {
    for (let time = 0; time < 2; time++) {
      const plan = planQuery(def, parseQueryOptions(''));
      expect(plan.listFields).toBe(def.list ? expectedFields(def, everyProperty(def), 'values.', ['next', 'size', 'page', 'pagelen']) : undefined);
      expect(plan.getFields).toBe(def.get ? expectedFields(def, everyProperty(def), '', []) : undefined);
    }
  });

  test.each(ENTITY_SETS.filter((def) => def.list).map((def) => [def.name, def] as const))('%s: a $select of one property after a plan without one', (_name, def) => {
    planQuery(def, parseQueryOptions(''));
    const selected = def.properties[def.properties.length - 1].name;
    const plan = planQuery(def, parseQueryOptions(`$select=${selected}`));
    const needed = new Set([...def.key, ...plan.order.map((item) => item.property), selected]);
    expect(plan.listFields).toBe(expectedFields(def, needed, 'values.', ['next', 'size', 'page', 'pagelen']));
  });

  test('a set object of the same name with other properties gets its own fields= and parameters', () => {
    const def = ENTITY_SETS.find((candidate) => candidate.name === 'Commits');
    if (!def?.list) throw new Error('Commits');
    const whole = planQuery(def, parseQueryOptions("$filter=Workspace eq 'w' and RepositorySlug eq 'r'"));
    const narrowed: EntitySetDefinition = { ...def, properties: def.properties.filter((property) => def.key.includes(property.name) || def.list?.params.some((param) => param.property === property.name)) };
    const plan = planQuery(narrowed, parseQueryOptions("$filter=Workspace eq 'w' and RepositorySlug eq 'r'"));
    expect(plan.listFields).toBe(expectedFields(narrowed, everyProperty(narrowed), 'values.', ['next', 'size', 'page', 'pagelen']));
    expect(plan.listFields).not.toBe(whole.listFields);
    expect(plan.fixedParams).toEqual(whole.fixedParams);
  });
});
