/**
 * Differential suite: for generated queries over every entity set, the gateway's answer (with all its pushdown)
 * equals the same query evaluated in-process over the full, unfiltered entity set. The full sets are read through
 * an *oracle* gateway with no query options at all (so nothing is pushed), then `evaluateQuery` decides.
 *
 * The suite runs once per sandbox profile (`differential.spec.ts`, `differential-realistic.spec.ts`): the gateway
 * under test may face a Bitbucket with real Bitbucket's quirks, while the oracle reads the same seeded data from a
 * well-behaved sandbox, so a truncated or padded answer under a quirk shows as a difference.
 */
import type { EdmType, Row } from '../../../src/odata/ast';
import { evaluateQuery } from '../../../src/odata/evaluate';
import { parseQueryOptions } from '../../../src/odata/parse';
import { ENTITY_SETS } from '../../../src/entity-sets/registry';
import { edmOf } from '../../../src/plan/execute-query';
import type { EntitySetDefinition, PropertyDefinition } from '../../../src/entity-sets/model';
import { DEMO_BEARER, type Stack } from '../../helpers/stack';
import { createPrng } from '../../helpers/prng';
import { odataLiteral } from '../../helpers/odata-literal';

const QUERIES_PER_SET = 26;
const SETS = ENTITY_SETS.filter((def) => !def.singleton);

export interface ReadAnswer {
  rows: Row[];
  count?: number;
  pages: number;
}

/** Every page of an answer, following `@odata.nextLink`; a non-200 page throws with its body. */
export async function readAll(stack: Stack, url: string, maxPageSize = 200): Promise<ReadAnswer> {
  const rows: Row[] = [];
  let count: number | undefined;
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const response: { status: number; body: Record<string, unknown> & { value: Row[] } } = await stack.request
      .get(next.replace(/^https?:\/\/[^/]+/, ''))
      .set('Authorization', DEMO_BEARER)
      .set('Prefer', `odata.maxpagesize=${maxPageSize}`);
    if (response.status !== 200) throw new Error(`${next} → ${response.status} ${JSON.stringify(response.body)}`);
    // Control information (`@odata.etag`) is not data: compare properties only.
    rows.push(...response.body.value.map((row: Row) => Object.fromEntries(Object.entries(row).filter(([name]) => !name.startsWith('@')))));
    if (pages === 0) count = response.body['@odata.count'] as number | undefined;
    next = response.body['@odata.nextLink'] as string | undefined;
    pages += 1;
    if (pages > 1000) throw new Error('nextLink loop');
  }
  return { rows, count, pages };
}

function sampleValue(rows: Row[], property: PropertyDefinition, rnd: ReturnType<typeof createPrng>): string {
  const values = rows.map((row) => row[property.name]);
  const value = values.length > 0 ? rnd.pick(values) : null;
  return odataLiteral(property.type as EdmType, value);
}

