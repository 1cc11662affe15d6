/**
 * $filter semantics as data: each row is [what, expression, ids of the fixture rows that pass].
 * Expectations follow OData 4.01 Part 2 §5.1.1 (see src/odata/evaluate/compile-expression.ts for the rules).
 */
import type { Expr } from '../../../src/odata/ast';
import { compileFilter } from '../../../src/odata/evaluate';
import { ODataError } from '../../../src/odata/errors';
import {
  ALL_IDS,
  NOW,
  NULL,
  and,
  arith,
  bool,
  call,
  date,
  dbl,
  dec,
  dto,
  dur,
  eq,
  ge,
  guid,
  gt,
  int,
  int64,
  isIn,
  items,
  le,
  lt,
  ne,
  neg,
  not,
  or,
  prop,
  rows,
  str,
  tod,
} from './fixtures';

const Title = prop('Title');
const Score = prop('Score');
const CreatedOn = prop('CreatedOn');
const DueDate = prop('DueDate');
const IsOpen = prop('IsOpen');
const Id = prop('Id');
const except = (...ids: number[]) => ALL_IDS.filter((id) => !ids.includes(id));

function matchingIds(expr: Expr): number[] {
  const predicate = compileFilter(expr, items, { now: NOW });
  return rows.filter(predicate).map((row) => row.Id as number);
}

type Case = [string, Expr, number[]];

const strings: Case[] = [
  ["Title eq 'abc' (case-sensitive)", eq(Title, str('abc')), [1]],
  ["Title eq 'ABC'", eq(Title, str('ABC')), [2]],
  ["Title ne 'abc' (null ne 'abc' is true)", ne(Title, str('abc')), except(1)],
  ['Title eq null', eq(Title, NULL), [3]],
  ['Title ne null', ne(Title, NULL), except(3)],
  ["Title eq '' (empty is not null)", eq(Title, str('')), [4]],
  ["Title eq 'O''Neil'", eq(Title, str("O'Neil")), [9]],
  ["Title gt 'abc' (ordinal: 'ABC', ' ', 'O' sort before 'a')", gt(Title, str('abc')), [5, 6, 7, 10]],
  ["Title lt 'a'", lt(Title, str('a')), [2, 4, 8, 9]],
  ["Title gt 'ｚ' (U+1F600 sorts after U+FF5A by code point)", gt(Title, str('ｚ')), [6, 7]],
  ["Title lt 'ｚ'", lt(Title, str('ｚ')), [1, 2, 4, 5, 8, 9, 10]],
  ['null eq null', eq(NULL, NULL), ALL_IDS],
  ['null ne null', ne(NULL, NULL), []],
  ['Title gt null (null operand: false)', gt(Title, NULL), []],
  // ge/le: false with one null operand, true with two (null is equal to itself; 4.0 and 4.01 agree).
  ['Title le null (row 3: null le null is true)', le(Title, NULL), [3]],
  ['Title ge null (row 3: null ge null is true)', ge(Title, NULL), [3]],
  ['null ge Title', ge(NULL, Title), [3]],
  ['Title lt null (null operand: false)', lt(Title, NULL), []],
  ['null ge null', ge(NULL, NULL), ALL_IDS],
  ['null le null', le(NULL, NULL), ALL_IDS],
  ['null gt null', gt(NULL, NULL), []],
  ['null lt null', lt(NULL, NULL), []],
  ['Title ge Title (every row, the null one too)', ge(Title, Title), ALL_IDS],
  ['Title gt Title', gt(Title, Title), []],
  ["not (Title ge null) (comparisons are never null)", not(ge(Title, NULL)), except(3)],
];

const numbers: Case[] = [
  ['Score gt 1', gt(Score, int(1)), [1, 5, 6, 8, 9, 10]],
  ['Score le 0', le(Score, int(0)), [2, 4, 7]],
  ['Score eq 0', eq(Score, int(0)), [4]],
  ['Id eq 5.0 (Int32 vs Double promotion)', eq(Id, dbl(5)), [5]],
  ['Amount ge 2.5 (Decimal)', ge(prop('Amount'), dec(2.5)), [1, 4, 5, 6]],
  ['Big eq 9007199254740991 (Int64)', eq(prop('Big'), int64(9007199254740991)), [1]],
  ['Big lt Score (property vs property)', lt(prop('Big'), Score), [4, 6]],
];

