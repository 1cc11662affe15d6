/**
 * Rows from Bitbucket items: for items of every entity set, as the sandbox serves them (whole and as a `fields=`
 * partial response leaves them), `rowFromItem` gives exactly the values of the implementation it replaced, with every
 * declared property, in declaration order, whatever the item holds. A child Node with `--allow-natives-syntax` checks
 * what that order is for: V8 keeps every row in a fixed layout (not dictionary mode) and all rows of a set share one
 * hidden class (jest itself cannot run V8 intrinsics).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startSandbox } from '../../sandbox/app';
import type { EntitySetDefinition } from '../../src/entity-sets/model';
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import { rowFromItem } from '../../src/plan/row-from-item';

import { rowFromItemBefore as rowBefore } from './support/row-from-item-before';
import { sandboxItems, type SetItems } from './support/sandbox-items';


const definition = (name: string): EntitySetDefinition => ENTITY_SETS.find((def) => def.name === name) as EntitySetDefinition;
const declaredNames = (name: string): string[] => definition(name).properties.map((property) => property.name);


let whole: SetItems[] = [];
let partial: SetItems[] = [];

beforeAll(async () => {
  const sandbox = await startSandbox({ rateLimitPerHour: 1_000_000 }, 0);
  try {
    ({ whole, partial } = await sandboxItems(sandbox));
  } finally {
    await sandbox.close();
  }
});

const SETS = ENTITY_SETS.map((def) => def.name);

describe('rowFromItem gives the values it gave before', () => {
  test('the sandbox served items of every entity set, including rows with reviewers and comments', () => {
    expect(whole.map((entry) => entry.set)).toEqual(SETS);
    for (const entry of whole) expect([entry.set, entry.items.length > 0]).toEqual([entry.set, true]);
    const pullRequests = whole.find((entry) => entry.set === 'PullRequests') as SetItems;
    const rows = pullRequests.items.map((item) => rowFromItem(definition('PullRequests'), item, pullRequests.routeValues));
    expect(rows.some((row) => row.Reviewers !== '')).toBe(true);
    expect(rows.some((row) => row.MergeCommitHash === null)).toBe(true);
  });

  test.each(SETS)('%s: every whole item, value for value, type for type, in declaration order', (set) => {
    const { items, routeValues } = whole.find((entry) => entry.set === set) as SetItems;
    for (const item of items) {
      // Entries, so that order counts too; toStrictEqual tells 1 from '1' and null from undefined.
      expect(Object.entries(rowFromItem(definition(set), item, routeValues))).toStrictEqual(Object.entries(rowBefore(definition(set), item, routeValues)));
    }
  });

  test.each(SETS.filter((set) => set !== 'Me'))('%s: every item of a partial response (most paths missing)', (set) => {
    const { items, routeValues } = partial.find((entry) => entry.set === set) as SetItems;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(Object.entries(rowFromItem(definition(set), item, routeValues))).toStrictEqual(Object.entries(rowBefore(definition(set), item, routeValues)));
    }
  });

  // Items Bitbucket would not send but a fault or a future field could: the row keeps its shape and its nulls.
  const ODD_ITEMS: Array<[string, unknown]> = [
    ['an empty object', {}],
    ['null', null],
    ['a string', 'pullrequest'],
    ['an array', [{ id: 1 }]],
    ['objects where values were expected', { id: { nested: true }, title: ['a'], state: {}, repository: { full_name: 'no-slash' }, destination: { repository: { full_name: 'w/r/x' } } }],
    ['arrays where objects were expected', { author: [], links: [{ href: 'x' }], reviewers: 'Ann', participants: {}, parents: null, events: ['a', 1, 'b'] }],
    ['unknown fields only', { unknown_field: 1, another: 'x' }],
  ];
  test.each(SETS.flatMap((set) => ODD_ITEMS.map(([label, item]) => [set, label, item] as const)))('%s from %s', (set, _label, item) => {
    const routeValues = { workspace: 'w', repo_slug: 'r', pull_request_id: 'not-a-number' };
    expect(Object.entries(rowFromItem(definition(set), item, routeValues))).toStrictEqual(Object.entries(rowBefore(definition(set), item, routeValues)));
    expect(Object.entries(rowFromItem(definition(set), item, {}))).toStrictEqual(Object.entries(rowBefore(definition(set), item, {})));
  });
});

describe('every row of a set has the same shape', () => {
  test.each(SETS)('%s: every declared property, in declaration order, on every row', (set) => {
    const items = [...(whole.find((entry) => entry.set === set) as SetItems).items, ...(partial.find((entry) => entry.set === set)?.items ?? []), {}, null];
    const keys = new Set(items.map((item) => JSON.stringify(Object.keys(rowFromItem(definition(set), item, {})))));
    expect([...keys]).toEqual([JSON.stringify(declaredNames(set))]);
  });

  test('rows are plain objects of their own: changing one row changes no other row', () => {
    const def = definition('PullRequests');
    const first = rowFromItem(def, {}, {});
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    first.Title = 'changed';
    first.Id = 7;
    const second = rowFromItem(def, {}, {});
    expect([second.Title, second.Id]).toEqual([null, null]);
    expect(second).not.toBe(first);
  });
});

/**
 * Run in a Node of its own with V8 intrinsics: rows of every set from the items on stdin, built twice (the first
 * round lets V8 settle each field's representation), then for the second round whether each row has fast properties
 * and shares the hidden class of its set's first row. Prints `{ set: [fast, sameMap] }`.
 */
const SHAPE_PROBE = `
const { ENTITY_SETS } = require('./src/entity-sets/registry');
const { rowFromItem } = require('./src/plan/row-from-item');
const sets = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const build = () => sets.map(({ set, routeValues, items }) => [set, items.map((item) => rowFromItem(ENTITY_SETS.find((def) => def.name === set), item, routeValues))]);
build();
const result = {};
for (const [set, rows] of build()) result[set] = [rows.every((row) => %HasFastProperties(row)), rows.every((row) => %HaveSameMap(row, rows[0]))];
process.stdout.write(JSON.stringify(result));
`;

test('V8 keeps the rows of every set in fast mode and gives them one hidden class', () => {
  const sets = [...whole, ...partial, ...SETS.map((set) => ({ set, routeValues: {}, items: [{}, null] }))];
  const probe = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--eval', SHAPE_PROBE], {
    cwd: path.join(__dirname, '../..'),
    input: JSON.stringify(sets),
    encoding: 'utf8',
  });
  expect(probe.stderr).toBe('');
  expect(JSON.parse(probe.stdout)).toEqual(Object.fromEntries(SETS.map((set) => [set, [true, true]])));
});
