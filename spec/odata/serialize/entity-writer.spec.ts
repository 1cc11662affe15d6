/**
 * The precompiled entity writer (`entityWriter`) writes byte for byte what `JSON.stringify` writes of the entity
 * object the generic path builds (`serializeCollection`), on random rows of every entity set of the model: random
 * values of every Edm type (and values of the wrong type, as a row may hold), nulls, awkward strings (quotes,
 * backslashes, U+2028, lone surrogates, non-ASCII), non-finite numbers, date-times with offsets and long fractions,
 * at every metadata level, with and without IEEE754Compatible, `$select` (in any order, repeated, with navigation
 * properties, `*`), ETags and expansions (single-valued and collections, with and without a nested count and
 * `$select`). The OData version does not change the JSON of an entity (4.01 changes only headers and URL syntax), so
 * there is no version axis here.
 */
import fc from 'fast-check';
import type { EdmType, LiteralValue, Row } from '../../../src/odata/ast';
import type { EdmEntitySet } from '../../../src/odata/edm';
import { collectionText, entityWriter, serializeCollection, type ExpandedNavigation, type ExpandedValue, type SerializeOptions } from '../../../src/odata/serialize';
import { ByteSink } from '../../../src/odata/serialize/entity-encoder';
import { ENTITY_SETS } from '../../../src/entity-sets/registry';
import { buildEdmModel, NAMESPACE } from '../../../src/entity-sets/to-edm-model';

const SERVICE_ROOT = 'http://localhost/odata/';
const model = buildEdmModel(ENTITY_SETS);
const sets = model.entitySets;
const setNamed = (name: string): EdmEntitySet => sets.find((set) => set.name === name) as EdmEntitySet;

const awkwardString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', "it's", 'a"b', 'back\\slash', 'line\u2028sep', '\ud800', 'é/ü (x)', '<script>', '\u0000\u001f'),
);

/** Key values go into entity ids (URLs): well-formed text, as any key Bitbucket returns is. */
const keyString = fc.oneof(fc.string({ minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), fc.constantFrom("it's", 'a/b', 'é (x)', 'back\\slash'));

const dateTime = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('2024-01-02T03:04:05.123456789+00:00', '2024-01-02T05:04:05+02:00', '2024-01-02T03:04Z', '2024-01-02T03:04:05.100000Z', 'not a date', '2024-13-45T99:99:99-07:30'),
);

const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 2 ** 53 + 2, Number.NaN, Infinity, -Infinity, 1e21, 1.5));

/** A value of the property's type, mostly; sometimes null or a value of another type (rows are not typed at run time). */
function valueOf(type: EdmType, nullable: boolean): fc.Arbitrary<LiteralValue> {
  const typed: fc.Arbitrary<LiteralValue> = (() => {
    switch (type) {
      case 'Edm.Int32':
        return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
      case 'Edm.Int64':
      case 'Edm.Decimal':
        return fc.oneof(fc.integer(), fc.constantFrom('9007199254740993', '+12', '12', '1e3', '-0'), number);
      case 'Edm.Double':
        return number;
      case 'Edm.Boolean':
        return fc.boolean();
      case 'Edm.DateTimeOffset':
        return dateTime;
      default:
        return awkwardString;
    }
  })();
  const other = fc.oneof(awkwardString, number, fc.boolean());
  return fc.oneof({ weight: 8, arbitrary: typed }, { weight: nullable ? 2 : 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: other });
}

/** A row of `set`: key values are never null (an entity id needs them, and both paths throw the same without). */
function rowOf(set: EdmEntitySet): fc.Arbitrary<Row> {
  const members: Record<string, fc.Arbitrary<LiteralValue>> = {};
  for (const property of set.properties) {
    members[property.name] = set.key.includes(property.name) ? (property.type === 'Edm.String' ? keyString : fc.integer({ min: 0 })) : valueOf(property.type, true);
  }
  // Some rows lack properties altogether (a projection fetched narrower): undefined reads as null.
  return fc.record(members, { requiredKeys: set.key });
}