/** One random boolean expression over `def`, with literals drawn from the data itself. */
function randomPredicate(def: EntitySetDefinition, rows: Row[], rnd: ReturnType<typeof createPrng>): string {
  const property = rnd.pick(def.properties);
  const literal = sampleValue(rows, property, rnd);
  const name = property.name;
  const type = property.type;
  if (type === 'Edm.String') {
    const raw = rows.length > 0 ? rows[rnd.int(rows.length)][name] : null;
    const text = typeof raw === 'string' ? raw : 'a';
    const fragment = text.slice(rnd.int(Math.max(1, text.length)), rnd.int(text.length + 1) + 1).replace(/'/g, "''");
    return rnd.pick([
      `${name} eq ${literal}`,
      `${name} ne ${literal}`,
      `${name} gt ${literal}`,
      `${name} le ${literal}`,
      `contains(${name},'${fragment}')`,
      `startswith(${name},'${fragment}')`,
      `endswith(${name},'${fragment}')`,
      `tolower(${name}) eq '${fragment.toLowerCase()}'`,
      `contains(toupper(${name}),'${fragment.toUpperCase()}')`,
      `length(${name}) gt ${rnd.int(20)}`,
      `indexof(${name},'${fragment}') ge 0`,
      `${name} eq null`,
      `${name} ne null`,
      `${name} in (${literal},'zz')`,
      `trim(${name}) eq ${name}`,
      `concat(${name},'!') ne 'x'`,
      `substring(${name},1) eq ${literal}`,
    ]);
  }
  if (type === 'Edm.DateTimeOffset') {
    return rnd.pick([
      `${name} gt ${literal}`,
      `${name} ge ${literal}`,
      `${name} lt ${literal}`,
      `${name} le ${literal}`,
      `${name} eq ${literal}`,
      `year(${name}) eq ${2019 + rnd.int(8)}`,
      `month(${name}) le ${1 + rnd.int(12)}`,
      `day(${name}) gt 15`,
      `hour(${name}) lt 12`,
      `${name} lt now()`,
      `${name} ne null`,
    ]);
  }
  if (type === 'Edm.Boolean') return rnd.pick([`${name} eq true`, `${name} eq false`, `${name}`, `not ${name}`, `${name} ne null`]);
  return rnd.pick([`${name} eq ${literal}`, `${name} ne ${literal}`, `${name} gt ${literal}`, `${name} le ${literal}`, `${name} add 1 gt ${literal}`, `${name} mod 2 eq 0`, `${name} in (${literal},1,2)`]);
}

function randomQuery(def: EntitySetDefinition, rows: Row[], rnd: ReturnType<typeof createPrng>): string {
  const options: string[] = [];
  if (rnd.chance(0.85)) {
    let filter = randomPredicate(def, rows, rnd);
    const extra = rnd.int(3);
    for (let i = 0; i < extra; i++) {
      const joiner = rnd.pick(['and', 'and', 'or']);
      const next = randomPredicate(def, rows, rnd);
      filter = rnd.chance(0.3) ? `(${filter}) ${joiner} not (${next})` : `${filter} ${joiner} ${next}`;
    }
    // Fix a workspace or repository sometimes, as real clients do, so path pushdown is exercised too.
    const fixable = def.properties.filter((p) => p.name === 'Workspace' || p.name === 'RepositorySlug');
    if (fixable.length > 0 && rnd.chance(0.5)) {
      const property = rnd.pick(fixable);
      filter = `${property.name} eq ${sampleValue(rows, property, rnd)} and (${filter})`;
    }
    options.push(`$filter=${encodeURIComponent(filter)}`);
  }
  if (rnd.chance(0.6)) {
    const keys = [...new Set([rnd.pick(def.properties).name, rnd.pick(def.properties).name])];
    options.push(`$orderby=${encodeURIComponent(keys.map((k) => `${k} ${rnd.pick(['asc', 'desc'])}`).join(','))}`);
  }
  if (rnd.chance(0.5)) options.push(`$select=${[...new Set([rnd.pick(def.properties).name, rnd.pick(def.properties).name])].join(',')}`);
  if (rnd.chance(0.5)) options.push(`$top=${rnd.pick([0, 1, 3, 5, 10, 40, 120])}`);
  if (rnd.chance(0.3)) options.push(`$skip=${rnd.pick([1, 2, 7, 50])}`);
  if (rnd.chance(0.4)) options.push('$count=true');
  return options.join('&');
}

/**
 * Registers the suite. `gateway` is the stack under test; `oracle` (default: the same stack) is read once, whole,
 * with no query options, for the full sets.
 */
export function describeDifferential(title: string, stacks: { gateway: () => Promise<Stack>; oracle?: () => Promise<Stack> }): void {
  const cases: Array<[string, string]> = [];
  {
    const rnd = createPrng(4242);
    for (const def of SETS) for (let i = 0; i < QUERIES_PER_SET; i++) cases.push([def.name, String(rnd.int(2 ** 31))]);
  }
  let gateway: Stack;
  let oracle: Stack | undefined;
  const fullSets = new Map<string, Row[]>();

  beforeAll(async () => {
    gateway = await stacks.gateway();
    oracle = stacks.oracle ? await stacks.oracle() : undefined;
    for (const def of SETS) fullSets.set(def.name, (await readAll(oracle ?? gateway, `/odata/${def.name}`)).rows);
  }, 180_000);
  afterAll(async () => {
    await gateway?.close();
    await oracle?.close();
  });

  describe(title, () => {
    test('there are at least 200 generated queries over every entity set', () => {
      expect(cases.length).toBeGreaterThanOrEqual(200);
      for (const def of SETS) expect(fullSets.get(def.name)?.length).toBeGreaterThan(0);
    });

    test.each(cases)('%s #%s', async (setName, seed) => {
      const def = SETS.find((d) => d.name === setName) as EntitySetDefinition;
      const rows = fullSets.get(setName) as Row[];
      const rnd = createPrng(Number(seed));
      const raw = randomQuery(def, rows, rnd);
      const query = parseQueryOptions(raw);
      // The full read came in the set's default order; a list answered in Bitbucket's own order keeps it without $orderby.
      const expected = evaluateQuery(rows, query, edmOf(def), { now: new Date(), inputOrderIsDefault: def.list?.defaultOrder === 'upstream' });
      const actual = await readAll(gateway, `/odata/${setName}?${raw}`);
      expect({ url: raw, rows: actual.rows }).toEqual({ url: raw, rows: expected.rows });
      if (query.count) expect(actual.count).toBe(expected.count);
    });
  });
}
