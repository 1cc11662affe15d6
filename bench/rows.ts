/**
 * `npm run bench:rows`: what one row costs. For every entity set it takes items as the sandbox answers them
 * (default seed, one page of each list; pull requests with reviewers and participants, as `fields=` asks for them),
 * builds BENCH_ROWS rows (100,000) from them, cycling, with `rowFromItem` and with the implementation it replaced,
 * and prints per implementation:
 * - `shape`: `fast` when V8 keeps the rows' properties in a fixed layout, `DICT` when it keeps them in a hash table
 *   (dictionary mode); `1 map` when every row of the run shares one hidden class (`%HaveSameMap` with the last row);
 * - `B/row`: heap kept per row after garbage collection (the row object plus the strings only it holds, such as a
 *   workspace slug cut out of `full_name`; the items themselves are shared and not counted);
 * - `k rows/s`: rows built per second (median of five runs).
 * The values of both implementations are compared for every item: any difference stops the bench.
 */
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startSandbox } from '../sandbox/app';
import type { EntitySetDefinition } from '../src/entity-sets/model';
import { ENTITY_SETS } from '../src/entity-sets/registry';
import type { Row } from '../src/odata/ast';
import { rowFromItem } from '../src/plan/row-from-item';
import { rowFromItemBefore } from '../spec/plan/support/row-from-item-before';
import { sandboxItems } from '../spec/plan/support/sandbox-items';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = 5;

// V8 intrinsics, for the shape column and the heap figures (the flags are set before the first call is parsed).
setFlagsFromString('--expose-gc');
setFlagsFromString('--allow-natives-syntax');
const collectGarbage = runInNewContext('gc') as () => void;
const hasFastProperties = runInNewContext('(object) => %HasFastProperties(object)') as (object: object) => boolean;
const haveSameMap = runInNewContext('(a, b) => %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** `rowFromItem` as it was before rows got a fixed shape, kept only to compare against. */
const before = rowFromItemBefore;

type BuildRow = typeof rowFromItem;

interface SetItems {
  def: EntitySetDefinition;
  routeValues: Record<string, string>;
  items: unknown[];
}


/** One page of every entity set (the singleton's one item), as the sandbox answers them (spec/plan/support). */
async function benchItems(): Promise<SetItems[]> {
  const sandbox = await startSandbox({ rateLimitPerHour: 1_000_000 }, 0);
  try {
    const { whole } = await sandboxItems(sandbox);
    return whole.map(({ set, routeValues, items }) => ({ def: ENTITY_SETS.find((def) => def.name === set) as EntitySetDefinition, routeValues, items }));
  } finally {
    await sandbox.close();
  }
}

function sameValues(set: SetItems): boolean {
  return set.items.every((item) => JSON.stringify(Object.entries(rowFromItem(set.def, item, set.routeValues))) === JSON.stringify(Object.entries(before(set.def, item, set.routeValues))));
}

interface Figures {
  fast: boolean;
  oneMap: boolean;
  bytesPerRow: number;
  rowsPerSecond: number;
}

function measure(build: BuildRow, set: SetItems): Figures {
  const { def, items, routeValues } = set;
  const rows = new Array<Row | null>(ROWS).fill(null);
  const fill = (): number => {
    const started = process.hrtime.bigint();
    for (let index = 0; index < ROWS; index++) rows[index] = build(def, items[index % items.length], routeValues);
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  const seconds: number[] = [];
  for (let run = 0; run < RUNS; run++) seconds.push(fill());
  rows.fill(null);
  collectGarbage();
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  fill();
  collectGarbage();
  collectGarbage();
  const bytesPerRow = (process.memoryUsage().heapUsed - heapBefore) / ROWS;
  const last = rows[ROWS - 1] as Row;
  const figures = {
    fast: hasFastProperties(last),
    oneMap: rows.every((row) => haveSameMap(row as Row, last)),
    bytesPerRow,
    rowsPerSecond: ROWS / seconds.sort((a, b) => a - b)[Math.floor(RUNS / 2)],
  };
  rows.fill(null);
  return figures;
}

function columns(figures: Figures): string[] {
  return [
    // Rows in dictionary mode share a map that says nothing about their layout: only a fast row's map is news.
    (figures.fast ? `fast, ${figures.oneMap ? '1 map' : 'maps vary'}` : 'DICT').padStart(14),
    figures.bytesPerRow.toFixed(0).padStart(7),
    (figures.rowsPerSecond / 1000).toFixed(0).padStart(10),
  ];
}

const IMPLEMENTATIONS: Record<string, BuildRow> = { before, after: rowFromItem };

/** In a child process: the figures of one implementation for every entity set, as one JSON line. */
async function measureOne(name: string): Promise<void> {
  const build = IMPLEMENTATIONS[name];
  const sets = await benchItems();
  // Warm on every set first, so that no set is measured while V8 still learns the shapes of the others.
  for (const set of sets) for (let index = 0; index < 20_000; index++) build(set.def, set.items[index % set.items.length], set.routeValues);
  const figures = Object.fromEntries(sets.map((set) => [set.def.name, measure(build, set)]));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/**
 * Each implementation runs in a process of its own: V8 shares hidden classes across a process, and once the new
 * implementation has made the full chain of a set's properties, even the old one's property-by-property rows
 * follow it and stay fast, which would hide the difference.
 */
function figuresOf(name: string): Record<string, Figures> {
  const child = spawnSync(process.execPath, [require.resolve('tsx/cli'), __filename, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`bench:rows ${name} exited with ${child.status}`);
  return JSON.parse(child.stdout) as Record<string, Figures>;
}

async function main(): Promise<void> {
  const which = process.argv[2];
  if (which !== undefined) return measureOne(which);
  const sets = await benchItems();
  for (const set of sets) if (!sameValues(set)) throw new Error(`${set.def.name}: rowFromItem gives other values than before`);
  const old = figuresOf('before');
  const now = figuresOf('after');
  console.log(`${ROWS} rows per entity set from sandbox items; each implementation in its own process; values identical on every item\n`);
  const header = ['shape'.padStart(14), 'B/row'.padStart(7), 'k rows/s'.padStart(10)];
  console.log('entity set'.padEnd(20), 'props'.padStart(5), ' | before:', ...header, ' | after:', ...header);
  for (const set of sets) {
    const name = set.def.name;
    console.log(name.padEnd(20), String(set.def.properties.length).padStart(5), ' |        ', ...columns(old[name]), ' |       ', ...columns(now[name]));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