function selectOf(set: EdmEntitySet): fc.Arbitrary<readonly string[] | undefined> {
  const names = [...set.properties.map((property) => property.name), ...set.navigation.map((nav) => nav.name)];
  return fc.oneof(
    fc.constant(undefined),
    fc.constant([]),
    fc.constant(['*']),
    fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 6 }),
    fc.array(fc.constantFrom(...names, '*'), { minLength: 1, maxLength: 4 }),
  );
}

const etagOf = fc.constantFrom<((row: Row) => string | undefined) | undefined>(
  undefined,
  (row) => `W/"${JSON.stringify(Object.values(row)[0] ?? null)}"`,
  (row) => (Object.keys(row).length % 2 === 0 ? undefined : 'W/"x\\"y"'),
);

interface ExpansionCase {
  nav: string;
  target: EdmEntitySet;
  select?: readonly string[];
  etag?: (row: Row) => string | undefined;
  /** The related value of the n-th parent row (cycling). */
  values: ExpandedValue[];
}

/** Expansions of `set`'s navigation properties, with random related rows. */
function expansionsOf(set: EdmEntitySet): fc.Arbitrary<ExpansionCase[]> {
  if (set.navigation.length === 0) return fc.constant([]);
  const one = fc.constantFrom(...set.navigation).chain((nav) => {
    const target = setNamed(nav.target);
    const value: fc.Arbitrary<ExpandedValue> = nav.collection
      ? fc.record({ kind: fc.constant('collection' as const), rows: fc.array(rowOf(target), { maxLength: 3 }), count: fc.option(fc.nat(), { nil: undefined }) }, { requiredKeys: ['kind', 'rows'] })
      : fc.record({ kind: fc.constant('entity' as const), row: fc.option(rowOf(target), { nil: null }) });
    return fc.record({ values: fc.array(value, { minLength: 1, maxLength: 3 }), select: selectOf(target), etag: etagOf }).map(
      ({ values, select, etag }): ExpansionCase => ({ nav: nav.name, target, values, ...(select !== undefined ? { select } : {}), ...(etag !== undefined ? { etag } : {}) }),
    );
  });
  // Each navigation property is expanded at most once (validateExpand refuses it twice).
  return fc.uniqueArray(one, { maxLength: 2, selector: (expansion) => expansion.nav });
}

/** The expansions as the serializer takes them: a parent row's value by its place among `rows`. */
const expansionsFor = (cases: ExpansionCase[], rows: Row[]): ExpandedNavigation[] =>
  cases.map(({ nav, target, select, etag, values }) => ({
    name: nav,
    set: target,
    ...(select !== undefined ? { select } : {}),
    ...(etag !== undefined ? { etag } : {}),
    valueOf: (row: Row) => values[rows.indexOf(row) % values.length] as ExpandedValue,
  }));

const caseOf = fc.constantFrom(...sets).chain((set) =>
  fc.record({
    set: fc.constant(set),
    rows: fc.array(rowOf(set), { minLength: 1, maxLength: 4 }),
    level: fc.constantFrom('minimal' as const, 'full' as const, 'none' as const),
    ieee754Compatible: fc.boolean(),
    select: selectOf(set),
    etag: etagOf,
    expand: expansionsOf(set),
  }),
);

