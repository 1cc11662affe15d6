/**
 * `$filter` text → Expr, construct by construct. Precedence follows OData 4.01 Part 2 §5.1.1.10, highest first:
 * primary (`in`, `has`, calls, parentheses), unary (`-`, `not`), multiplicative, additive, relational, equality,
 * `and`, `or`; every binary operator is left-associative. Literal typing has its own spec (literal.spec.ts).
 */
import type { Expr, FunctionName } from '../../../src/odata/ast';
import type { ErrorCode } from '../../../src/odata/errors';
import { parseFilter } from '../../../src/odata/parse';
import { expectODataError } from './expect-odata-error';
import { and, arith, bool, call, cmp, dec, int32, isIn, neg, not, NULL, or, prop, str } from './expr-builders';

const [A, B, C, D, X] = ['A', 'B', 'C', 'D', 'X'].map(prop);
const Title = prop('Title');

describe('parseFilter: each operator', () => {
  const cases: Array<[string, Expr]> = [
    ["Title eq 'x'", cmp('eq', Title, str('x'))],
    ['A ne B', cmp('ne', A, B)],
    ['A gt B', cmp('gt', A, B)],
    ['A ge B', cmp('ge', A, B)],
    ['A lt B', cmp('lt', A, B)],
    ['A le B', cmp('le', A, B)],
    ['A and B', and(A, B)],
    ['A or B', or(A, B)],
    ['not A', not(A)],
    ['A add B', arith('add', A, B)],
    ['A sub B', arith('sub', A, B)],
    ['A mul B', arith('mul', A, B)],
    ['A div B', arith('div', A, B)],
    ['A divby B', arith('divby', A, B)],
    ['A mod B', arith('mod', A, B)],
    ['-A', neg(A)],
    ["X in ('a','b')", isIn(X, str('a'), str('b'))],
    ['A', A],
    ['true', bool(true)],
    // Member paths parse; validation against the model answers them (501 through a navigation property, else 400).
    ["Repository/Language eq 'rust'", cmp('eq', { kind: 'path', segments: ['Repository', 'Language'] }, str('rust'))],
    ['PullRequests/$count gt 5', cmp('gt', { kind: 'path', segments: ['PullRequests', '$count'] }, { kind: 'literal', type: 'Edm.Int32', value: 5 })],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('parseFilter: precedence (§5.1.1.10), each level against the next', () => {
  const cases: Array<[string, string, Expr]> = [
    ['in over not', 'not X in (1)', not(isIn(X, int32(1)))],
    ['in over negation', '-X in (1)', neg(isIn(X, int32(1)))],
    ['in over multiplicative', 'A mul X in (1)', arith('mul', A, isIn(X, int32(1)))],
    ['in over equality', 'X in (1) eq true', cmp('eq', isIn(X, int32(1)), bool(true))],
    ['not over equality', 'not A eq B', cmp('eq', not(A), B)],
    ['not over and', 'not A and B', and(not(A), B)],
    ['negation over multiplicative', '-A mul B', arith('mul', neg(A), B)],
    ['negation over additive', '-A add B', arith('add', neg(A), B)],
    ['multiplicative over additive (right)', 'A add B mul C', arith('add', A, arith('mul', B, C))],
    ['multiplicative over additive (left)', 'A mul B add C', arith('add', arith('mul', A, B), C)],
    ['div over sub', 'A sub B div C', arith('sub', A, arith('div', B, C))],
    ['divby over add', 'A add B divby C', arith('add', A, arith('divby', B, C))],
    ['mod over sub', 'A mod B sub C', arith('sub', arith('mod', A, B), C)],
    ['additive over relational (left)', 'A add B gt C', cmp('gt', arith('add', A, B), C)],
    ['additive over relational (right)', 'A lt B sub C', cmp('lt', A, arith('sub', B, C))],
    ['relational over equality (right)', 'A eq B gt C', cmp('eq', A, cmp('gt', B, C))],
    ['relational over equality (left)', 'A le B ne C', cmp('ne', cmp('le', A, B), C)],
    ['equality over and', 'A eq B and C ne D', and(cmp('eq', A, B), cmp('ne', C, D))],
    ['and over or (right)', 'A or B and C', or(A, and(B, C))],
    ['and over or (left)', 'A and B or C', or(and(A, B), C)],
    ['all levels at once', 'not A or B add C mul -D gt 1 and X in (2)', or(not(A), and(cmp('gt', arith('add', B, arith('mul', C, neg(prop('D')))), int32(1)), isIn(X, int32(2))))],
  ];
  it.each(cases)('%s: %s', (_label, text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('parseFilter: associativity (binary operators to the left, unary ones nest)', () => {
  const cases: Array<[string, Expr]> = [
    ['A sub B sub C', arith('sub', arith('sub', A, B), C)],
    ['A add B sub C', arith('sub', arith('add', A, B), C)],
    ['A div B div C', arith('div', arith('div', A, B), C)],
    ['A divby B mul C', arith('mul', arith('divby', A, B), C)],
    ['A mod B mod C', arith('mod', arith('mod', A, B), C)],
    ['A gt B lt C', cmp('lt', cmp('gt', A, B), C)],
    ['A eq B eq C', cmp('eq', cmp('eq', A, B), C)],
    ['A ne B eq C', cmp('eq', cmp('ne', A, B), C)],
    ['A and B and C', and(and(A, B), C)],
    ['A or B or C', or(or(A, B), C)],
    ['not not A', not(not(A))],
    ['- -A', neg(neg(A))],
    ['--A', neg(neg(A))],
    ['-(-A)', neg(neg(A))],
    ['not -A', not(neg(A))],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('parseFilter: parentheses', () => {
  const cases: Array<[string, Expr]> = [
    ['(A)', A],
    ['((A))', A],
    ['( A )', A],
    ['(A or B) and C', and(or(A, B), C)],
    ['A and (B or C)', and(A, or(B, C))],
    ['A sub (B sub C)', arith('sub', A, arith('sub', B, C))],
    ['(A add B) mul C', arith('mul', arith('add', A, B), C)],
    ['(4 add 5) mod (4 sub 1) eq 0', cmp('eq', arith('mod', arith('add', int32(4), int32(5)), arith('sub', int32(4), int32(1))), int32(0))],
    ['not (A and B)', not(and(A, B))],
    ['not(A)', not(A)],
    ['-(A add B)', neg(arith('add', A, B))],
    ['(X in (1)) eq true', cmp('eq', isIn(X, int32(1)), bool(true))],
    ["Title eq '('", cmp('eq', Title, str('('))],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('parseFilter: every canonical function (Part 2 §5.1.1.5-9)', () => {
  const CreatedOn = prop('CreatedOn');
  const Price = prop('Price');
  const cases: Array<[FunctionName, string, Expr]> = [
    ['contains', "contains(Title,'bug')", call('contains', Title, str('bug'))],
    ['startswith', "startswith(Title,'fix')", call('startswith', Title, str('fix'))],
    ['endswith', "endswith(Title,'!')", call('endswith', Title, str('!'))],
    ['tolower', 'tolower(Title)', call('tolower', Title)],
    ['toupper', 'toupper(Title)', call('toupper', Title)],
    ['length', 'length(Title)', call('length', Title)],
    ['trim', 'trim(Title)', call('trim', Title)],
    ['concat', "concat(Title,'-')", call('concat', Title, str('-'))],
    ['indexof', "indexof(Title,'x')", call('indexof', Title, str('x'))],
    ['substring', 'substring(Title,1)', call('substring', Title, int32(1))],
    ['substring', 'substring(Title,1,2)', call('substring', Title, int32(1), int32(2))],
    ['year', 'year(CreatedOn)', call('year', CreatedOn)],
    ['month', 'month(CreatedOn)', call('month', CreatedOn)],
    ['day', 'day(CreatedOn)', call('day', CreatedOn)],
    ['hour', 'hour(CreatedOn)', call('hour', CreatedOn)],
    ['minute', 'minute(CreatedOn)', call('minute', CreatedOn)],
    ['second', 'second(CreatedOn)', call('second', CreatedOn)],
    ['fractionalseconds', 'fractionalseconds(CreatedOn)', call('fractionalseconds', CreatedOn)],
    ['date', 'date(CreatedOn)', call('date', CreatedOn)],
    ['time', 'time(CreatedOn)', call('time', CreatedOn)],
    ['now', 'now()', call('now')],
    ['round', 'round(Price)', call('round', Price)],
    ['floor', 'floor(Price)', call('floor', Price)],
    ['ceiling', 'ceiling(Price)', call('ceiling', Price)],
  ];
  it.each(cases)('%s: %s', (_name, text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });

  it('covers exactly the functions the parser supports (the list its error message gives)', () => {
    const error = expectODataError(() => parseFilter('nosuchfunction(1)'), 'InvalidFilter', 'supported: ');
    const supported = error.message.split('supported: ')[1].replace(/\.$/, '').split(', ');
    expect([...new Set(cases.map(([name]) => name))].sort()).toEqual([...supported].sort());
  });

  const shapes: Array<[string, Expr]> = [
    ["startswith(tolower(Title),'fix')", call('startswith', call('tolower', Title), str('fix'))],
    ["concat(concat(Title,', '),Title)", call('concat', call('concat', Title, str(', ')), Title)],
    ['year(CreatedOn) eq 2024', cmp('eq', call('year', CreatedOn), int32(2024))],
    ['now() gt CreatedOn', cmp('gt', call('now'), CreatedOn)],
    ['now( )', call('now')],
    ["contains( Title , 'x' )", call('contains', Title, str('x'))],
    ["tolower(Title) in ('a')", isIn(call('tolower', Title), str('a'))],
    ['length(Title) add 1 gt 2', cmp('gt', arith('add', call('length', Title), int32(1)), int32(2))],
    ['not contains(Title,A eq B)', not(call('contains', Title, cmp('eq', A, B)))],
    ['round(Price mul 1.5)', call('round', arith('mul', Price, dec(1.5)))],
    // Function names are case-insensitive (ABNF double-quoted strings); the tree holds them in lower case.
    ["CONTAINS(Title,'x')", call('contains', Title, str('x'))],
    ['ToLower(Title)', call('tolower', Title)],
    ['NOW()', call('now')],
  ];
  it.each(shapes)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('parseFilter: in lists', () => {
  const cases: Array<[string, Expr]> = [
    ["State in ('OPEN')", isIn(prop('State'), str('OPEN'))],
    ["State in ('OPEN','MERGED','DECLINED')", isIn(prop('State'), str('OPEN'), str('MERGED'), str('DECLINED'))],
    ["State in ( 'OPEN' , 'MERGED' )", isIn(prop('State'), str('OPEN'), str('MERGED'))],
    ['Id in (1,-2,3.5,null)', isIn(prop('Id'), int32(1), int32(-2), dec(3.5), NULL)],
    ["State in ('it''s')", isIn(prop('State'), str("it's"))],
    ["State IN ('a')", isIn(prop('State'), str('a'))],
    ["State in('a')", isIn(prop('State'), str('a'))],
    ["State in ('a') or State in ('b')", or(isIn(prop('State'), str('a')), isIn(prop('State'), str('b')))],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('parseFilter: not', () => {
  const cases: Array<[string, Expr]> = [
    ['not Draft', not(prop('Draft'))],
    ['not(Draft)', not(prop('Draft'))],
    ['not (Draft)', not(prop('Draft'))],
    ['NOT Draft', not(prop('Draft'))],
    ['not not Draft', not(not(prop('Draft')))],
    ["not endswith(Title,'ilk')", not(call('endswith', Title, str('ilk')))],
    ["not State in ('a')", not(isIn(prop('State'), str('a')))],
    ['not true eq false', cmp('eq', not(bool(true)), bool(false))],
    // A word that starts with "not" is a property.
    ['notable', prop('notable')],
    ['not notable', not(prop('notable'))],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('parseFilter: whitespace and case', () => {
  const expected = and(cmp('eq', prop('Id'), int32(1)), cmp('ne', Title, str('x')));
  const cases: string[] = [
    "Id eq 1 and Title ne 'x'",
    "  Id eq 1 and Title ne 'x'  ",
    "Id  eq   1   and  Title ne 'x'",
    "Id\teq\t1\tand\tTitle\tne\t'x'",
    "Id\neq 1\r\nand Title ne 'x'",
    // Lenient: the ABNF wants RWS around `and`; after ')' and before '(' the boundary is unambiguous.
    "(Id eq 1)and(Title ne 'x')",
    "Id eq 1 and(Title ne 'x')",
    // OData 4.01: operators are case-insensitive (OASIS test case "Name EQ 'Milk' AND Price LT 2.55").
    "Id EQ 1 AND Title NE 'x'",
    "Id Eq 1 aNd Title nE 'x'",
  ];
  it.each(cases)('%j', (text) => {
    expect(parseFilter(text)).toEqual(expected);
  });

  it('keeps whitespace inside string literals', () => {
    expect(parseFilter("Title eq '  two  spaces\t'")).toEqual(cmp('eq', Title, str('  two  spaces\t')));
  });

  it('reads every operator in upper case as the same tree', () => {
    const operators = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'add', 'sub', 'mul', 'div', 'divby', 'mod'];
    for (const op of operators) expect(parseFilter(`A ${op.toUpperCase()} B`)).toEqual(parseFilter(`A ${op} B`));
    expect(parseFilter('NOT A')).toEqual(parseFilter('not A'));
    expect(parseFilter("X IN ('a')")).toEqual(parseFilter("X in ('a')"));
  });
});

describe('parseFilter: errors name the problem', () => {
  const cases: Array<[string, ErrorCode, string]> = [
    ['', 'InvalidFilter', 'it is empty'],
    ['   ', 'InvalidFilter', 'it is empty'],
    ["Title eq 'open", 'InvalidFilter', "the string starting at position 10 has no closing quote (write a quote inside a string as '')"],
    ["Title eq 'it''", 'InvalidFilter', 'has no closing quote'],
    ["Title eq 'x' and", 'InvalidFilter', "unexpected 'and' at position 14"],
    ['Id eq', 'InvalidFilter', "unexpected 'eq' at position 4"],
    // `eq` in operand position is a property name (an OData identifier), so the error comes after it.
    ['Id eq eq 1', 'InvalidFilter', "unexpected '1' at position 10"],
    ['X eq 1 and not', 'InvalidFilter', 'it ends where an operand was expected'],
    ['not', 'InvalidFilter', 'it ends where an operand was expected'],
    ['-', 'InvalidFilter', 'it ends where an operand was expected'],
    ["Title eq 'x' Title", 'InvalidFilter', "unexpected 'Title' at position 14"],
    ['(Id eq 1', 'InvalidFilter', "missing ')' at position 9"],
    ['Id eq 1)', 'InvalidFilter', "unexpected ')' at position 8"],
    ['()', 'InvalidFilter', "unexpected ')' at position 2"],
    ['Title eq "x"', 'InvalidFilter', `unexpected '"x"' at position 10`],
    ["Title eq'x'", 'InvalidFilter', "unexpected 'eq'x''"],
    ['1 sub-2', 'InvalidFilter', "unexpected 'sub-2'"],
    ['Id = 1', 'InvalidFilter', "unexpected '= 1'"],
    ['Id == 1', 'InvalidFilter', "unexpected '== 1'"],
    ["Title eq 'a' && Id eq 1", 'InvalidFilter', "unexpected '&& Id eq 1'"],
    ['foo(Title)', 'InvalidFilter', "unknown function 'foo'; supported: contains, startswith"],
    ['Ns.fn(Title)', 'InvalidFilter', "unknown function 'Ns.fn'"],
    ['contains (Title)', 'InvalidFilter', "unexpected '(Title)'"],
    ['contains(Title)', 'InvalidFilter', 'function contains takes 2 arguments, got 1'],
    ["contains(Title,'a','b')", 'InvalidFilter', 'function contains takes 2 arguments, got 3'],
    ['tolower()', 'InvalidFilter', 'function tolower takes 1 argument, got 0'],
    ['substring(Title)', 'InvalidFilter', 'function substring takes 2 or 3 arguments, got 1'],
    ["substring(Title,1,2,3) eq 'x'", 'InvalidFilter', 'function substring takes 2 or 3 arguments, got 4'],
    ['now(1) gt CreatedOn', 'InvalidFilter', 'function now takes 0 arguments, got 1'],
    ['trim(Title,)', 'InvalidFilter', "unexpected ')' at position 12"],
    ['trim(Title', 'InvalidFilter', "expected ',' or ')' in the arguments of trim at position 11"],
    ['Author/ eq 1', 'InvalidFilter', "'Author/' must be followed by a property name at position 8"],
    ['Tags/any(t:t eq 1)', 'NotImplemented', 'Lambda operator any is not supported'],
    ['Author/Model.Fn() eq 1', 'NotImplemented', 'Functions on a path (Author/Model.Fn(…)) is not supported'],
    ['Ns.Prop eq 1', 'InvalidFilter', "'Ns.Prop' is not a property name"],
    ['State in ()', 'InvalidFilter', "the list after 'in' is empty"],
    ["State in 'a'", 'InvalidFilter', "'in' must be followed by a parenthesised list, e.g. State in ('OPEN','MERGED')"],
    ['State in (Title)', 'InvalidFilter', "the list after 'in' may contain only literals"],
    ["State in ('a',Title)", 'InvalidFilter', "the list after 'in' may contain only literals"],
    ["State in ('a','b'", 'InvalidFilter', "expected ',' or ')' in the 'in' list at position 18"],
    ["State in ('a';'b')", 'InvalidFilter', "expected ',' or ')' in the 'in' list at position 14"],
    ["State in ('a',)", 'InvalidFilter', "unexpected ')' at position 15"],
    ["EmailAddresses eq ('Miller','Smith')", 'InvalidFilter', "missing ')' at position 28"],
    ['X eq 2024-02-30', 'InvalidFilter', "unexpected '2024-02-30'"],
    ['X eq 2024-01-01T25:00:00Z', 'InvalidFilter', "unexpected '2024-01-01T25:00:00Z'"],
    ['X eq 12:60', 'InvalidFilter', "unexpected '12:60'"],
    ['X eq 1.', 'InvalidFilter', "unexpected '1.'"],
    ['X eq 1e400', 'InvalidFilter', "unexpected '1e400'"],
    ["X eq duration'P1Y'", 'InvalidFilter', "duration'P1Y' is not a valid duration"],
    // Features of the OData grammar this service does not offer: 501 with a hint, not "syntax error".
    ["matchesPattern(Title,'^A')", 'NotImplemented', 'The function matchesPattern is not supported'],
    ['totaloffsetminutes(CreatedOn) eq 60', 'NotImplemented', 'The function totaloffsetminutes'],
    ['totalseconds(Elapsed) gt 1', 'NotImplemented', 'The function totalseconds'],
    ['CreatedOn lt maxdatetime()', 'NotImplemented', 'The function maxdatetime'],
    ['CreatedOn gt mindatetime()', 'NotImplemented', 'The function mindatetime'],
    ['cast(Id,Edm.String) eq 1', 'NotImplemented', 'The function cast'],
    ['isof(Model.Customer)', 'NotImplemented', 'The function isof'],
    ['geo.distance(A,B) lt 1', 'NotImplemented', 'The function geo.distance'],
    ["hassubset(Names,['a'])", 'NotImplemented', 'The function hassubset'],
    ['case(A:1,true:0) eq 1', 'NotImplemented', 'The function case'],
    ['Reviewers/any(r:r eq 1)', 'NotImplemented', 'Lambda operator any'],
    ['Reviewers/all(r:r eq 1)', 'NotImplemented', 'Lambda operator all'],
    ['Title eq @word', 'NotImplemented', 'Parameter aliases (@name) is not supported by this service. Write the value inline.'],
    ["$it/Title eq 'x'", 'NotImplemented', '$it in expressions'],
    ["$this eq 'x'", 'NotImplemented', '$this in expressions'],
    ["$root/Items('a')/Id eq 1", 'NotImplemented', '$root in expressions'],
    ["style has Sales.Pattern'Yellow'", 'NotImplemented', "The 'has' operator is not supported by this service. This service has no enumeration types."],
    ["Names eq ['a']", 'NotImplemented', 'JSON literals in expressions'],
    ['Address eq {"City":"Oslo"}', 'NotImplemented', 'JSON literals in expressions'],
    ['Name in ["Milk","Cheese"]', 'NotImplemented', "JSON arrays after 'in' is not supported by this service. Write the list in parentheses"],
    ["Kind eq Sales.Pattern'Yellow'", 'NotImplemented', "Typed literals (Sales.Pattern'...')"],
    ["X eq binary'AAA='", 'NotImplemented', "Typed literals (binary'...')"],
    ["X eq geography'SRID=0;Point(1 1)'", 'NotImplemented', "Typed literals (geography'...')"],
  ];
  it.each(cases)('%j → %s', (text, code, fragment) => {
    expectODataError(() => parseFilter(text), code, fragment);
  });
});
