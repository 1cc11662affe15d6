/**
 * Primitive literals (OData 4.01 ABNF `primitiveLiteral`), typed as the parser types them. Each row is the literal
 * as it stands in an already percent-decoded `$filter`, checked as the right operand of `X eq …`.
 */
import type { Expr } from '../../../src/odata/ast';
import { matchLiteral, parseFilter } from '../../../src/odata/parse';
import { expectODataError } from './expect-odata-error';
import { bool, cmp, dbl, dec, int32, int64, lit, NULL, prop, str } from './expr-builders';

const rightOperand = (literal: string): Expr => {
  const expr = parseFilter(`X eq ${literal}`);
  if (expr.kind !== 'compare') throw new Error(`not a comparison: ${JSON.stringify(expr)}`);
  return expr.right;
};

describe('literals: strings', () => {
  const cases: Array<[string, string]> = [
    ["'abc'", 'abc'],
    ["''", ''],
    ["'a''bc'", "a'bc"],
    ["''''", "'"],
    ["'O''Neil'''", "O'Neil'"],
    ["'héllo wörld'", 'héllo wörld'],
    ["'日本語'", '日本語'],
    ["'😀 emoji 👍🏽'", '😀 emoji 👍🏽'],
    ["'  padded  '", '  padded  '],
    ["'%27'", '%27'], // the text is already decoded: a percent sign stays as written
    ["'a\"b#c&d;e+f/g?h\\i'", 'a"b#c&d;e+f/g?h\\i'],
    ["'( eq ) and or'", '( eq ) and or'],
    ["'null'", 'null'],
    ["'2024-01-01'", '2024-01-01'],
  ];
  it.each(cases)('%s', (literal, value) => {
    expect(rightOperand(literal)).toEqual(str(value));
  });
});

describe('literals: integers (Int32, then Int64, then Decimal)', () => {
  const cases: Array<[string, Expr]> = [
    ['0', int32(0)],
    ['42', int32(42)],
    ['-7', int32(-7)],
    ['+42', int32(42)], // ABNF SIGN; in a URL the plus is sent as %2B
    ['007', int32(7)],
    ['2147483647', int32(2147483647)],
    ['-2147483648', int32(-2147483648)],
    ['2147483648', int64(2147483648)],
    ['-2147483649', int64(-2147483649)],
    ['9007199254740993', int64(9007199254740992)], // held as a double: beyond 2^53 digits are rounded
    ['9223372036854775807', int64(9223372036854775807)],
    ['-9223372036854775808', int64(-9223372036854775808)],
    // Beyond Int64 the ABNF's decimalValue still matches: a Decimal, not an error.
    ['9223372036854775808', dec(9223372036854775808)],
    ['-9223372036854775809', dec(-9223372036854775809)],
    ['123456789012345678901234567890', dec(123456789012345678901234567890)],
  ];
  it.each(cases)('%s', (literal, expected) => {
    expect(rightOperand(literal)).toEqual(expected);
  });
});

describe('literals: decimals and doubles', () => {
  const cases: Array<[string, Expr]> = [
    ['3.14', dec(3.14)],
    ['-0.5', dec(-0.5)],
    ['+1.5', dec(1.5)],
    ['0.0', dec(0)],
    ['1e3', dbl(1000)],
    ['1E3', dbl(1000)],
    ['1.5e-3', dbl(0.0015)],
    ['-2.5E+10', dbl(-25000000000)],
    ['-0.314e1', dbl(-3.14)],
    ['1e-101', dbl(1e-101)],
    ['1.7976931348623157e308', dbl(1.7976931348623157e308)],
    ['INF', dbl(Infinity)],
    ['-INF', dbl(-Infinity)],
    ['NaN', dbl(Number.NaN)],
  ];
  it.each(cases)('%s', (literal, expected) => {
    expect(rightOperand(literal)).toEqual(expected);
  });
});

