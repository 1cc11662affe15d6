/**
 * A resource path is parsed and resolved once and its answer handed out again (issue #15: CPU per answer page), so
 * that the filter a key or a navigation implies is one frozen tree, and a by-key read asked again is planned once.
 * These rows state that nothing else changes: the same answer as a fresh parse and resolve; a failing path fails
 * every time; the registry's definitions are not frozen; a kept pair of trees is joined once.
 */
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import { allOf, allOfKept } from '../../src/odata/conjuncts';
import { ODataError } from '../../src/odata/errors';
import { parseQueryOptions, parseResourcePath, parseResourcePathKept } from '../../src/odata/parse';
import { resolveTarget, resolveTargetKept } from '../../src/http/resolve-target';
import type { ResourcePath } from '../../src/odata/ast';

const singletons = new Set(ENTITY_SETS.filter((set) => set.singleton).map((set) => set.name));
const entitySetPath = (path: string) => parseResourcePathKept(path, singletons) as Extract<ResourcePath, { kind: 'entity-set' }>;

describe('resource paths and targets kept', () => {
  test.each([
    "Repositories(Workspace='acme-dev',Slug='platform-api')",
    "Repositories(Workspace='acme-dev',Slug='platform-api')/PullRequests",
    'Workspaces/$count',
    'Me',
  ])('%s: the same frozen answer as a fresh parse', (path) => {
    const kept = parseResourcePathKept(path, singletons);
    expect(parseResourcePathKept(path, singletons)).toBe(kept);
    expect(kept).toEqual(parseResourcePath(path, singletons));
    expect(Object.isFrozen(kept)).toBe(true);
  });

  test('a path that fails fails every time', () => {
    for (let time = 0; time < 2; time++) expect(() => parseResourcePathKept("Repositories(Workspace='a'", singletons)).toThrow(ODataError);
  });

  test.each([
    "Repositories(Workspace='acme-dev',Slug='platform-api')",
    "Repositories(Workspace='acme-dev',Slug='platform-api')/PullRequests",
    "Repositories(Workspace='acme-dev',Slug='platform-api')/PullRequests(7)",
  ])('%s: the same target as a fresh resolve, its filters frozen, the definitions not', (path) => {
    const target = resolveTargetKept(entitySetPath(path));
    expect(resolveTargetKept(entitySetPath(path))).toBe(target);
    expect(target).toEqual(resolveTarget(parseResourcePath(path, singletons) as Extract<ResourcePath, { kind: 'entity-set' }>));
    expect(Object.isFrozen(target.implied)).toBe(true);
    if (target.parent) expect(Object.isFrozen(target.parent.implied)).toBe(true);
    expect(Object.isFrozen(target.def)).toBe(false);
    expect(Object.isFrozen(target.def.properties)).toBe(false);
  });

  test('a frozen pair of trees is joined once; any other pair anew, as allOf does', () => {
    const implied = resolveTargetKept(entitySetPath("Repositories(Workspace='acme-dev',Slug='platform-api')/PullRequests")).implied;
    const filter = parseQueryOptions("$filter=State eq 'OPEN'").filter;
    const joined = allOfKept(implied, filter);
    expect(allOfKept(implied, filter)).toBe(joined);
    expect(joined).toEqual(allOf([implied, filter]));
    const fresh = parseResourcePath("Repositories(Workspace='acme-dev',Slug='platform-api')/PullRequests", singletons) as Extract<ResourcePath, { kind: 'entity-set' }>;
    const unfrozen = resolveTarget(fresh).implied;
    expect(allOfKept(unfrozen, filter)).not.toBe(allOfKept(unfrozen, filter));
    expect(allOfKept(undefined, filter)).toBe(filter);
  });
});
