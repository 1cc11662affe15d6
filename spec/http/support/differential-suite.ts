/**
 * Differential suite: for generated queries over every entity set, the gateway's answer (with all its pushdown)
 * equals the same query evaluated in-process over the full, unfiltered entity set. The full sets are read through
 * an *oracle* gateway with no query options at all (so nothing is pushed), then `evaluateQuery` decides.
 *
 * The suite runs once per sandbox profile (`differential.spec.ts`, `differential-realistic.spec.ts`): the gateway
 * under test may face a Bitbucket with real Bitbucket's quirks, while the oracle reads the same seeded data from a
 * well-behaved sandbox, so a truncated or padded answer under a quirk shows as a difference.
 */
import type { Row } from '../../../src/odata/ast';
import { evaluateQuery } from '../../../src/odata/evaluate';
import { parseQueryOptions } from '../../../src/odata/parse';
import { ENTITY_SETS } from '../../../src/entity-sets/registry';
import { edmOf } from '../../../src/entity-sets/to-edm-model';
import type { EntitySetDefinition } from '../../../src/entity-sets/model';
import { DEMO_BEARER, type Stack } from '../../helpers/stack';
import { createPrng } from '../../helpers/prng';
import { randomQuery } from '../../helpers/random-query';

const QUERIES_PER_SET = 26;
const SETS = ENTITY_SETS.filter((def) => !def.singleton);

/**
 * Sets Bitbucket lists below a repository (per pull request, pipeline or commit) cost one call per parent when read
 * whole, and a whole read over every repository may exceed MAX_FAN_OUT: they are compared within one repository,
 * whose filter is ANDed to every generated query (and to the full read the oracle makes).
 */
const SCOPE = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
export function scopeOf(def: EntitySetDefinition): string | undefined {
  const perParent = (def.list?.params ?? []).some((param) => param.fanOut && !['Workspaces', 'Repositories'].includes(param.fanOut.entitySet));
  return perParent ? SCOPE : undefined;
}
/** `raw` (a query string) with `scope` ANDed to its `$filter`. */
export function scoped(raw: string, scope: string | undefined): string {
  if (!scope) return raw;
  const options = raw === '' ? [] : raw.split('&');
  const at = options.findIndex((option) => option.startsWith('$filter='));
  if (at < 0) return [`$filter=${encodeURIComponent(scope)}`, ...options].join('&');
  options[at] = `$filter=${encodeURIComponent(`${scope} and (${decodeURIComponent(options[at].slice('$filter='.length))})`)}`;
  return options.join('&');
}

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

/**
 * Registers the suite. `gateway` is the stack under test; `oracle` (default: the same stack) is read once, whole,
 * with no query options, for the full sets.
 */
export function describeDifferential(
  title: string,
  stacks: { gateway: () => Promise<Stack>; oracle?: () => Promise<Stack> },
  /** Generated queries per entity set; fewer where the suite repeats a run that already has the full number. */
  queriesPerSet = QUERIES_PER_SET,
): void {
  const cases: Array<[string, string]> = [];
  {
    const rnd = createPrng(4242);
    for (const def of SETS) for (let i = 0; i < queriesPerSet; i++) cases.push([def.name, String(rnd.int(2 ** 31))]);
  }
  let gateway: Stack;
  let oracle: Stack | undefined;
  const fullSets = new Map<string, Row[]>();

  beforeAll(async () => {
    gateway = await stacks.gateway();
    oracle = stacks.oracle ? await stacks.oracle() : undefined;
    for (const def of SETS) fullSets.set(def.name, (await readAll(oracle ?? gateway, `/odata/${def.name}?${scoped('', scopeOf(def))}`)).rows);
  }, 180_000);
  afterAll(async () => {
    await gateway?.close();
    await oracle?.close();
  });

  describe(title, () => {
    test('there are generated queries over every entity set', () => {
      expect(cases.length).toBeGreaterThanOrEqual(SETS.length * Math.min(queriesPerSet, 10));
      for (const def of SETS) expect(fullSets.get(def.name)?.length).toBeGreaterThan(0);
    });

    test.each(cases)('%s #%s', async (setName, seed) => {
      const def = SETS.find((d) => d.name === setName) as EntitySetDefinition;
      const rows = fullSets.get(setName) as Row[];
      const rnd = createPrng(Number(seed));
      const raw = scoped(randomQuery(def, rows, rnd), scopeOf(def));
      const query = parseQueryOptions(raw);
      // The full read came in the set's default order; a list answered in Bitbucket's own order keeps it without $orderby.
      const expected = evaluateQuery(rows, query, edmOf(def), { now: new Date(), inputOrderIsDefault: def.list?.defaultOrder === 'upstream' });
      const actual = await readAll(gateway, `/odata/${setName}?${raw}`);
      expect({ url: raw, rows: actual.rows }).toEqual({ url: raw, rows: expected.rows });
      if (query.count) expect(actual.count).toBe(expected.count);
    });
  });
}