describe('literals: DateTimeOffset, Date, TimeOfDay', () => {
  const dto = (value: string) => lit('Edm.DateTimeOffset', value);
  const cases: Array<[string, Expr]> = [
    ['2024-01-31T12:00:00Z', dto('2024-01-31T12:00:00Z')],
    ['2024-01-31T12:00Z', dto('2024-01-31T12:00Z')],
    ['2024-01-31t12:00:00z', dto('2024-01-31T12:00:00Z')], // "T" and "Z" are case-insensitive in the ABNF
    ['2024-01-31T12:00:00+02:00', dto('2024-01-31T12:00:00+02:00')],
    ['2024-01-31T12:00:00-05:30', dto('2024-01-31T12:00:00-05:30')],
    ['2024-01-31T12:00:00+23:59', dto('2024-01-31T12:00:00+23:59')],
    ['2024-01-31T12:00:00.1Z', dto('2024-01-31T12:00:00.1Z')],
    ['2024-01-31T12:00:00.1234567+02:00', dto('2024-01-31T12:00:00.1234567+02:00')],
    ['2024-01-31T12:00:00.123456789012Z', dto('2024-01-31T12:00:00.123456789012Z')],
    ['2024-02-29T00:00:00Z', dto('2024-02-29T00:00:00Z')],
    ['0000-01-01T00:00Z', dto('0000-01-01T00:00Z')],
    ['9999-12-31T23:59:59.999999999999Z', dto('9999-12-31T23:59:59.999999999999Z')],
    ['2024-02-29', lit('Edm.Date', '2024-02-29')],
    ['2000-02-29', lit('Edm.Date', '2000-02-29')],
    ['0000-02-29', lit('Edm.Date', '0000-02-29')], // year zero is a leap year (proleptic Gregorian)
    ['2024-12-31', lit('Edm.Date', '2024-12-31')],
    ['12:30', lit('Edm.TimeOfDay', '12:30')],
    ['00:00:00', lit('Edm.TimeOfDay', '00:00:00')],
    ['23:59:59.999999999999', lit('Edm.TimeOfDay', '23:59:59.999999999999')],
  ];
  it.each(cases)('%s', (literal, expected) => {
    expect(rightOperand(literal)).toEqual(expected);
  });

  const invalid: string[] = [
    '2024-01-31T12:00:00.1234567890123Z', // more than 12 fractional digits
    '2024-01-31T24:00Z',
    '2024-01-31T12:60Z',
    '2024-01-31T12:00:60Z', // leap seconds are not accepted
    '2024-01-31T12:00:00+24:00',
    '2024-01-31T12:00:00+02:60',
    '2024-01-31T12:00:00', // no offset
    '2024-01-31T12:00:00+0200',
    '2023-02-29',
    '1900-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '2024-1-01',
    '24:00',
    '12:60',
    '12:30:60',
    '12:30:00.1234567890123',
  ];
  it.each(invalid)('%s is rejected', (literal) => {
    expectODataError(() => parseFilter(`X eq ${literal}`), 'InvalidFilter', `unexpected '${literal.slice(0, 20)}`);
  });
});

