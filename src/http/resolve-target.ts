/**
 * Turn a parsed resource path into what to read: the entity set definition, the filter implied by key predicates
 * and navigation, and whether one entity or a collection is addressed.
 */
import type { Expr, KeyValues, LiteralValue, ResourcePath } from '../odata/ast';
import { ODataError } from '../odata/errors';
import type { EntitySetDefinition, NavigationDefinition } from '../entity-sets/model';
import { findDefinition } from '../entity-sets/registry';
import { allOf } from '../odata/conjuncts';
import { deepFreeze } from '../odata/deep-freeze';
import { keyFilter } from '../plan/key-filter';

export interface ReadTarget {
  def: EntitySetDefinition;
  /** Conjunction of `Property eq value` implied by keys and navigation constraints. */
  implied?: Expr;
  /** A single entity is addressed (by key, or a single-valued navigation). */
  single: boolean;
  /** For navigation: the parent entity, which must exist even when the child collection is empty. */
  parent?: { def: EntitySetDefinition; implied: Expr };
  /** Canonical path text for context URLs and skiptoken binding. */
  resourceText: string;
  property?: { name: string; value: boolean };
  count: boolean;
  action?: string;
}

function literalFor(def: EntitySetDefinition, property: string, value: LiteralValue): Expr {
  const declared = def.properties.find((p) => p.name === property);
  if (!declared) throw new ODataError('InvalidKey', { entitySet: def.name, reason: `'${property}' is not a key property`, expected: def.key.join(',') });
  return { kind: 'literal', type: value === null ? 'null' : declared.type, value };
}

/** `property eq value` on `def`, the literal typed by the property's declaration. */
export function propertyEquals(def: EntitySetDefinition, property: string, value: LiteralValue): Expr {
  return { kind: 'compare', op: 'eq', left: { kind: 'property', name: property }, right: literalFor(def, property, value) };
}


const NUMERIC = new Set(['Edm.Int32', 'Edm.Int64', 'Edm.Double', 'Edm.Decimal']);

/** The filter of a key predicate, once it is checked to name exactly the key properties with values of their types. */
function keyPredicate(def: EntitySetDefinition, key: KeyValues, keyProperties: string[] = def.key): Expr {
  const names = Object.keys(key);
  const expected = keyProperties.map((name) => `${name}=${def.properties.find((p) => p.name === name)?.type === 'Edm.String' ? "'…'" : '…'}`).join(',');
  // A single unnamed value (`Projects('X')`) is allowed only when one key property remains.
  if (names.length === 1 && names[0] === '' && keyProperties.length === 1) return keyPredicate(def, { [keyProperties[0]]: key[''] }, keyProperties);
  const missing = keyProperties.filter((name) => !(name in key));
  const extra = names.filter((name) => !keyProperties.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    throw new ODataError('InvalidKey', {
      entitySet: def.name,
      reason: [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unknown ${extra.join(', ')}` : ''].filter(Boolean).join('; '),
      expected,
    });
  }
  for (const name of keyProperties) {
    const type = def.properties.find((p) => p.name === name)?.type;
    const value = key[name];
    const fits = type === 'Edm.String' ? typeof value === 'string' : NUMERIC.has(type ?? '') ? typeof value === 'number' : value !== null;
    if (!fits) throw new ODataError('InvalidKey', { entitySet: def.name, reason: `${name} must be of type ${type}`, expected });
  }
  return keyFilter(def, key, keyProperties) as Expr;
}

function navigationOf(def: EntitySetDefinition, name: string): NavigationDefinition {
  const nav = def.navigation?.find((n) => n.name === name);
  if (!nav) {
    const available = (def.navigation ?? []).map((n) => n.name).join(', ') || 'none';
    throw new ODataError('NotFound', { message: `${def.typeName} has no navigation property '${name}'. Navigation properties: ${available}.` });
  }
  return nav;
}

/** `Workspaces('acme-dev')` → `{ Slug: 'acme-dev' }` when the key has one property. */
function namedKey(def: EntitySetDefinition, key: KeyValues | undefined): KeyValues | undefined {
  if (key && Object.keys(key).length === 1 && '' in key && def.key.length === 1) return { [def.key[0]]: key[''] };
  return key;
}

export function resolveTarget(parsed: Extract<ResourcePath, { kind: 'entity-set' }>): ReadTarget {
  const def = findDefinition(parsed.entitySet);
  if (!def || def.singleton) throw new ODataError('EntitySetNotFound', { name: parsed.entitySet, serviceRoot: 'the service root' });
  const path = { ...parsed, key: namedKey(def, parsed.key) };
  // `Entity(key)/Name` parses as a property; it is a navigation when the model says so.
  if (path.property && !path.navigation && !path.property.value && def.navigation?.some((nav) => nav.name === path.property?.name)) {
    path.navigation = { property: path.property.name };
    path.property = undefined;
  }
  const common = { property: path.property, count: path.count, action: path.action };
  if (!path.navigation) {
    const implied = path.key ? keyPredicate(def, path.key) : undefined;
    return { def, implied, single: path.key !== undefined, resourceText: path.entitySet, ...common };
  }
  if (!path.key) throw new ODataError('InvalidUrl', { reason: `navigation from ${def.name} needs a key predicate first` });
  const parentImplied = keyPredicate(def, path.key);
  const nav = navigationOf(def, path.navigation.property);
  const target = findDefinition(nav.target);
  if (!target) throw new Error(`Navigation target ${nav.target} is not declared`);
  const constraintExprs = Object.entries(nav.constraints).map(([targetProperty, sourceProperty]) => propertyEquals(target, targetProperty, path.key?.[sourceProperty] ?? null));
  let single = !nav.collection;
  if (path.navigation.key) {
    if (!nav.collection) throw new ODataError('InvalidUrl', { reason: `${nav.name} is a single entity; it takes no key` });
    const remaining = target.key.filter((name) => !(name in nav.constraints));
    constraintExprs.push(keyPredicate(target, path.navigation.key, remaining));
    single = true;
  }
  return {
    def: target,
    implied: allOf(constraintExprs),
    single,
    parent: { def, implied: parentImplied },
    resourceText: `${path.entitySet}/${nav.name}`,
    ...common,
  };
}

/**
 * Targets resolved already, by the frozen path they come from (`parseResourcePathKept` hands out the same one for the
 * same path): the entity set, and the filter a key or a navigation implies, frozen, so that a by-key read asked again
 * is planned and compiled once (`planQuery` and `compileFilter` keep what they make by a frozen tree; issue #15: CPU
 * per answer page). The definitions it points to are the registry's own and stay as they are.
 */
const keptTargets = new WeakMap<ResourcePath, ReadTarget>();

/** `resolveTarget(parsed)`, the same frozen target for the same frozen path. */
export function resolveTargetKept(parsed: Extract<ResourcePath, { kind: 'entity-set' }>): ReadTarget {
  if (!Object.isFrozen(parsed)) return resolveTarget(parsed);
  let target = keptTargets.get(parsed);
  if (!target) {
    const resolved = resolveTarget(parsed);
    deepFreeze(resolved.implied);
    if (resolved.parent) {
      deepFreeze(resolved.parent.implied);
      Object.freeze(resolved.parent);
    }
    if (resolved.property) Object.freeze(resolved.property);
    keptTargets.set(parsed, (target = Object.freeze(resolved)));
  }
  return target;
}
