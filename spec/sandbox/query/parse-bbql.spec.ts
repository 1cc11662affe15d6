import { parseBbql, type BbqlExpr, type BbqlLiteral } from '../../../sandbox/query';
import { bbqlString, expectSandboxError } from './expect-sandbox-error';

const cmp = (path: string, operator: string, value: unknown): BbqlExpr => ({ kind: 'comparison', path, operator, value }) as BbqlExpr;
const str = (value: string): BbqlLiteral => ({ type: 'string', value });
const num = (text: string): BbqlLiteral => ({ type: 'number', value: Number(text), text });

describe('parseBbql: operators and literals', () => {
  it.each<[string, BbqlExpr]>([
    ['state = "OPEN"', cmp('state', '=', str('OPEN'))],
    ['is_private != true', cmp('is_private', '!=', { type: 'boolean', value: true })],
    ['description ~ "beef"', cmp('description', '~', str('beef'))],
    ['description !~ "fubar"', cmp('description', '!~', str('fubar'))],
    ['id > 5', cmp('id', '>', num('5'))],
    ['id >= -10.302', cmp('id', '>=', num('-10.302'))],
    ['id < 1234', cmp('id', '<', num('1234'))],
    ['id <= 0', cmp('id', '<=', num('0'))],
    ['assignee = null', cmp('assignee', '=', { type: 'null' })],
    ['assignee = NULL', cmp('assignee', '=', { type: 'null' })],
    ['is_private = False', cmp('is_private', '=', { type: 'boolean', value: false })],
    ['source.branch.name="main"', cmp('source.branch.name', '=', str('main'))],
    ['  id\t=\n1  ', cmp('id', '=', num('1'))],
    ['id=-1', cmp('id', '=', num('-1'))],
  ])('%s', (q, expected) => {
    expect(parseBbql(q)).toEqual(expected);
  });

  it.each<[string, BbqlExpr]>([
    ['state IN ("OPEN", "MERGED")', { kind: 'in', path: 'state', negated: false, values: [str('OPEN'), str('MERGED')] }],
    ['state not in ("DECLINED")', { kind: 'in', path: 'state', negated: true, values: [str('DECLINED')] }],
    ['id IN (1,2, null)', { kind: 'in', path: 'id', negated: false, values: [num('1'), num('2'), { type: 'null' }] }],
  ])('list: %s', (q, expected) => {
    expect(parseBbql(q)).toEqual(expected);
  });
});

describe('parseBbql: datetimes (unquoted ISO-8601; no offset means UTC)', () => {
  const micros = (iso: string, extraMicros = 0) => Date.parse(iso) * 1000 + extraMicros;
  it.each<[string, number]>([
    ['2024-01-01', micros('2024-01-01T00:00:00Z')],
    ['2024-01-01T10:00', micros('2024-01-01T10:00:00Z')],
    ['2024-01-01T10:00:00', micros('2024-01-01T10:00:00Z')],
    ['2024-01-01T10:00:00Z', micros('2024-01-01T10:00:00Z')],
    ['2015-03-04T14:08:59.123+02:00', micros('2015-03-04T12:08:59.123Z')],
    ['2015-10-04T14:00:00-07:00', micros('2015-10-04T21:00:00Z')],
    ['2024-05-18T09:29:47.123456+00:00', micros('2024-05-18T09:29:47.123Z', 456)],
    ['2024-05-18T09:29:47.1234567', micros('2024-05-18T09:29:47.123Z', 456)],
    ['2024-05-18T09:29:47+0530', micros('2024-05-18T03:59:47Z')],
  ])('%s', (text, epochMicros) => {
    expect(parseBbql(`created_on > ${text}`)).toEqual(cmp('created_on', '>', { type: 'datetime', epochMicros, text }));
  });
});

describe('parseBbql: precedence', () => {
  const a = cmp('a', '=', num('1'));
  const b = cmp('b', '=', num('2'));
  const c = cmp('c', '=', num('3'));
  it.each<[string, BbqlExpr]>([
    ['a = 1 OR b = 2 AND c = 3', { kind: 'or', operands: [a, { kind: 'and', operands: [b, c] }] }],
    ['a = 1 AND b = 2 OR c = 3', { kind: 'or', operands: [{ kind: 'and', operands: [a, b] }, c] }],
    ['(a = 1 OR b = 2) AND c = 3', { kind: 'and', operands: [{ kind: 'or', operands: [a, b] }, c] }],
    ['a = 1 and b = 2 and c = 3', { kind: 'and', operands: [a, b, c] }],
    ['((a = 1))', a],
    ['a = 1 Or (b = 2)', { kind: 'or', operands: [a, b] }],
  ])('%s', (q, expected) => {
    expect(parseBbql(q)).toEqual(expected);
  });
});

