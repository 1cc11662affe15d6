/**
 * A `$filter` text is parsed once and its tree handed out again (issue #15: CPU per answer page), and what is worked
 * out per tree (the folded filter, the compiled predicate) is kept by it. These rows state that this changes no
 * answer: the tree is the same as a fresh parse and frozen; other limits decide again (a text too long under them
 * fails); a failing text fails every time; a predicate that reads `now()` reads each request's.
 */
import { compileFilter } from '../../../src/odata/evaluate';
import { foldConstants } from '../../../src/odata/fold-constants';
import { DEFAULT_PARSE_LIMITS, parseFilter, parseQueryOptions } from '../../../src/odata/parse';
import { items } from '../evaluate/fixtures';
import { expectODataError } from './expect-odata-error';

const TEXT = "State eq 'OPEN' and Score gt 3";

describe('filters kept', () => {
  test('the same text gives the same tree, equal to a fresh parse, frozen all the way down', () => {
    const first = parseQueryOptions(`$filter=${TEXT}`).filter;
    const again = parseQueryOptions(`$filter=${encodeURIComponent(TEXT)}&$top=5`).filter;
    expect(again).toBe(first);
    expect(first).toEqual(parseFilter(TEXT));
    expect(Object.isFrozen(first)).toBe(true);
    const tree = first as Extract<NonNullable<typeof first>, { kind: 'and' }>;
    expect(Object.isFrozen(tree.left)).toBe(true);
    expect(() => Object.assign(tree.left, { kind: 'or' })).toThrow(TypeError);
  });

  test('other limits decide again: a text kept under wide limits still fails under narrow ones', () => {
    parseQueryOptions(`$filter=${TEXT}`);
    expectODataError(() => parseQueryOptions(`$filter=${TEXT}`, { ...DEFAULT_PARSE_LIMITS, maxFilterLength: 10 }), 'FilterTooLong', '');
  });

  test('a text that fails fails every time', () => {
    for (let time = 0; time < 2; time++) expectODataError(() => parseQueryOptions('$filter=State eq'), 'InvalidFilter', '');
  });

  test('the folded filter of a kept tree is kept and frozen', () => {
    const tree = parseQueryOptions(`$filter=${encodeURIComponent("1 eq 1 and State eq 'OPEN'")}`).filter;
    const folded = foldConstants(tree, items);
    expect(foldConstants(tree, items)).toBe(folded);
    expect(folded).toEqual({ kind: 'compare', op: 'eq', left: { kind: 'property', name: 'State' }, right: { kind: 'literal', type: 'Edm.String', value: 'OPEN' } });
    expect(Object.isFrozen(folded)).toBe(true);
  });

  test('a predicate of a kept tree is reused; one that reads now() reads each request`s', () => {
    const tree = parseQueryOptions(`$filter=${TEXT}`).filter!;
    expect(compileFilter(tree, items, { now: new Date() })).toBe(compileFilter(tree, items, { now: new Date() }));
    const timed = parseQueryOptions('$filter=CreatedOn lt now()').filter!;
    const row = { CreatedOn: '2024-06-01T00:00:00Z' };
    expect(compileFilter(timed, items, { now: new Date('2024-05-01T00:00:00Z') })(row)).toBe(false);
    expect(compileFilter(timed, items, { now: new Date('2024-07-01T00:00:00Z') })(row)).toBe(true);
  });
});