describe('entityWriter', () => {
  test('writes what JSON.stringify writes of the generic entity, on random rows of every entity set', () => {
    fc.assert(
      fc.property(caseOf, ({ set, rows, level, ieee754Compatible, select, etag, expand }) => {
        const options: SerializeOptions = { set, namespace: NAMESPACE, serviceRoot: SERVICE_ROOT, level, ieee754Compatible, select, etag };
        const generic = serializeCollection({ ...options, rows, expand: expansionsFor(expand, rows) }).value as unknown[];
        const write = entityWriter({ ...options, expand: expansionsFor(expand, rows) });
        expect(rows.map(write)).toEqual(generic.map((entity) => JSON.stringify(entity)));
      }),
      { numRuns: 300 },
    );
  });

  test('collectionText writes its entities with it: chunks joined are the one-body answer', () => {
    fc.assert(
      fc.property(caseOf, ({ set, rows, level, ieee754Compatible, select, etag }) => {
        const options: SerializeOptions = { set, namespace: NAMESPACE, serviceRoot: SERVICE_ROOT, level, ieee754Compatible, select, etag };
        const text = collectionText({ ...options, count: rows.length });
        const written = `${text.head}${text.entities(rows.slice(0, 1))}${rows.length > 1 ? `,${text.entities(rows.slice(1))}` : ''}${text.tail({})}`;
        expect(written).toBe(JSON.stringify(serializeCollection({ ...options, rows, count: rows.length })));
      }),
      { numRuns: 80 },
    );
  });

  test("collectionText's encoded entities (bytes written straight, entity-encoder.ts) are the UTF-8 of the written text, on random rows", () => {
    fc.assert(
      fc.property(caseOf, ({ set, rows, level, ieee754Compatible, select, etag, expand }) => {
        const options: SerializeOptions = { set, namespace: NAMESPACE, serviceRoot: SERVICE_ROOT, level, ieee754Compatible, select, etag };
        const expansions = expansionsFor(expand, rows);
        const text = collectionText({ ...options, expand: expansions });
        const generic = (serializeCollection({ ...options, rows, expand: expansions }).value as unknown[]).map((entity) => JSON.stringify(entity)).join(',');
        // Twice: the second call writes in the room the first one handed back (entity-encoder.ts).
        for (let round = 0; round < 2; round++) {
          const written = Buffer.concat(text.encodedEntities(rows, expansions));
          expect(written.equals(Buffer.from(generic, 'utf8'))).toBe(true);
          expect(written.toString('utf8')).toBe(generic);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('encoded entities of rows that fill more than one Buffer, and of a string holding any one UTF-16 code unit, are the UTF-8 of JSON.stringify', () => {
    const set = setNamed('Commits');
    const text = collectionText({ set, namespace: NAMESPACE, serviceRoot: SERVICE_ROOT, level: 'minimal', select: ['Hash', 'Message'] });
    const messages = [...Array.from({ length: 0x10000 }, (_, unit) => `a${String.fromCharCode(unit)}b`), 'x\ud83d\ude00y', '\ude00\ud83d', '', 'plain', '€'.repeat(20_000), `${'a'.repeat(60_000)}€€€`, 'é'.repeat(40_000), 'x'.repeat(300_000)];
    const rows: Row[] = messages.map((message, index) => ({ Hash: String(index), Message: message }));
    const pieces = text.encodedEntities(rows);
    expect(pieces.length).toBeGreaterThan(1);
    expect(Buffer.concat(pieces).equals(Buffer.from(rows.map((row) => JSON.stringify(row)).join(','), 'utf8'))).toBe(true);
  });

  test('a string with two- and three-byte characters or escapes that ends where the room ends is written whole (encoded as checked)', () => {
    // The room is 64 KiB (entity-encoder.ts SINK_BYTES): strings written after 65,490 to 65,536 bytes of ASCII cross
    // its end at every offset, with their last character, or their quote, on the last byte.
    const values = ['é', '€', 'aé', 'a€', 'é€é', 'x'.repeat(40) + '€', '\n', 'a"', '\u0001', 'a\\\u001f'];
    for (let before = 65_490; before <= 65_536; before++) {
      for (const value of values) {
        const sink = new ByteSink();
        sink.ascii('x'.repeat(before));
        sink.jsonString(value);
        sink.ascii(',');
        const written = Buffer.concat(sink.pieces());
        expect(written.equals(Buffer.from(`${'x'.repeat(before)}${JSON.stringify(value)},`, 'utf8'))).toBe(true);
      }
    }
  });

  test.each([
    '2024-01-02T03:04:05+00:00',
    '2024-01-02T03:04:05+01:00',
    '2024-01-02T03:04:05-00:00',
    '2024-01-02T03:04:05.123456+00:00',
    '2024-01-02t03:04:05+00:00',
    '2024-01-02T03:04:0x+00:00',
    '2024-01-02T03:04:05+00:0a',
    '12024-01-02T03:04:05+00:00',
    '2024-01-02 03:04:05+00:00',
    'not a date at all, 25 chr',
    '',
  ])('a date (%s) is written as the string writer writes it, in Bitbucket\'s own form straight', (date) => {
    const set = setNamed('Commits');
    for (const level of ['none', 'minimal'] as const) {
      const text = collectionText({ set, namespace: NAMESPACE, serviceRoot: SERVICE_ROOT, level, select: ['Hash', 'Date'] });
      const rows: Row[] = [{ Hash: 'a', Date: date }, { Hash: 'b', Date: null }];
      expect(Buffer.concat(text.encodedEntities(rows)).toString('utf8')).toBe(text.entities(rows));
    }
  });

  test('rows whose keys are in another order, missing or extra are written by name, as the string writer writes them', () => {
    const set = setNamed('Commits');
    const names = set.properties.map((property) => property.name);
    const full: Row = Object.fromEntries(names.map((name, index) => [name, name === 'ParentCount' ? index : name === 'Date' ? '2024-01-02T03:04:05+00:00' : `${name}-${index}`]));
    const rows: Row[] = [
      full,
      Object.fromEntries(Object.entries(full).reverse()),
      Object.fromEntries(Object.entries(full).filter(([name]) => name !== 'Hash')),
      { ...full, Extra: 'x' },
      { Extra: 'x', ...full },
      Object.fromEntries([...Object.entries(full).slice(0, 3), ['Extra', 'x'], ...Object.entries(full).slice(3)]),
      {},
    ];
    for (const select of [undefined, ['Hash', 'Date'], ['Date', 'Workspace']]) {
      const text = collectionText({ set, namespace: NAMESPACE, serviceRoot: SERVICE_ROOT, level: 'minimal', select });
      expect(Buffer.concat(text.encodedEntities(rows)).toString('utf8')).toBe(text.entities(rows));
    }
  });

  test('a compiled shape is reused: the same select on the same set gives the same text', () => {
    const set = setNamed('Commits');
    const row: Row = { Workspace: 'w', RepositorySlug: 'r', Hash: 'abc', Date: '2024-01-02T05:04:05+02:00', Message: 'a"b' };
    const first = entityWriter({ set, namespace: NAMESPACE, serviceRoot: SERVICE_ROOT, level: 'minimal', select: ['Hash', 'Date'] })(row);
    const again = entityWriter({ set, namespace: NAMESPACE, serviceRoot: SERVICE_ROOT, level: 'minimal', select: ['Hash', 'Date'] })(row);
    expect(first).toBe('{"Hash":"abc","Date":"2024-01-02T03:04:05Z"}');
    expect(again).toBe(first);
  });

  test('a string holding any one UTF-16 code unit, or a surrogate pair, is written as JSON.stringify writes it', () => {
    const set = setNamed('Commits');
    const write = entityWriter({ set, namespace: NAMESPACE, serviceRoot: SERVICE_ROOT, level: 'none', select: ['Message'] });
    const messages = [...Array.from({ length: 0x10000 }, (_, unit) => `a${String.fromCharCode(unit)}b`), 'x\ud83d\ude00y', '\ude00\ud83d', '', 'plain'];
    const wrong = messages.filter((message) => write({ Message: message }) !== JSON.stringify({ Message: message }));
    expect(wrong).toEqual([]);
  });
});