describe('literals: GUID, duration, Boolean, null', () => {
  const cases: Array<[string, Expr]> = [
    ['01234567-89ab-cdef-0123-456789abcdef', lit('Edm.Guid', '01234567-89ab-cdef-0123-456789abcdef')],
    ['01234567-89AB-CDEF-0123-456789ABCDEF', lit('Edm.Guid', '01234567-89ab-cdef-0123-456789abcdef')],
    ["duration'P1D'", lit('Edm.Duration', 'P1D')],
    ["duration'PT2H'", lit('Edm.Duration', 'PT2H')],
    ["duration'P6DT23H59M59.9999S'", lit('Edm.Duration', 'P6DT23H59M59.9999S')],
    ["duration'-PT0.5S'", lit('Edm.Duration', '-PT0.5S')],
    ["DURATION'p1dt2h'", lit('Edm.Duration', 'P1DT2H')], // "duration", "P", "T"… are case-insensitive; normalised
    // 4.01 allows the prefix to be left out; without a model the parser cannot tell it from a string.
    ["'P1D'", str('P1D')],
    ['true', bool(true)],
    ['false', bool(false)],
    ['TRUE', bool(true)],
    ['tRUe', bool(true)],
    ['False', bool(false)],
    ['null', NULL],
    // Leniency: the ABNF spells null case-sensitively; NULL has no other reading, so it is accepted.
    ['NULL', NULL],
    ['Null', NULL],
  ];
  it.each(cases)('%s', (literal, expected) => {
    expect(rightOperand(literal)).toEqual(expected);
  });

  const notLiterals: Array<[string, Expr]> = [
    ['trueish', prop('trueish')],
    ['nullable', prop('nullable')],
    ['INFO', prop('INFO')],
    ['NaNa', prop('NaNa')],
    ['duration', prop('duration')],
    // 'NaN', '-INF' and 'INF' are case-sensitive in the ABNF: other spellings are identifiers.
    ['inf', prop('inf')],
    ['nan', prop('nan')],
  ];
  it.each(notLiterals)('%s is a property name, not a literal', (text, expected) => {
    expect(parseFilter(`X eq ${text}`)).toEqual(cmp('eq', prop('X'), expected));
  });

  const invalid: Array<[string, string]> = [
    ['01234g67-89ab-cdef-0123-456789abcdef', "unexpected '01234g67"],
    ['01234567-89ab-cdef-456789abcdef', "unexpected '01234567-89ab"],
    ["duration'P'", "duration'P' is not a valid duration"],
    ["duration'PT'", "duration'PT' is not a valid duration"],
    ["duration'P1DT'", "duration'P1DT' is not a valid duration"],
    ["duration'P1Y'", "duration'P1Y' is not a valid duration"],
    ["duration'P1M'", "duration'P1M' is not a valid duration"],
    ["duration'+P1D'", "duration'+P1D' is not a valid duration"],
    ["duration'P1D", "duration'P1D is not a valid duration"],
    ['+INF', "unexpected '+INF'"],
    ['.5', "unexpected '.5'"],
    ['5.', "unexpected '5.'"],
    ['1..2', "unexpected '1..2'"],
    ['1e', "unexpected '1e'"],
    ['-0.314e1e2', "unexpected '0.314e1e2'"],
    ['0x1F', "unexpected '0x1F'"],
    ['1e400', "unexpected '1e400'"],
    ['1'.repeat(400), `unexpected '${'1'.repeat(20)}`],
  ];
  it.each(invalid)('%s is rejected', (literal, fragment) => {
    expectODataError(() => parseFilter(`X eq ${literal}`), 'InvalidFilter', fragment);
  });
});

describe('matchLiteral directly (shared with key predicates)', () => {
  it('reports how many characters a literal spans, from any position', () => {
    expect(matchLiteral("Id eq 'a''b' and", 6)).toEqual({ type: 'Edm.String', value: "a'b", length: 6 });
    expect(matchLiteral('x,2024-01-31T12:00:00Z)', 2)).toEqual({ type: 'Edm.DateTimeOffset', value: '2024-01-31T12:00:00Z', length: 20 });
    expect(matchLiteral('(-12,', 1)).toEqual({ type: 'Edm.Int32', value: -12, length: 3 });
  });

  it('tells an unterminated string apart from no literal at all', () => {
    expect(matchLiteral("'open", 0)).toBe('unterminated-string');
    expect(matchLiteral('Title', 0)).toBeUndefined();
  });

  it('reads a long literal whole (no fixed look-ahead window)', () => {
    const text = `'${'x'.repeat(5000)}'`;
    expect(matchLiteral(text, 0)).toEqual({ type: 'Edm.String', value: 'x'.repeat(5000), length: 5002 });
    const digits = '9'.repeat(300);
    expect(matchLiteral(digits, 0)).toEqual({ type: 'Edm.Decimal', value: Number(digits), length: 300 });
    const duration = `duration'P${'1'.repeat(100)}D'`;
    expect(matchLiteral(duration, 0)).toMatchObject({ type: 'Edm.Duration', length: duration.length });
  });
});

describe('literals inside larger expressions', () => {
  it('keeps a negative number a literal but negates anything else', () => {
    expect(parseFilter('X eq -5')).toEqual(cmp('eq', prop('X'), int32(-5)));
    expect(parseFilter('X eq - 5')).toEqual(cmp('eq', prop('X'), { kind: 'negate', operand: int32(5) }));
    expect(parseFilter('X eq -INF')).toEqual(cmp('eq', prop('X'), dbl(-Infinity)));
  });

  it('reads a date minus a duration as arithmetic, not as one token', () => {
    expect(parseFilter("2024-01-31 sub duration'P1D' eq D")).toEqual(
      cmp('eq', { kind: 'arith', op: 'sub', left: lit('Edm.Date', '2024-01-31'), right: lit('Edm.Duration', 'P1D') }, prop('D')),
    );
  });
});