const booleans: Case[] = [
  ['IsOpen (bare Boolean property)', IsOpen, [1, 4, 6, 8, 10]],
  ['IsOpen eq true', eq(IsOpen, bool(true)), [1, 4, 6, 8, 10]],
  ['IsOpen eq false', eq(IsOpen, bool(false)), [2, 5, 7, 9]],
  ['IsOpen ne true (null ne true)', ne(IsOpen, bool(true)), [2, 3, 5, 7, 9]],
  ['IsOpen gt false (false < true)', gt(IsOpen, bool(false)), [1, 4, 6, 8, 10]],
  ['IsOpen eq null', eq(IsOpen, NULL), [3]],
];

const logic: Case[] = [
  ['not IsOpen (not null is null: row 3 excluded)', not(IsOpen), [2, 5, 7, 9]],
  ["IsOpen or Title eq 'abc' (null or false is null)", or(IsOpen, eq(Title, str('abc'))), [1, 4, 6, 8, 10]],
  ['IsOpen or true (null or true is true)', or(IsOpen, bool(true)), ALL_IDS],
  ['IsOpen and false', and(IsOpen, bool(false)), []],
  ['not (IsOpen and true) (unknown stays unknown)', not(and(IsOpen, bool(true))), [2, 5, 7, 9]],
  ['not (IsOpen and false) (null and false is false)', not(and(IsOpen, bool(false))), ALL_IDS],
  ['not (IsOpen or false)', not(or(IsOpen, bool(false))), [2, 5, 7, 9]],
  ['$filter=null', NULL, []],
  ['not null', not(NULL), []],
  ['null or true', or(NULL, bool(true)), ALL_IDS],
  ['null and true', and(NULL, bool(true)), []],
];

const arithmetic: Case[] = [
  ['Score add 1 eq 2.5', eq(arith('add', Score, int(1)), dbl(2.5)), [1]],
  ['Amount sub 1 eq 9', eq(arith('sub', prop('Amount'), int(1)), int(9)), [1]],
  ['Id mul 2 eq 10', eq(arith('mul', Id, int(2)), int(10)), [5]],
  ['Id div 2 eq 2 (integer division truncates)', eq(arith('div', Id, int(2)), int(2)), [4, 5]],
  ['Id div 2 eq 2.5 (never for integers)', eq(arith('div', Id, int(2)), dbl(2.5)), []],
  ['Id divby 2 eq 2.5', eq(arith('divby', Id, int(2)), dbl(2.5)), [5]],
  ['Id mod 3 eq 1', eq(arith('mod', Id, int(3)), int(1)), [1, 4, 7, 10]],
  ['Big mod 3 eq -2 (sign of the left operand)', eq(arith('mod', prop('Big'), int(3)), int(-2)), [4]],
  ['-Score eq 2.5', eq(neg(Score), dbl(2.5)), [2]],
  ['Score add null eq null', eq(arith('add', Score, NULL), NULL), ALL_IDS],
  ['Score add 1 eq null (null operand gives null)', eq(arith('add', Score, int(1)), NULL), [3]],
  ['Score div 0.0 eq INF (Double division)', eq(arith('div', Score, dbl(0)), dbl(Infinity)), [1, 5, 6, 8, 9, 10]],
  ['Score div 0.0 eq -INF', eq(arith('div', Score, dbl(0)), dbl(-Infinity)), [2, 7]],
  ['Score div 0.0 ne Score div 0.0 (NaN is unequal to itself)', ne(arith('div', Score, dbl(0)), arith('div', Score, dbl(0))), [4]],
  ['Id divby 0 gt 100 (divby never fails)', gt(arith('divby', Id, int(0)), int(100)), ALL_IDS],
];

