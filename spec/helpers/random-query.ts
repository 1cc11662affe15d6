/**
 * Random read queries over an entity set, with literals drawn from the set's own rows: what the differential suite
 * (spec/http/support/differential-suite.ts) compares with an in-process evaluation, and what the reliability fault
 * diff (bench/reliability/fault-diff.ts) sends to a faulted gateway and its fault-free twin. The same PRNG seed gives
 * the same query.
 */
import type { EdmType, Row } from '../../src/odata/ast';
import type { EntitySetDefinition, PropertyDefinition } from '../../src/entity-sets/model';
import type { createPrng } from './prng';
import { odataLiteral } from './odata-literal';

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

/** The query string (without `?`) of one random read: $filter, $orderby, $select, $top, $skip, $count, each maybe. */
export function randomQuery(def: EntitySetDefinition, rows: Row[], rnd: ReturnType<typeof createPrng>): string {
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
