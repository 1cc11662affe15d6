/** $search: parsing per the ABNF test cases (5.1.7) and case-insensitive matching over the searchable properties. */
import { compileSearch, matchesSearch, parseSearch, type SearchExpr } from '../../../src/odata/evaluate';
import { ODataError } from '../../../src/odata/errors';
import { rows } from './fixtures';

const term = (text: string): SearchExpr => ({ kind: 'term', text });
const AND = (left: SearchExpr, right: SearchExpr): SearchExpr => ({ kind: 'and', left, right });
const OR = (left: SearchExpr, right: SearchExpr): SearchExpr => ({ kind: 'or', left, right });
const NOT = (operand: SearchExpr): SearchExpr => ({ kind: 'not', operand });

describe('parseSearch', () => {
  it.each<[string, SearchExpr]>([
    ['blue', term('blue')],
    ["Daniel's", term("Daniel's")],
    ['08/15', term('08/15')],
    ['"blue green"', term('blue green')],
    ['"say \\"hi\\""', term('say "hi"')],
    ['blue green', AND(term('blue'), term('green'))],
    ['blue AND green', AND(term('blue'), term('green'))],
    ['blue OR green', OR(term('blue'), term('green'))],
    ['blue NOT green', AND(term('blue'), NOT(term('green')))],
    ['NOT blue', NOT(term('blue'))],
    ['NOT (blue green)', NOT(AND(term('blue'), term('green')))],
    ['AND', term('AND')],
    ['OR', term('OR')],
    ['NOT', term('NOT')],
    ['NOT NOT', NOT(term('NOT'))],
    ['AND OR', AND(term('AND'), term('OR'))],
    ['OR AND', AND(term('OR'), term('AND'))],
    ['AND OR NOT', OR(term('AND'), term('NOT'))],
    ['and or', AND(term('and'), term('or'))],
    // NOT binds tighter than AND, AND tighter than OR (Part 1 §11.2.6.6).
    [
      'foo AND bar OR foo AND baz',
      OR(AND(term('foo'), term('bar')), AND(term('foo'), term('baz'))),
    ],
    [
      '(foo OR that) AND (bar OR baz) AND NOT quux',
      AND(AND(OR(term('foo'), term('that')), OR(term('bar'), term('baz'))), NOT(term('quux'))),
    ],
    ['(NOT foo) OR baz', OR(NOT(term('foo')), term('baz'))],
    ['Δ', term('Δ')],
  ])('%s', (search, expected) => {
    expect(parseSearch(search)).toEqual(expected);
  });

  it.each(['(blue', 'blue)', '', '   ', '()'])('rejects %p with 400 InvalidQueryOption', (search) => {
    let error: unknown;
    try {
      parseSearch(search);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ODataError);
    expect((error as ODataError).code).toBe('InvalidQueryOption');
    expect((error as ODataError).message).toMatch(/^The query option \$search is not valid: /);
  });
});

describe('matchesSearch / compileSearch', () => {
  const searchable = ['Title', 'State'];
  const ids = (search: string) =>
    rows.filter((row) => matchesSearch(row, search, searchable)).map((row) => row.Id);

  it.each<[string, number[]]>([
    ['abc', [1, 2, 10]],
    ['ABC', [1, 2, 10]],
    ['merged', [2, 6]],
    ['abc open', [1, 10]],
    ['abc AND NOT open', [2]],
    ['smile OR neil', [6, 9]],
    ['"o\'n"', [9]],
    ['ünïcödé', [5]],
    ['😀', [6]],
    ['NOT open', [2, 4, 6]],
    ['NOT zzz', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  ])('%s', (search, expected) => {
    expect(ids(search)).toEqual(expected);
  });

  it('searches non-string properties in their JSON text and skips nulls', () => {
    const predicate = compileSearch('2.5', ['Score', 'Title']);
    expect(rows.filter(predicate).map((row) => row.Id)).toEqual([2, 5]);
  });
});