const stringFunctions: Case[] = [
  ["contains(Title,'bc') (case-sensitive)", call('contains', Title, str('bc')), [1, 10]],
  ["contains(tolower(Title),'bc')", call('contains', call('tolower', Title), str('bc')), [1, 2, 10]],
  ["startswith(Title,'😀')", call('startswith', Title, str('😀')), [6]],
  ["endswith(Title,'ith')", call('endswith', Title, str('ith')), [7]],
  ['length(Title) eq 7 (code points: 😀 counts once)', eq(call('length', Title), int(7)), [5, 6]],
  ['length(Title) eq 0', eq(call('length', Title), int(0)), [4]],
  ["indexof(Title,'smile') eq 2 (code points)", eq(call('indexof', Title, str('smile')), int(2)), [6]],
  ["indexof(Title,'bc') eq 1", eq(call('indexof', Title, str('bc')), int(1)), [1, 10]],
  ["indexof(Title,'zzz') eq -1", eq(call('indexof', Title, str('zzz')), int(-1)), except(3)],
  ["substring(Title,1) eq 'bc'", eq(call('substring', Title, int(1)), str('bc')), [1]],
  ["substring(Title,2) eq 'smile' (code points)", eq(call('substring', Title, int(2)), str('smile')), [6]],
  ["substring(Title,1,2) eq 'bc'", eq(call('substring', Title, int(1), int(2)), str('bc')), [1, 10]],
  ["substring(Title,10) eq '' (start past the end)", eq(call('substring', Title, int(10)), str('')), except(3)],
  ["substring(Title,-3) eq 'abc' (negative start counts from the end)", eq(call('substring', Title, int(-3)), str('abc')), [1, 10]],
  ["tolower(Title) eq 'abc'", eq(call('tolower', Title), str('abc')), [1, 2]],
  ["toupper(Title) eq 'ÜNÏCÖDÉ'", eq(call('toupper', Title), str('ÜNÏCÖDÉ')), [5]],
  ["trim(Title) eq 'padded' (Unicode White_Space includes NBSP)", eq(call('trim', Title), str('padded')), [8]],
  ["concat(Title,'!') eq 'abc!'", eq(call('concat', Title, str('!')), str('abc!')), [1]],
  ["concat(concat(State,'-'),Title) eq 'OPEN-abc'", eq(call('concat', call('concat', prop('State'), str('-')), Title), str('OPEN-abc')), [1]],
  ['contains(Title,null) is null', call('contains', Title, NULL), []],
  ['not contains(Title,null) is null too', not(call('contains', Title, NULL)), []],
];

const dateFunctions: Case[] = [
  ['year(CreatedOn) eq 2023', eq(call('year', CreatedOn), int(2023)), [5]],
  ['day(CreatedOn) eq 17 (in the value’s own offset, -01:00)', eq(call('day', CreatedOn), int(17)), [7]],
  ['hour(CreatedOn) eq 11 (in +02:00)', eq(call('hour', CreatedOn), int(11)), [4]],
  ['hour(CreatedOn) eq 9', eq(call('hour', CreatedOn), int(9)), [1, 2, 6, 8, 9, 10]],
  ['minute(CreatedOn) eq 59', eq(call('minute', CreatedOn), int(59)), [7]],
  ['second(CreatedOn) eq 48', eq(call('second', CreatedOn), int(48)), [10]],
  ['fractionalseconds(CreatedOn) eq 0.123456', eq(call('fractionalseconds', CreatedOn), dec(0.123456)), [1, 4, 6, 9]],
  ['fractionalseconds(CreatedOn) eq 0', eq(call('fractionalseconds', CreatedOn), int(0)), [5, 8, 10]],
  ['date(CreatedOn) eq 2024-05-17', eq(call('date', CreatedOn), date('2024-05-17')), [7]],
  ['date(CreatedOn) eq DueDate (row 3: null eq null is true)', eq(call('date', CreatedOn), DueDate), [1, 3, 6, 9, 10]],
  ['time(CreatedOn) eq 11:29:47.123456', eq(call('time', CreatedOn), tod('11:29:47.123456')), [4]],
  ['time(CreatedOn) lt 01:00', lt(call('time', CreatedOn), tod('01:00')), [5]],
  ['year(DueDate) eq 2023 (Edm.Date overload)', eq(call('year', DueDate), int(2023)), [4]],
  ['month(DueDate) eq 12', eq(call('month', DueDate), int(12)), [4]],
  ['hour(StartTime) eq 17 (TimeOfDay overload)', eq(call('hour', prop('StartTime')), int(17)), [2]],
  ['fractionalseconds(StartTime) eq 0.5', eq(call('fractionalseconds', prop('StartTime')), dec(0.5)), [2]],
  ['now() gt CreatedOn', gt(call('now'), CreatedOn), except(3)],
  ["CreatedOn gt now() sub duration'P3D'", gt(CreatedOn, arith('sub', call('now'), dur('P3D'))), except(3, 5)],
  ['round(Score) eq 3 (2.5 rounds away from zero)', eq(call('round', Score), int(3)), [5, 8]],
  ['round(Score) eq -3 (-2.5 rounds away from zero)', eq(call('round', Score), int(-3)), [2]],
  ['round(Score) eq -1 (-0.5)', eq(call('round', Score), int(-1)), [7]],
  ['floor(Score) eq -3', eq(call('floor', Score), int(-3)), [2]],
  ['ceiling(Score) eq 2', eq(call('ceiling', Score), int(2)), [1]],
];

