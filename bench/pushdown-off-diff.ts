/**
 * `npm run bench:pushdown-off [-- queriesPerSet]`: the differential suite's generated queries
 * (spec/http/support/differential-suite.ts) sent to a gateway with PUSHDOWN=on and to one with PUSHDOWN=off; prints
 * every query whose answers differ. PUSHDOWN=off is the baseline the bench compares calls against, so it must answer
 * the same rows.
 */
import type { Row } from '../src/odata/ast';
import { ENTITY_SETS } from '../src/entity-sets/registry';
import { startStack } from '../spec/helpers/stack';
import { createPrng } from '../spec/helpers/prng';
import { randomQuery } from '../spec/helpers/random-query';
import { readAll, scopeOf, scoped } from '../spec/http/support/differential-suite';

async function main(): Promise<void> {
  const perSet = Number(process.argv[2] ?? 26);
  const on = await startStack();
  const off = await startStack({ env: { PUSHDOWN: 'off' } });
  let total = 0;
  let differ = 0;
  try {
    const rnd = createPrng(4242);
    for (const def of ENTITY_SETS.filter((d) => !d.singleton)) {
      const rows: Row[] = (await readAll(on, `/odata/${def.name}?${scoped('', scopeOf(def))}`)).rows;
      for (let i = 0; i < perSet; i++) {
        const seed = rnd.int(2 ** 31);
        const raw = scoped(randomQuery(def, rows, createPrng(seed)), scopeOf(def));
        total += 1;
        const url = `/odata/${def.name}?${raw}`;
        const [a, b] = await Promise.all([readAll(on, url).catch((e: Error) => e.message), readAll(off, url).catch((e: Error) => e.message)]);
        const same = JSON.stringify(typeof a === 'string' ? a : [a.rows, a.count]) === JSON.stringify(typeof b === 'string' ? b : [b.rows, b.count]);
        if (!same) {
          differ += 1;
          const describe = (x: typeof a) => (typeof x === 'string' ? x.slice(0, 300) : `${x.rows.length} rows, count ${x.count}`);
          console.log(`${def.name} #${seed}: ${decodeURIComponent(raw)}\n  on:  ${describe(a)}\n  off: ${describe(b)}`);
          if (typeof a !== 'string' && typeof b !== 'string' && a.rows.length === b.rows.length) {
            const at = a.rows.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(b.rows[k]));
            if (at >= 0) console.log(`  first differing row ${at}:\n    on:  ${JSON.stringify(a.rows[at]).slice(0, 400)}\n    off: ${JSON.stringify(b.rows[at]).slice(0, 400)}`);
          }
        }
      }
    }
  } finally {
    await on.close();
    await off.close();
  }
  console.log(`\n${differ} of ${total} answers differ between PUSHDOWN=on and PUSHDOWN=off`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