describe('parseBbql: string escaping round-trips what a careful client sends', () => {
  it.each([
    ["a'bc"],
    ["a''bc"],
    ['say "hi"'],
    ['back\\slash'],
    ['trailing backslash \\'],
    ['\\"'],
    ['Zürich – ünïcödé'],
    ['emoji 🚀👩‍💻'],
    [''],
    ['AND OR ) ( = "'],
  ])('%j', (value) => {
    expect(parseBbql(`title = ${bbqlString(value)}`)).toEqual(cmp('title', '=', str(value)));
  });
});

describe('parseBbql: errors (400, Bitbucket error body)', () => {
  it.each<[string, string]>([
    ['', 'Syntax error in input (empty query)'],
    ['   ', 'Syntax error in input (empty query)'],
    ['state', 'Syntax error in input (unexpected end of input; expected an operator after "state")'],
    ['state =', 'Syntax error in input (unexpected end of input; expected a value after "=")'],
    ['state = OPEN', 'Syntax error in input (expected a value after "=" at column 9, found "OPEN" (quote strings with double quotes))'],
    ["state = 'OPEN'", `Syntax error in input (unexpected character "'" at column 9)`],
    ['state == "x"', 'Syntax error in input (unexpected "=" at column 8; expected a value after "=")'],
    ['state = "OPEN', 'Syntax error in input (unterminated string starting at column 9)'],
    ['title = "a\\nb"', 'Syntax error in input (invalid escape "\\n" at column 11; inside a string only \\" and \\\\ are escapes)'],
    ['title = "a\\', 'Syntax error in input (invalid escape end of input at column 11; inside a string only \\" and \\\\ are escapes)'],
    ['NOT state = "x"', 'Syntax error in input (unexpected "NOT" at column 1; expected a field name or "(" (there is no unary NOT; use !=, !~ or NOT IN))'],
    ['a = 1 AND', 'Syntax error in input (unexpected end of input; expected a field name or "(")'],
    ['a = 1 b = 2', 'Syntax error in input (unexpected "b" at column 7; expected AND, OR or the end of the query)'],
    ['(a = 1', 'Syntax error in input (unexpected end of input; expected ")")'],
    ['a = 1)', 'Syntax error in input (unexpected ")" at column 6; expected AND, OR or the end of the query)'],
    ['a IN ()', 'Syntax error in input (unexpected ")" at column 7; expected a value in the list)'],
    ['a IN ("x",)', 'Syntax error in input (unexpected ")" at column 11; expected a value after ",")'],
    ['a IN "x"', 'Syntax error in input (unexpected string "x" at column 6; expected "(")'],
    ['a NOT "x"', 'Syntax error in input (unexpected string "x" at column 7; expected IN after NOT)'],
    ['a LIKE "x"', 'Syntax error in input (unexpected "LIKE" at column 3; expected an operator (=, !=, ~, !~, >, >=, <, <=, IN, NOT IN) after "a")'],
    ['a = 1.', 'Syntax error in input ("1." at column 5 is neither a number nor an ISO-8601 date or datetime)'],
    ['a = 1e5', 'Syntax error in input ("1e5" at column 5 is neither a number nor an ISO-8601 date or datetime)'],
    ['a > 2024-13-01', 'Syntax error in input ("2024-13-01" at column 5 is neither a number nor an ISO-8601 date or datetime)'],
    ['a > 2024-02-30', 'Syntax error in input ("2024-02-30" at column 5 is neither a number nor an ISO-8601 date or datetime)'],
    ['a > 2024-01-01T25:00', 'Syntax error in input ("2024-01-01T25:00" at column 5 is neither a number nor an ISO-8601 date or datetime)'],
    ['a..b = 1', 'Syntax error in input (invalid field name "a..b" at column 1)'],
    ['a. = 1', 'Syntax error in input (invalid field name "a." at column 1)'],
    ['"a" = state', 'Syntax error in input (unexpected string "a" at column 1; expected a field name or "(")'],
    ['a = 1 & b = 2', 'Syntax error in input (unexpected character "&" at column 7)'],
    ['a ~ 5', 'Invalid value for field ".a": the ~ operator needs a quoted string, not the number 5'],
    ['a !~ null', 'Invalid value for field ".a": the !~ operator needs a quoted string, not null'],
    ['a > null', 'Invalid value for field ".a": the > operator cannot compare with null'],
    ['a <= true', 'Invalid value for field ".a": the <= operator cannot compare with the boolean true'],
  ])('%j', (q, message) => {
    expectSandboxError(() => parseBbql(q), 400, message);
  });
});