const temporal: Case[] = [
  ['CreatedOn eq …47.123456Z (by instant, any offset, any trailing zeros)', eq(CreatedOn, dto('2024-05-18T09:29:47.123456Z')), [1, 4, 6, 9]],
  ['CreatedOn gt …47.123456Z (one microsecond later counts)', gt(CreatedOn, dto('2024-05-18T09:29:47.123456Z')), [2, 10]],
  ['CreatedOn lt …47.123456Z', lt(CreatedOn, dto('2024-05-18T09:29:47.123456Z')), [5, 7, 8]],
  ['CreatedOn eq …47.1234565Z (sub-microsecond literal)', eq(CreatedOn, dto('2024-05-18T09:29:47.1234565Z')), []],
  ['CreatedOn gt …47.1234565Z', gt(CreatedOn, dto('2024-05-18T09:29:47.1234565Z')), [2, 10]],
  ['CreatedOn ge 2024-05-18 (Date promoted to midnight UTC)', ge(CreatedOn, date('2024-05-18')), except(3, 5)],
  ['CreatedOn lt 2024-05-18', lt(CreatedOn, date('2024-05-18')), [5]],
  ['DueDate gt 2024-05-18', gt(DueDate, date('2024-05-18')), [2, 8]],
  ['DueDate eq 2024-05-18', eq(DueDate, date('2024-05-18')), [1, 5, 6, 9, 10]],
  ['DueDate lt CreatedOn (Date vs DateTimeOffset properties)', lt(DueDate, CreatedOn), [1, 4, 6, 9, 10]],
  ['Uuid eq 0123ABCD-… (Guids compare case-insensitively)', eq(prop('Uuid'), guid('0123ABCD-89ab-cdef-0123-456789abcdef')), [1, 2]],
  ['Uuid gt 0123abcd-…', gt(prop('Uuid'), guid('0123abcd-89ab-cdef-0123-456789abcdef')), [4]],
  ['StartTime gt 09:00', gt(prop('StartTime'), tod('09:00')), [2]],
  ['StartTime eq 09:00:00.000', eq(prop('StartTime'), tod('09:00:00.000')), [1]],
  ["Elapsed gt duration'PT59M'", gt(prop('Elapsed'), dur('PT59M')), [1, 2]],
  ["Elapsed lt duration'PT0.00001S'", lt(prop('Elapsed'), dur('PT0.00001S')), [4]],
  ["Elapsed eq duration'PT60M'", eq(prop('Elapsed'), dur('PT60M')), [1]],
  ["Elapsed add duration'PT1H' eq duration'PT2H'", eq(arith('add', prop('Elapsed'), dur('PT1H')), dur('PT2H')), [1]],
  ["-Elapsed lt duration'-PT2H'", lt(neg(prop('Elapsed')), dur('-PT2H')), [2]],
  ["CreatedOn sub CreatedOn eq duration'PT0S'", eq(arith('sub', CreatedOn, CreatedOn), dur('PT0S')), except(3)],
  ["DueDate sub 2024-05-17 eq duration'P1D'", eq(arith('sub', DueDate, date('2024-05-17')), dur('P1D')), [1, 5, 6, 9, 10]],
  ["DueDate add duration'PT23H' eq 2024-05-18 (truncated to the date)", eq(arith('add', DueDate, dur('PT23H')), date('2024-05-18')), [1, 5, 6, 9, 10]],
  ["DueDate sub duration'PT1H' eq 2024-05-17", eq(arith('sub', DueDate, dur('PT1H')), date('2024-05-17')), [1, 5, 6, 9, 10]],
  ["CreatedOn add duration'P1D' eq 2024-05-19T09:29:47.123456Z", eq(arith('add', CreatedOn, dur('P1D')), dto('2024-05-19T09:29:47.123456Z')), [1, 4, 6, 9]],
  ["hour(CreatedOn add duration'PT1H') eq 12 (keeps the offset)", eq(call('hour', arith('add', CreatedOn, dur('PT1H'))), int(12)), [4]],
];

