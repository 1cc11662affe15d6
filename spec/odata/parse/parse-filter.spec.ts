import type { Expr } from '../../../src/odata/ast';
import { ODataError } from '../../../src/odata/errors';
import { DEFAULT_PARSE_LIMITS, parseFilter } from '../../../src/odata/parse';
import { expectODataError, seededRandom } from './expect-odata-error';

const prop = (name: string): Expr => ({ kind: 'property', name });
const str = (value: string): Expr => ({ kind: 'literal', type: 'Edm.String', value });
const int = (value: number): Expr => ({ kind: 'literal', type: 'Edm.Int32', value });
const eq = (left: Expr, right: Expr): Expr => ({ kind: 'compare', op: 'eq', left, right });

describe('parseFilter: constructs → Expr', () => {
  const cases: Array<[string, Expr]> = [
    ["Title eq 'x'", eq(prop('Title'), str('x'))],
    ['Id ne 5', { kind: 'compare', op: 'ne', left: prop('Id'), right: int(5) }],
    ['Id gt 1 and Id le 9', { kind: 'and', left: { kind: 'compare', op: 'gt', left: prop('Id'), right: int(1) }, right: { kind: 'compare', op: 'le', left: prop('Id'), right: int(9) } }],
    ['a or b and c', { kind: 'or', left: prop('a'), right: { kind: 'and', left: prop('b'), right: prop('c') } }],
    ['(a or b) and c', { kind: 'and', left: { kind: 'or', left: prop('a'), right: prop('b') }, right: prop('c') }],
    ['not Draft', { kind: 'not', operand: prop('Draft') }],
    ['-Price eq 3', eq({ kind: 'negate', operand: prop('Price') }, int(3))],
    ['Price add 2 mul 3 eq 8', eq({ kind: 'arith', op: 'add', left: prop('Price'), right: { kind: 'arith', op: 'mul', left: int(2), right: int(3) } }, int(8))],
    ['Price sub 1 eq 0', eq({ kind: 'arith', op: 'sub', left: prop('Price'), right: int(1) }, int(0))],
    ['Price div 2 eq 1', eq({ kind: 'arith', op: 'div', left: prop('Price'), right: int(2) }, int(1))],
    ['Price divby 2 eq 1', eq({ kind: 'arith', op: 'divby', left: prop('Price'), right: int(2) }, int(1))],
    ['Price mod 2 eq 1', eq({ kind: 'arith', op: 'mod', left: prop('Price'), right: int(2) }, int(1))],
    ["State in ('OPEN','MERGED')", { kind: 'in', operand: prop('State'), list: [str('OPEN'), str('MERGED')] }],
    ["not State in ('a')", { kind: 'not', operand: { kind: 'in', operand: prop('State'), list: [str('a')] } }],
    ["contains(Title,'bug')", { kind: 'call', name: 'contains', args: [prop('Title'), str('bug')] }],
    ["startswith(tolower(Title),'fix')", { kind: 'call', name: 'startswith', args: [{ kind: 'call', name: 'tolower', args: [prop('Title')] }, str('fix')] }],
    ["substring(Title,1,2) eq 'x'", eq({ kind: 'call', name: 'substring', args: [prop('Title'), int(1), int(2)] }, str('x'))],
    ['now() gt CreatedOn', { kind: 'compare', op: 'gt', left: { kind: 'call', name: 'now', args: [] }, right: prop('CreatedOn') }],
    ['year(CreatedOn) eq 2024', eq({ kind: 'call', name: 'year', args: [prop('CreatedOn')] }, int(2024))],
    ['(true)', { kind: 'literal', type: 'Edm.Boolean', value: true }],
    ['Draft', prop('Draft')],
    [" Title eq 'padded' ", eq(prop('Title'), str('padded'))],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('parseFilter: literal typing', () => {
  const cases: Array<[string, Expr]> = [
    ["'a''bc'", str("a'bc")],
    ["''", str('')],
    ["'héllo wörld'", str('héllo wörld')],
    ["'😀 emoji'", str('😀 emoji')],
    ["'%27'", str('%27')], // already decoded text: a literal percent sign stays as written
    ["'a\"b#c&d;e+f/g?h\\i'", str('a"b#c&d;e+f/g?h\\i')],
    ['42', int(42)],
    ['-7', int(-7)],
    ['2147483648', { kind: 'literal', type: 'Edm.Int64', value: 2147483648 }],
    ['3.14', { kind: 'literal', type: 'Edm.Decimal', value: 3.14 }],
    ['1.5e3', { kind: 'literal', type: 'Edm.Double', value: 1500 }],
    ['true', { kind: 'literal', type: 'Edm.Boolean', value: true }],
    ['FALSE', { kind: 'literal', type: 'Edm.Boolean', value: false }],
    ['null', { kind: 'literal', type: 'null', value: null }],
    ['2024-01-31T12:00:00Z', { kind: 'literal', type: 'Edm.DateTimeOffset', value: '2024-01-31T12:00:00Z' }],
    ['2024-01-31T12:00:00.1234567+02:00', { kind: 'literal', type: 'Edm.DateTimeOffset', value: '2024-01-31T12:00:00.1234567+02:00' }],
    ['2024-02-29', { kind: 'literal', type: 'Edm.Date', value: '2024-02-29' }],
    ['12:30:00', { kind: 'literal', type: 'Edm.TimeOfDay', value: '12:30:00' }],
    ['01234567-89AB-cdef-0123-456789abcdef', { kind: 'literal', type: 'Edm.Guid', value: '01234567-89ab-cdef-0123-456789abcdef' }],
    ["duration'P1DT2H'", { kind: 'literal', type: 'Edm.Duration', value: 'P1DT2H' }],
  ];
  it.each(cases)('X eq %s', (literal, expected) => {
    expect(parseFilter(`X eq ${literal}`)).toEqual(eq(prop('X'), expected));
  });
});

describe('parseFilter: errors', () => {
  const cases: Array<[string, ODataError['code'], string]> = [
    ['', 'InvalidFilter', 'it is empty'],
    ["Title eq 'open", 'InvalidFilter', 'has no closing quote'],
    ["Title eq 'x' and", 'InvalidFilter', "unexpected 'and'"],
    ["Title eq 'x' Title", 'InvalidFilter', "unexpected 'Title'"],
    ['(Id eq 1', 'InvalidFilter', "missing ')'"],
    ['Id eq 1)', 'InvalidFilter', "unexpected ')'"],
    ['Title eq "x"', 'InvalidFilter', `unexpected '"x"'`],
    ["foo(Title)", 'InvalidFilter', "unknown function 'foo'"],
    ["CONTAINS(Title,'x')", 'InvalidFilter', 'function names are lower case: contains'],
    ['contains(Title)', 'InvalidFilter', 'function contains takes 2 arguments, got 1'],
    ["substring(Title,1,2,3) eq 'x'", 'InvalidFilter', 'function substring takes 2 or 3 arguments, got 4'],
    ['now(1) gt CreatedOn', 'InvalidFilter', 'function now takes 0 arguments, got 1'],
    ['Author/Name eq 1', 'InvalidFilter', "'Author/Name': property paths are not supported"],
    ['State in ()', 'InvalidFilter', "the list after 'in' is empty"],
    ["State in 'a'", 'InvalidFilter', "'in' must be followed by a parenthesised list"],
    ['X eq 2024-02-30', 'InvalidFilter', "unexpected '2024-02-30'"],
    ['X eq 2024-01-01T25:00:00Z', 'InvalidFilter', 'unexpected'],
    ["matchesPattern(Title,'^A')", 'NotImplemented', 'The function matchesPattern'],
    ['Reviewers/any(r:r eq 1)', 'NotImplemented', 'Lambda operator any'],
    ['Title eq @word', 'NotImplemented', 'Parameter aliases'],
    ["$it/Title eq 'x'", 'NotImplemented', '$it in expressions'],
    ["style has Sales.Pattern'Yellow'", 'NotImplemented', "The 'has' operator"],
    ["Names eq ['a']", 'NotImplemented', 'JSON literals'],
    ["Kind eq Sales.Pattern'Yellow'", 'NotImplemented', 'Typed literals'],
  ];
  it.each(cases)('%s → %s', (text, code, fragment) => {
    expectODataError(() => parseFilter(text), code, fragment);
  });
});

describe('parseFilter: limits', () => {
  it('answers a 5,000-deep parenthesised filter with FilterTooDeep, before any recursion', () => {
    const deep = `${'('.repeat(5000)}true${')'.repeat(5000)}`;
    expectODataError(() => parseFilter(deep, { ...DEFAULT_PARSE_LIMITS, maxFilterLength: 20000 }), 'FilterTooDeep', 'nests 5000 levels deep; the limit is 50');
  });

  it('counts parentheses inside string literals as text, not nesting', () => {
    expect(parseFilter(`Title eq '${'('.repeat(200)}'`)).toEqual(eq(prop('Title'), str('('.repeat(200))));
  });

  it('bounds unparenthesised nesting (not/negate chains) too', () => {
    expectODataError(() => parseFilter(`${'not '.repeat(999)}true`), 'FilterTooDeep', 'the limit is 50');
    expectODataError(() => parseFilter(`${'-'.repeat(3000)}1 eq 1`), 'FilterTooDeep', 'the limit is 50');
  });

  it('answers a 100 kB filter with FilterTooLong', () => {
    const long = Array.from({ length: 10000 }, (_, i) => `Id eq ${i}`).join(' or ');
    expect(long.length).toBeGreaterThan(100000);
    expectODataError(() => parseFilter(long), 'FilterTooLong', `is ${long.length} characters long; the limit is 4000`);
  });

  it('accepts a long flat filter within the limit', () => {
    const flat = Array.from({ length: 300 }, (_, i) => `Id eq ${i}`).join(' or ');
    expect(flat.length).toBeLessThanOrEqual(DEFAULT_PARSE_LIMITS.maxFilterLength);
    expect(parseFilter(flat).kind).toBe('or');
  });
});

describe('parseFilter: fuzz', () => {
  const fragments = [
    'Id', 'Title', ' ', ' ', 'eq', 'ne', 'gt', 'and', 'or', 'not', 'in', 'add', 'divby', '(', ')', '(', ')', ',', "'", "''", "'x'",
    '1', '-', '2.5', 'e', '1e9', 'null', 'true', 'contains', 'substring', 'now()', '/', 'any', ':', '$it', '@a', '[', ']', '{', '}',
    '"', '2024-01-01', 'T12:00:00Z', '+02:00', 'duration', "'P1D'", '%', '😀', '\t', '\u0000', 'INF', 'NaN', '.', 'Sales.Pattern',
  ];
  it('throws nothing but ODataError on 3,000 deterministic random inputs', () => {
    const random = seededRandom(20240131);
    const foreign: string[] = [];
    for (let n = 0; n < 3000; n++) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 25) }, () => fragments[Math.floor(random() * fragments.length)]);
      const text = n % 3 === 0 ? parts.join(' ') : parts.join('');
      try {
        parseFilter(text);
      } catch (error) {
        if (!(error instanceof ODataError) || error.status < 400 || error.status === 500) foreign.push(`${JSON.stringify(text)}: ${String(error)}`);
      }
    }
    expect(foreign).toEqual([]);
  });

  it('throws nothing but ODataError on random characters', () => {
    const random = seededRandom(7);
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: Math.floor(random() * 40) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');
      try {
        parseFilter(text);
      } catch (error) {
        expect(error).toBeInstanceOf(ODataError);
      }
    }
  });
});