const membership: Case[] = [
  ["State in ('OPEN','MERGED') (case-sensitive)", isIn(prop('State'), str('OPEN'), str('MERGED')), [1, 2, 3, 5, 6, 7, 8, 9]],
  ["Title in ('abc',null)", isIn(Title, str('abc'), NULL), [1, 3]],
  ["Title in ('abc')", isIn(Title, str('abc')), [1]],
  ['Id in (1,2.0,3) (mixed numeric types)', isIn(Id, int(1), dbl(2), int(3)), [1, 2, 3]],
  ['CreatedOn in (2024-05-18T11:29:47.123456+02:00) (by instant)', isIn(CreatedOn, dto('2024-05-18T11:29:47.123456+02:00')), [1, 4, 6, 9]],
  ['CreatedOn in (2024-05-18,2023-01-01T00:00:00Z)', isIn(CreatedOn, date('2024-05-18'), dto('2023-01-01T00:00:00Z')), [5]],
  ['Uuid in (0123ABCD-89AB-…)', isIn(prop('Uuid'), guid('0123ABCD-89AB-CDEF-0123-456789ABCDEF')), [1, 2]],
  ['Amount in (Id,7) (non-constant item)', isIn(prop('Amount'), Id, int(7)), [6]],
  ['Score in (Score div 0.0) (NaN is in nothing)', isIn(arith('div', Score, dbl(0)), dbl(NaN)), []],
];

describe('compileFilter', () => {
  describe.each([
    ['strings', strings],
    ['numbers', numbers],
    ['booleans', booleans],
    ['three-valued logic', logic],
    ['arithmetic', arithmetic],
    ['string functions', stringFunctions],
    ['date, time and arithmetic functions', dateFunctions],
    ['dates, times, durations, guids', temporal],
    ['in', membership],
  ])('%s', (_group, cases) => {
    it.each(cases)('%s', (_what, expr, expected) => {
      expect(matchingIds(expr)).toEqual(expected);
    });
  });

  describe('requests that fail while evaluating (Part 2: "the request fails")', () => {
    it.each<[string, Expr, RegExp]>([
      ['Id div 0 (integers)', eq(arith('div', Id, int(0)), int(1)), /Id div 0 divides by zero, which fails for Edm\.Int32/],
      ['Id mod 0', eq(arith('mod', Id, int(0)), int(1)), /Id mod 0 divides by zero/],
      ['Amount div 0 (Decimal)', eq(arith('div', prop('Amount'), int(0)), int(1)), /fails for Edm\.Decimal/],
      ['substring(Title,0,-1)', eq(call('substring', Title, int(0), int(-1)), str('')), /negative length -1/],
    ])('%s → 400 InvalidFilter', (_what, expr, message) => {
      const predicate = compileFilter(expr, items, { now: NOW });
      let error: unknown;
      try {
        rows.filter(predicate);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ODataError);
      expect((error as ODataError).code).toBe('InvalidFilter');
      expect((error as ODataError).status).toBe(400);
      expect((error as ODataError).message).toMatch(message);
    });

    it('does not fail where the failing operand is never needed (false and …, null operand)', () => {
      expect(matchingIds(and(bool(false), eq(arith('div', Id, int(0)), int(1))))).toEqual([]);
      expect(matchingIds(eq(arith('div', NULL, arith('div', Id, int(0))), NULL))).toEqual(ALL_IDS);
    });
  });

  it('treats a row value that is not of its declared form as null rather than failing the request', () => {
    const predicate = compileFilter(eq(CreatedOn, NULL), items, { now: NOW });
    expect(predicate({ ...rows[0], CreatedOn: 'not a date' })).toBe(true);
  });

  it('accepts Int64 and Decimal literals given as text', () => {
    expect(matchingIds(eq(prop('Big'), { kind: 'literal', type: 'Edm.Int64', value: '9007199254740991' }))).toEqual([1]);
    expect(matchingIds(eq(arith('add', prop('Amount'), { kind: 'literal', type: 'Edm.Decimal', value: '0.5' }), dec(3)))).toEqual([4]);
  });

  it('reads now() once per compiled filter from the context', () => {
    const predicate = compileFilter(eq(call('now'), dto('2024-05-20T12:00:00Z')), items, { now: NOW });
    expect(rows.every(predicate)).toBe(true);
  });

  it('rejects a non-Boolean $filter before evaluating', () => {
    expect(() => compileFilter(Title, items)).toThrow(/must be Edm\.Boolean, but got Title \(Edm\.String\)/);
  });
});
